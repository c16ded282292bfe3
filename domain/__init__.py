"""Domain rules: pure functions, no Slack, no SQL, no templates; `now` is an argument."""
