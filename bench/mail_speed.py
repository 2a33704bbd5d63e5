"""Mail extraction and scanning speed: messages/s and MB/s for mbox and PST.

    .venv/bin/python bench/mail_speed.py [--mbox-mb 50] [--pst-repeat 200] [--attachment-kb 0]

mbox: the synthetic messages of fixtures/mail/mbox/inbox.mbox are repeated
(with fresh Message-IDs) into a temporary mbox of about --mbox-mb MB; with
--attachment-kb N every multipart message also carries an N KB CSV
attachment (base64), closer to real mail than the ~2 KB fixture messages.
PST: the five sample PSTs of fixtures/pst are scanned --pst-repeat times each
(they are small, so the figure is per-message overhead more than bytes).

Two figures each, on one core, in this process:
  extract  split/parse every message and attachment (no detection)
  scan     the full pipeline: extraction + detection + masking/hashing
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PIISCOUT_HASH_KEY", "bench")

from connectors.registry import resolve  # noqa: E402
from scanner.extractors.base import ExtractContext  # noqa: E402
from scanner.model import Child, Item, Segment  # noqa: E402
from scanner.pipeline import ItemProcessor  # noqa: E402
from scanner.job import Job  # noqa: E402
from scanner.settings import ScanSettings  # noqa: E402


def build_mbox(path: Path, target_mb: float, attachment_kb: int = 0) -> int:
    src = (ROOT / "fixtures/mail/mbox/inbox.mbox").read_bytes()
    messages = re.split(rb"\n(?=From \S+ )", src)
    if attachment_kb:
        messages = [_with_attachment(m, attachment_kb) for m in messages]
    out, n, size = open(path, "wb"), 0, 0
    while size < target_mb * 1e6:
        for m in messages:
            m = re.sub(rb"Message-ID: <[^>]*>", f"Message-ID: <bench.{n}@mail.example.com>".encode(), m, count=1)
            data = m.rstrip(b"\n") + b"\n\n"
            out.write(data)
            n += 1
            size += len(data)
    out.close()
    return n


def _with_attachment(raw: bytes, kb: int) -> bytes:
    """The message with a base64 CSV attachment of about `kb` KB (no PII:
    order numbers and amounts), as real mail carries."""
    from email import message_from_bytes
    from email.mime.application import MIMEApplication
    from email.policy import compat32

    from_line, _, rest = raw.partition(b"\n")
    msg = message_from_bytes(rest, policy=compat32)
    if not msg.is_multipart():
        return raw
    rows = ["order,amount,status"] + [f"ORD-{i:07d},{i % 997}.{i % 89:02d},shipped" for i in range(kb * 40)]
    part = MIMEApplication("\n".join(rows).encode()[: kb * 1024], Name="orders.csv")
    part["Content-Disposition"] = 'attachment; filename="orders.csv"'
    msg.attach(part)
    return from_line + b"\n" + msg.as_bytes()


def extract_only(path: Path, settings: ScanSettings) -> tuple[int, int]:
    """Messages and attachment bytes reached, without detection."""
    from scanner.extractors import registry
    from scanner.extractors.base import Blob
    from scanner.sniff import HEAD, sniff

    messages = 0

    def walk(stream, name, ctype=None, depth=0):
        nonlocal messages
        from scanner.refine import refine
        from scanner.streams import CountingReader

        stream = CountingReader(stream)  # as the pipeline does: Blob replays the head when it cannot seek
        head = stream.read(HEAD)
        blob = Blob(stream, head, name, None, ctype or sniff(head, name))
        try:
            ctype = blob.content_type = refine(blob, blob.content_type)
        except Exception:  # noqa: BLE001 - a damaged object: the pipeline records it
            return
        cls = registry.for_type(ctype)
        if cls is None:
            return
        if ctype in ("message/rfc822", "application/vnd.ms-outlook"):
            messages += 1
        try:
            for ev in cls().extract(blob, ExtractContext(settings, depth)):
                if isinstance(ev, Child) and ev.open and not ev.error and not ev.skip and depth < 5:
                    walk(ev.open(), ev.name.rsplit("/", 1)[-1], ev.content_type, depth + 1)
                elif isinstance(ev, Segment):
                    pass
        except Exception:  # noqa: BLE001 - skipped or damaged (an image without OCR): as the pipeline records
            pass

    with open(path, "rb") as fh:
        walk(fh, path.name)
    return messages, path.stat().st_size


class Scanner:
    """One worker's pipeline (engine built once, as in a real worker)."""

    def __init__(self, settings: ScanSettings):
        self.spec = resolve("/", name="bench")
        self.proc = ItemProcessor(Job(targets=(self.spec,), settings=settings))

    def scan(self, paths: list[Path]) -> int:
        records = 0
        for p in paths:
            item = Item(target="bench", source="file", location=str(p), ref=str(p), size=p.stat().st_size)
            for out in self.proc.process(item):
                if not isinstance(out, list):
                    records += 1
        return records


class Timer:
    """Wall and CPU time: the machine may be shared, CPU time is this process's."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def report(label: str, messages: int, nbytes: int, t: Timer) -> None:
    print(f"{label:<13} {messages:>6} msgs {nbytes / 1e6:6.1f} MB | wall {t.wall:6.2f} s "
          f"{messages / t.wall:6.0f} msg/s {nbytes / 1e6 / t.wall:5.1f} MB/s | cpu {t.cpu:6.2f} s "
          f"{messages / t.cpu:6.0f} msg/s {nbytes / 1e6 / t.cpu:5.1f} MB/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mbox-mb", type=float, default=50)
    ap.add_argument("--pst-repeat", type=int, default=200)
    ap.add_argument("--attachment-kb", type=int, default=0,
                    help="add a CSV attachment of this size to every multipart message (realistic sizes)")
    args = ap.parse_args()
    settings = ScanSettings()
    scanner = Scanner(settings)
    with tempfile.TemporaryDirectory() as tmp:
        mbox_path = Path(tmp) / "bench.mbox"
        n = build_mbox(mbox_path, args.mbox_mb, args.attachment_kb)
        size = mbox_path.stat().st_size
        with Timer() as t:
            extract_only(mbox_path, settings)
        report("mbox extract", n, size, t)
        with Timer() as t:
            scanner.scan([mbox_path])
        report("mbox scan", n, size, t)

    psts = sorted((ROOT / "fixtures/pst").glob("*.pst"))
    msgs = sum(extract_only(p, settings)[0] for p in psts)
    nbytes = sum(p.stat().st_size for p in psts)
    with Timer() as t:
        for _ in range(args.pst_repeat):
            for p in psts:
                extract_only(p, settings)
    report("pst extract", msgs * args.pst_repeat, nbytes * args.pst_repeat, t)
    with Timer() as t:
        for _ in range(args.pst_repeat):
            scanner.scan(psts)
    report("pst scan", msgs * args.pst_repeat, nbytes * args.pst_repeat, t)


if __name__ == "__main__":
    main()
