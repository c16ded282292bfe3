"""The embedded default: a local chat simulator and the demo."""
