"""Service functions: one use case each, given a session and plain values; no Slack."""
