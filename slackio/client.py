"""WebClient construction: every client honours SLACK_API_URL and retries transient errors."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from core.settings import Settings


def retry_handlers(*, rate_limit_retries: int = 2) -> list:
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def make_web_client(settings: Settings, *, rate_limit_retries: int = 2, timeout: int = 10) -> WebClient:
    return WebClient(
        token=settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=retry_handlers(rate_limit_retries=rate_limit_retries),
    )
