"""Synthetic workloads that imitate what slows a PII scanner down on real shares.

    python bench/workloads.py logs   OUT_DIR --size 100MB [--seed 21]
    python bench/workloads.py export OUT_DIR --size 50MB  [--seed 31]

* `logs`: number-dense application logs without PII: request and trace ids
  (hex), span ids, counters, timings, byte counts, epochs in seconds,
  milliseconds and microseconds, versions, build numbers, zero-padded keys,
  GUIDs, ports, internal IPs, stack frames with hex addresses, metric dumps.
  Every digit run is a candidate for a naive number matcher; none is PII.
  truth.json is empty: every finding on these files is a false positive.
* `export`: a dense customer export (CSV), four PII values a row (SSN,
  card number, e-mail address, phone number) in mixed real-world formats,
  plus the numbers exports carry (ids, balances, ZIP codes) and a plan
  name (no names: the four values are the whole truth): about
  40,000 findings per MB, 2,000,000 in 50 MB. truth.json lists every
  planted value per file.

Everything is synthetic and seeded: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

SERVICES = ["api-gateway", "billing", "auth", "inventory", "search", "scheduler", "ingest", "notifier"]
LEVELS = ["INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARN", "ERROR"]
PATHS = ["orders", "items", "sessions", "metrics", "jobs", "reports", "assets", "tenants"]
CLASSES = ["com.acme.billing.InvoiceService", "com.acme.core.db.ConnectionPool", "io.netty.channel.AbstractChannel",
           "org.apache.kafka.clients.NetworkClient", "com.acme.search.IndexWriter"]
HEX = "0123456789abcdef"


class _Rnd:
    """Fast draws for generators that make hundreds of MB: getrandbits is
    several times cheaper than randint."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.bits = self.r.getrandbits
        self.choice = self.r.choice
        self.random = self.r.random

    def hex(self, n: int) -> str:
        return f"{self.bits(4 * n):0{n}x}"

    def num(self, lo: int, hi: int) -> int:
        return lo + self.bits(40) % (hi - lo + 1)


def _ts(r: _Rnd) -> str:
    return (f"2026-{r.num(1, 12):02d}-{r.num(1, 28):02d}T{r.num(0, 23):02d}:{r.num(0, 59):02d}:"
            f"{r.num(0, 59):02d}.{r.num(0, 999999):06d}Z")


def _guid(r: _Rnd) -> str:
    h = r.hex(32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _epoch(r: _Rnd) -> int:
    return r.num(1_700_000_000, 1_800_000_000)


def _request_line(r: _Rnd) -> str:
    return (f"{_ts(r)} {r.choice(LEVELS)} [{r.choice(SERVICES)}-{r.num(0, 15):02d}] req_id={r.hex(12)} "
            f"trace={r.hex(32)} span={r.hex(16)} method=GET path=/api/v{r.num(1, 3)}/{r.choice(PATHS)}/"
            f"{r.num(1, 99_999_999)} status={r.choice((200, 200, 200, 201, 204, 304, 404, 500, 503))} "
            f"bytes={r.num(0, 4_194_304)} took={r.num(0, 9999)}.{r.num(0, 999):03d}ms "
            f"upstream=10.{r.num(0, 255)}.{r.num(0, 255)}.{r.num(1, 254)}:{r.num(1024, 65535)}")


def _job_line(r: _Rnd) -> str:
    e = _epoch(r)
    return (f"{_ts(r)} {r.choice(LEVELS)} [scheduler] job=JOB-{r.num(0, 99_999_999):08d} "
            f"batch={r.num(0, 999_999):06d} seq={r.num(0, 10 ** 10 - 1):010d} tenant={r.num(1, 99_999):05d} "
            f"epoch={e} epoch_ms={e}{r.num(0, 999):03d} scheduled_us={e}{r.num(0, 999_999):06d} "
            f"attempt={r.num(1, 5)}/5 queue_depth={r.num(0, 250_000)} build={r.num(2024, 2026)}"
            f"{r.num(1, 12):02d}{r.num(1, 28):02d}.{r.num(1, 9999)} version={r.num(1, 9)}.{r.num(0, 40)}."
            f"{r.num(0, 300)}")


def _metric_line(r: _Rnd) -> str:
    return (f"{_ts(r)} INFO [metrics] host=node-{r.num(1, 64):03d} cpu_user={r.num(0, 100)}.{r.num(0, 99):02d} "
            f"cpu_sys={r.num(0, 100)}.{r.num(0, 99):02d} rss_bytes={r.num(10 ** 7, 10 ** 10)} "
            f"heap_used={r.num(10 ** 6, 10 ** 9)} gc_pause_ms={r.num(0, 500)}.{r.num(0, 9)} "
            f"open_fds={r.num(10, 65535)} threads={r.num(4, 512)} rx_packets={r.num(0, 10 ** 12)} "
            f"tx_packets={r.num(0, 10 ** 12)} uptime_s={r.num(0, 10 ** 8)} p50={r.num(0, 999)} "
            f"p95={r.num(0, 9999)} p99={r.num(0, 99_999)}")


def _db_line(r: _Rnd) -> str:
    return (f"{_ts(r)} {r.choice(LEVELS)} [db] conn={r.num(1, 512)} txid={r.num(10 ** 8, 10 ** 11)} "
            f"lsn={r.hex(8).upper()}/{r.hex(8).upper()} rows={r.num(0, 10 ** 6)} "
            f"key=ORD-{r.num(0, 10 ** 12 - 1):012d} sku={r.num(0, 10 ** 8 - 1):08d} "
            f"object_id={_guid(r)} checksum={r.hex(40)} elapsed={r.num(0, 99_999)}us")


def _stack_lines(r: _Rnd) -> str:
    frames = "\n".join(
        f"\tat {r.choice(CLASSES)}.m{r.num(1, 99)}({r.choice(CLASSES).rsplit('.', 1)[1]}.java:{r.num(10, 4000)}) "
        f"[0x{r.hex(16)}]" for _ in range(r.num(3, 8)))
    return (f"{_ts(r)} ERROR [{r.choice(SERVICES)}] pid={r.num(100, 4_194_303)} tid={r.num(10 ** 11, 10 ** 15)} "
            f"error_id={r.hex(24)} Unhandled exception at 0x{r.hex(16)}\n{frames}")


LOG_LINES = ((_request_line, 0.45), (_job_line, 0.2), (_metric_line, 0.15), (_db_line, 0.15), (_stack_lines, 0.05))


def dense_log(r: _Rnd, size: int) -> str:
    lines, total = [], 0
    while total < size:
        x, acc = r.random(), 0.0
        for make, share in LOG_LINES:
            acc += share
            if x <= acc:
                break
        line = make(r)
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines) + "\n"


