"""Developer tools, run from the repository root as `python -m scripts.<name>` (see dev.py)."""
