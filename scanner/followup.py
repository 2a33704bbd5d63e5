"""After a scan is recorded: `--fail-on` and `--webhook`.

Runs once the scan's `scans` row is written (so the scan is safe whatever
happens here), with the inventory lock still held:

1. what changed for the scan's targets (scanner/changes.py), when
   `--fail-on new` or a webhook needs it;
2. the exit code: 6 (EXIT_FINDINGS) when `--fail-on new` and the scan
   found findings new since each target's previous complete scan, or
   `--fail-on any` and it holds any finding. 6 replaces 0 and 1 (an
   unreadable file must not hide new SSNs from an alerting script); an
   interrupted scan keeps 4;
3. one POST per webhook (scanner/webhooks/), never failing the scan: a
   receiver that is down is logged and recorded;
4. the scans row rewritten (the scan's own file, atomically) with the final
   exit code and the `webhooks` outcomes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from scanner.errors import EXIT_FINDINGS, EXIT_ITEM_ERRORS, EXIT_OK, PiiscoutError, one_line
from scanner.webhooks import Webhook

log = logging.getLogger("piiscout.followup")

FAIL_ON = ("new", "any")


@dataclass(frozen=True)
class Notify:
    """What to do once a scan is recorded (scan options --fail-on, --webhook...)."""

    fail_on: str | None = None  # new | any | None
    webhooks: tuple[Webhook, ...] = ()
    timeout: float = 10.0  # seconds per attempt
    retries: int = 3  # attempts after the first

    @property
    def active(self) -> bool:
        return bool(self.fail_on or self.webhooks)


def fail_code(code: int, fail_on: str | None, findings: int, new: int | None) -> int:
    """The exit code once --fail-on is applied (see the module doc)."""
    if code not in (EXIT_OK, EXIT_ITEM_ERRORS) or fail_on is None:
        return code
    hit = findings > 0 if fail_on == "any" else bool(new)
    return EXIT_FINDINGS if hit else code


def _changes(inventory: Path, scan_id: str):
    from scanner.changes import changes

    try:
        return changes(inventory, scan_id)
    except Exception as exc:  # noqa: BLE001 - the scan is recorded; say why this part is missing
        log.error("scan %s: could not compare with the previous scan: %s", scan_id, one_line(exc))
        log.debug("changes failed", exc_info=True)
        return None


def _headline(inventory: Path, scan_id: str) -> str | None:
    from scanner.risk import risk_headline

    try:
        return risk_headline(inventory, scan_id)
    except Exception as exc:  # noqa: BLE001
        log.warning("scan %s: no risk headline for the webhook: %s", scan_id, one_line(exc))
        return None


def post_all(notify: Notify, doc: dict, stopped: Callable[[], bool] = lambda: False,
             wait: Callable[[float], object] | None = None) -> list:
    """Deliver `doc` to every webhook; log each outcome."""
    import time

    from scanner.webhooks.deliver import DELIVERED, deliver
    from scanner.webhooks.formats import render

    out = []
    for hook in notify.webhooks:
        d = deliver(hook, lambda fmt: render(fmt, doc), notify.timeout, notify.retries, stopped,
                    wait or time.sleep)
        if d.status == DELIVERED:
            log.info("webhook %s: delivered (HTTP %s, %d attempt%s)", d.url, d.http_status, d.attempts,
                     "s" if d.attempts != 1 else "")
        else:
            log.warning("webhook %s: not delivered after %d attempt%s: %s (the scan is not affected)",
                        d.url, d.attempts, "s" if d.attempts != 1 else "", d.error)
        out.append(d)
    return out


def follow_up(notify: Notify, inventory: Path, writer, row: dict, code: int, stop=None) -> int:
    """Apply --fail-on and deliver webhooks for a recorded scan; returns the
    final exit code. `writer` rewrites the scans row; `stop` (a stop flag
    with `.event`) cuts retries short."""
    if not notify.active:
        return code
    scan_id = row["scan_id"]
    ch = _changes(inventory, scan_id) if (notify.fail_on == "new" or notify.webhooks) else None
    final = fail_code(code, notify.fail_on, row["findings"], ch.new_count if ch is not None else None)
    if final != code:
        what = "findings" if notify.fail_on == "any" else "new findings"
        n = row["findings"] if notify.fail_on == "any" else ch.new_count
        log.info("scan %s: %d %s (--fail-on %s): exit %d", scan_id, n, what, notify.fail_on, final)
    deliveries = []
    if notify.webhooks:
        from scanner.webhooks import payload

        doc = payload.build(row, inventory, final, ch, _headline(inventory, scan_id))
        stopped = stop if stop is not None else (lambda: False)
        wait = stop.event.wait if stop is not None else None
        deliveries = post_all(notify, doc, stopped, wait)
    if final != code or deliveries:
        try:
            writer.write_scan({**row, "exit_code": final, "webhooks": [d.as_row() for d in deliveries] or None})
        except PiiscoutError as e:  # the scan's first row stands
            log.warning("scan %s: could not record the webhook outcomes: %s", scan_id, e)
    return final


def notify_failure(notify: Notify | None, target: str | None, urls: list[str], inventory, exc: PiiscoutError) -> None:
    """Webhooks for a scan that could not run or finish (unreachable target,
    locked or unwritable inventory): status `failed`, with the error's line."""
    if notify is None or not notify.webhooks:
        return
    from scanner.webhooks import payload

    doc = payload.failure(target, urls, inventory, exc.exit_code, " ".join(str(exc).split()),
                          getattr(exc, "scan_id", None))
    post_all(notify, doc)
