"""Talking to Slack: clients, request signing, a local stand-in for the Web API."""
