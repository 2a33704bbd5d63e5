"""Delivery against a real loopback server: retries, backoff, time limits, redirects, redaction."""

from __future__ import annotations

import pytest

from scanner.webhooks import WebhookError, format_for, parse_all, parse_webhook, redact
from scanner.webhooks.deliver import MAX_BACKOFF, backoff, deliver
from tests.scanner.webhooks.receiver import Receiver

TOKEN = "s3cr3tT0ken"


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def _send(receiver, path="/hook", **kw):
    waits = []
    hook = parse_webhook(f"{receiver.url}{path}")
    d = deliver(hook, lambda fmt: b'{"x": 1}', kw.pop("timeout", 5.0), kw.pop("retries", 3),
                wait=waits.append, **kw)
    return d, waits


def test_delivered_first_time(receiver):
    d, waits = _send(receiver)
    assert (d.status, d.attempts, d.http_status, d.error) == ("delivered", 1, 200, None)
    assert waits == [] and receiver.received[0].body == b'{"x": 1}'


def test_5xx_and_429_are_retried_with_growing_waits_then_delivered(receiver):
    receiver.answers = [503, 502, 429]
    d, waits = _send(receiver)
    assert (d.status, d.attempts, d.http_status) == ("delivered", 4, 200)
    assert len(receiver.received) == 4
    assert len(waits) == 3 and waits[0] < waits[1] < waits[2] <= MAX_BACKOFF


def test_retries_run_out(receiver):
    receiver.answers = [500] * 10
    d, waits = _send(receiver, retries=2)
    assert (d.status, d.attempts, d.http_status, d.error) == ("failed", 3, 500, "HTTP 500")
    assert len(receiver.received) == 3


def test_retry_after_is_honoured(receiver):
    receiver.answers = [429]
    receiver.headers = {"Retry-After": "7"}
    d, waits = _send(receiver)
    assert d.status == "delivered" and waits == [7.0]


@pytest.mark.parametrize("code", [400, 401, 403, 404, 410])
def test_other_4xx_are_not_retried(receiver, code):
    receiver.answers = [code]
    d, waits = _send(receiver)
    assert (d.status, d.attempts, d.http_status) == ("failed", 1, code) and waits == []


def test_redirects_are_not_followed(receiver):
    receiver.answers = [302]
    receiver.headers = {"Location": "http://127.0.0.1:9/elsewhere"}
    d, _ = _send(receiver)
    assert d.status == "failed" and d.http_status == 302 and "not followed" in d.error
    assert len(receiver.received) == 1


def test_a_slow_receiver_times_out(receiver):
    receiver.delay = 2.0
    d, _ = _send(receiver, timeout=0.3, retries=1)
    assert d.status == "failed" and d.attempts == 2 and d.error == "timed out"


def test_a_stop_request_ends_the_retries(receiver):
    receiver.answers = [503] * 5
    d, waits = _send(receiver, stopped=lambda: len(receiver.received) >= 1)
    assert d.status == "failed" and d.attempts == 1


def test_backoff_doubles_and_is_capped():
    assert 1.0 <= backoff(1) <= 1.25 and 2.0 <= backoff(2) <= 2.5 and 4.0 <= backoff(3) <= 5.0
    assert backoff(20) == MAX_BACKOFF


@pytest.mark.parametrize("url,shown", [
    (f"https://hooks.slack.com/services/T000/B000/{TOKEN}", "https://hooks.slack.com/…#"),
    (f"https://user:{TOKEN}@psa.example.com:8443/in?key={TOKEN}", "https://psa.example.com:8443/…#"),
    (f"https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig={TOKEN}",
     "https://prod-12.westus.logic.azure.com:443/…#"),
])
def test_redaction_keeps_the_host_only(url, shown):
    r = redact(url)
    assert r.startswith(shown) and TOKEN not in r and len(r) == len(shown) + 8
    assert redact(url) == r and redact(url + "x") != r  # a stable fingerprint tells hooks apart


def test_formats_by_host_and_prefix():
    assert format_for("https://hooks.slack.com/services/x") == "slack"
    assert format_for("https://acme.webhook.office.com/webhookb2/x") == "teams"
    assert format_for("https://prod-1.westeurope.logic.azure.com/workflows/x") == "teams"
    assert format_for("https://acme.halopsa.com/api/notify") == "json"
    h = parse_webhook("json+https://hooks.slack.com/services/x")
    assert h.format == "json" and h.resolved_format(h.url()) == "json"
    assert parse_webhook("Teams+env:HOOK").format == "teams"
    assert len(parse_all(["https://a.example/x", "https://a.example/x"])) == 1


@pytest.mark.parametrize("bad", ["ftp://h/x", "https://", "https://h:99999/x", "http://h/a b", "env:", "hooks.slack.com/x"])
def test_bad_webhooks_are_refused(bad):
    with pytest.raises(WebhookError):
        parse_webhook(bad)
