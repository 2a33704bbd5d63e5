"""POST one webhook body: a time limit per attempt, retries with backoff,
and an outcome instead of an exception.

* Each attempt has `timeout` seconds (connect and each read); a receiver
  that is down, slow, or answers 5xx/408/429 is tried again after 1, 2,
  4, ... seconds (a random 0-25% added, at most 30 s; a `Retry-After` of
  at most 60 s is honoured), up to `retries` more times.
* Another 4xx (a wrong or revoked URL, a body the receiver refuses) is not
  retried: it will not get better.
* Redirects are not followed: a webhook body goes to the host it was
  given for, and the redirect is reported.
* A stop request (SIGTERM/SIGINT) ends the waiting at once.

Nothing here raises for a receiver's problem: `Delivery` says what
happened, in words that never hold the URL's path or query.
"""

from __future__ import annotations

import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from scanner import __version__
from scanner.webhooks import Webhook, WebhookError, redact

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_BACKOFF = 30.0
MAX_RETRY_AFTER = 60.0
DELIVERED, FAILED = "delivered", "failed"


@dataclass(frozen=True)
class Delivery:
    """One webhook's outcome: the scans table's `webhooks` entry."""

    url: str  # redacted (scanner.webhooks.redact) or env:NAME
    format: str
    status: str  # delivered | failed
    attempts: int
    http_status: int | None
    error: str | None
    sent_at: datetime

    def as_row(self) -> dict:
        return {"url": self.url, "format": self.format, "status": self.status, "attempts": self.attempts,
                "http_status": self.http_status, "error": self.error, "sent_at": self.sent_at}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx code


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, timeout: float) -> int:
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"piiscout/{__version__}",
    })
    with _OPENER.open(req, timeout=timeout) as resp:
        resp.read(1 << 16)  # let the receiver finish; its answer is not used
        return resp.status


def _why(exc: BaseException, url: str) -> str:
    """One line, without the URL (or any part of its path and query)."""
    if isinstance(exc, urllib.error.HTTPError):
        why = f"HTTP {exc.code}"
        if 300 <= exc.code < 400:
            why += " (a redirect: not followed)"
    elif isinstance(exc, (socket.timeout, TimeoutError)):
        why = "timed out"
    elif isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        why = (getattr(reason, "strerror", None) or str(reason)) if reason else "connection failed"
        if isinstance(reason, (socket.timeout, TimeoutError)):
            why = "timed out"
    elif isinstance(exc, OSError):
        why = exc.strerror or type(exc).__name__
    else:
        why = type(exc).__name__
    from scanner.errors import one_line

    why = one_line(RuntimeError(why)).split(": ", 1)[-1]
    for secret in {url, url.split("?", 1)[0]}:
        why = why.replace(secret, redact(url))
    return why


def _retry_after(exc: BaseException) -> float | None:
    if isinstance(exc, urllib.error.HTTPError) and exc.headers is not None:
        try:
            value = float(exc.headers.get("Retry-After", ""))
        except ValueError:
            return None
        return min(max(value, 0.0), MAX_RETRY_AFTER)
    return None


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in RETRY_STATUS
    return isinstance(exc, (OSError, urllib.error.URLError))


def backoff(attempt: int) -> float:
    """Seconds to wait before retry `attempt` (1-based)."""
    base = min(2.0 ** (attempt - 1), MAX_BACKOFF)
    return min(base * (1 + random.uniform(0, 0.25)), MAX_BACKOFF)


def deliver(hook: Webhook, body_for: Callable[[str], bytes], timeout: float, retries: int,
            stopped: Callable[[], bool] = lambda: False, wait: Callable[[float], None] = time.sleep) -> Delivery:
    """POST the body (built for the hook's format) to one webhook."""
    now = datetime.now(timezone.utc)
    try:
        url = hook.url()
    except WebhookError as e:
        return Delivery(hook.shown, hook.format or "json", FAILED, 0, None, str(e), now)
    fmt = hook.resolved_format(url)
    shown = hook.spec if hook.env else redact(url)
    body = body_for(fmt)
    attempt, status, error = 0, None, None
    while True:
        attempt += 1
        try:
            status = _post(url, body, timeout)
            return Delivery(shown, fmt, DELIVERED, attempt, status, None, now)
        except Exception as exc:  # noqa: BLE001 - a receiver's problem is an outcome, never the scan's
            status = getattr(exc, "code", None) if isinstance(exc, urllib.error.HTTPError) else None
            error = _why(exc, url)
            if attempt > retries or not _retryable(exc) or stopped():
                break
            delay = _retry_after(exc) or backoff(attempt)
            wait(delay)
            if stopped():
                error += "; stopped by a signal before the next attempt"
                break
    return Delivery(shown, fmt, FAILED, attempt, status, error, now)
