"""Benchmarks: `python -m bench.<name>`; each prints figures and ratios measured in one run."""
