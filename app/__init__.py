"""The app factory (`create_app`) and the process's logging set-up."""

from app.factory import Ambot, create_app
from app.logs import SecretsFilter, configure_logging

__all__ = ["Ambot", "SecretsFilter", "configure_logging", "create_app"]
