"""Scheduled work: job functions (one module per domain), the outbox sender, the scheduler."""
