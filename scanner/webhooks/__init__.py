"""`scan --webhook URL`: after each scan, one JSON document to each URL.

A webhook is given as `[FORMAT+]URL` or `[FORMAT+]env:VARIABLE`:

* FORMAT is `json` (piiscout's own document, docs/webhook.schema.json),
  `slack` (a Slack incoming-webhook message) or `teams` (an Adaptive Card
  in the envelope Teams Workflows and incoming webhooks take); without one
  it is told by the host (hooks.slack.com: slack; *.webhook.office.com,
  *.logic.azure.com, *.powerplatform.com: teams; anything else: json);
* `env:VARIABLE` reads the URL from that environment variable when the
  scan ends, so the URL (whose path or query usually is the secret) need
  not be on a command line or in a config file (systemd EnvironmentFile=,
  a root-only credentials file sourced by cron).

A webhook URL is a credential: it is never logged, printed or stored in
full. `redact()` keeps the scheme and host and a short fingerprint of the
whole URL (`https://hooks.slack.com/…#3fa2b1c0`), enough to tell two hooks
apart in a log or the scans table.

The payload (scanner/webhooks/payload.py), the formats
(scanner/webhooks/formats.py) and the delivery with retries
(scanner/webhooks/deliver.py) live next to this module; scanner/followup.py
runs them after a scan. Part of the scan layer, reading finished scans:
it may import scanner.changes, scanner.inventory, scanner.entity_labels and the
foundation (errors, privacy); nothing below the scan layer imports it.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

FORMATS = ("json", "slack", "teams")
_PREFIX = re.compile(r"^(json|slack|teams)\+(.+)$", re.IGNORECASE | re.DOTALL)
_ENV = re.compile(r"^env:([A-Za-z_][A-Za-z0-9_]*)$")
# Hosts whose incoming webhooks want their own message formats.
SLACK_HOSTS = ("hooks.slack.com",)
TEAMS_HOSTS = (".webhook.office.com", ".logic.azure.com", ".powerplatform.com", ".powerautomate.com")


class WebhookError(ValueError):
    """A webhook that cannot be used (a bad URL, an unset variable); the
    message never holds the URL's secret part."""


@dataclass(frozen=True)
class Webhook:
    """One destination: a URL, or the environment variable holding it."""

    spec: str  # as given, without the format prefix: a URL or env:NAME
    format: str | None = None  # json | slack | teams; None: told by the host

    @property
    def env(self) -> str | None:
        m = _ENV.match(self.spec)
        return m.group(1) if m else None

    def url(self) -> str:
        """The URL to post to (read from its variable now, for env:)."""
        name = self.env
        if name is None:
            return self.spec
        value = os.environ.get(name, "").strip()
        if not value:
            raise WebhookError(f"the webhook variable ${name} is not set")
        check_url(value, f"${name}")
        return value

    def resolved_format(self, url: str) -> str:
        return self.format or format_for(url)

    @property
    def shown(self) -> str:
        """How logs, messages and the inventory show it."""
        prefix = f"{self.format}+" if self.format else ""
        return prefix + (self.spec if self.env else redact(self.spec))


def format_for(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    if host in SLACK_HOSTS:
        return "slack"
    if host.endswith(TEAMS_HOSTS):
        return "teams"
    return "json"


def fingerprint(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def redact(url: str) -> str:
    """scheme://host[:port]/…#fingerprint: no user, path or query (where the
    tokens are)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return f"(a webhook URL)#{fingerprint(url)}"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}/…#{fingerprint(url)}"


def check_url(url: str, shown: str | None = None) -> None:
    shown = shown or redact(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise WebhookError(f"{shown}: not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise WebhookError(f"{shown}: a webhook URL starts with https:// (or http://)")
    if not parts.hostname:
        raise WebhookError(f"{shown}: no host in the webhook URL")
    if any(c.isspace() for c in url):
        raise WebhookError(f"{shown}: the webhook URL holds white space")


def parse_webhook(text: str) -> Webhook:
    text = text.strip()
    fmt = None
    m = _PREFIX.match(text)
    if m:
        fmt, text = m.group(1).lower(), m.group(2).strip()
    if text.startswith("env:"):
        if not _ENV.match(text):
            raise WebhookError(f"{text}: expected env:VARIABLE (letters, digits, _)")
        return Webhook(text, fmt)
    check_url(text)
    return Webhook(text, fmt)


def parse_all(values) -> tuple[Webhook, ...]:
    """--webhook values (click's `parse`): ValueError names the bad one, redacted."""
    if isinstance(values, str):
        values = (values,)
    out = []
    for v in values or ():
        hook = parse_webhook(str(v))
        if hook not in out:
            out.append(hook)
    return tuple(out)


def shown_all(values) -> list[str]:
    """The scans table's `options` record of --webhook: redacted."""
    return [h.shown if isinstance(h, Webhook) else redact(str(h)) for h in values or ()]
