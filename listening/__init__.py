"""The listener layer between Bolt and ambot's listeners (see layer.py)."""

from listening.layer import Listeners
from listening.request import Request

__all__ = ["Listeners", "Request"]
