"""Persistence: models, sessions, query functions and Alembic migrations."""