PLANS = ("basic", "standard", "premium", "business", "trial")
EXPORT_HEADER = "customer_id,email,phone,ssn,card_number,plan,balance,zip"


def export_rows(p: "corpus.Planter", r: _Rnd, size: int) -> str:
    """A customer export: every row holds an SSN, a card, an e-mail and a phone."""
    rows, total = [EXPORT_HEADER], 0
    while total < size:
        row = (f"{r.num(1, 10 ** 6):06d},{p.email()},{p.phone()},{p.ssn(bare=r.random() < 0.3)},{p.card()},"
               f"{r.choice(PLANS)},{r.num(0, 99_999)}.{r.num(0, 99):02d},{r.num(1000, 99_950):05d}")
        rows.append(row)
        total += len(row) + 1
    return "\n".join(rows) + "\n"


def build_logs(out: Path, size: int, seed: int = 21, file_size: int = 8 << 20) -> dict:
    """Number-dense logs without PII, `file_size` per file (the last smaller)."""
    r = _Rnd(seed)
    out.mkdir(parents=True, exist_ok=True)
    written, n = 0, 0
    while written < size:
        text = dense_log(r, min(file_size, size - written))
        path = out / f"app-{n:04d}.log"
        path.write_text(text)
        written += len(text.encode())
        n += 1
    (out / "truth.json").write_text("{}")
    return {"files": n, "bytes": written}


def build_export(out: Path, size: int, seed: int = 31, file_size: int = 5 << 20) -> dict:
    """Dense customer exports with their truth, `file_size` per file."""
    r = _Rnd(seed)
    p = corpus.Planter(r.r)
    out.mkdir(parents=True, exist_ok=True)
    written, n = 0, 0
    while written < size:
        rel = f"customers-{n:04d}.csv"
        p.path = rel
        text = export_rows(p, r, min(file_size, size - written))
        (out / rel).write_text(text)
        written += len(text.encode())
        n += 1
    (out / "truth.json").write_text(json.dumps(p.truth))
    return {"files": n, "bytes": written}


def main(argv=None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from scanner.streams import parse_size

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=("logs", "export"))
    ap.add_argument("out", type=Path)
    ap.add_argument("--size", default="50MB")
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args(argv)
    build = build_logs if a.kind == "logs" else build_export
    kwargs = {"seed": a.seed} if a.seed is not None else {}
    info = build(a.out, parse_size(a.size), **kwargs)
    print(f"wrote {info['files']} files, {info['bytes'] / 1e6:.1f} MB to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
