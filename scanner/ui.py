"""Logging and progress: a live bar on a terminal, quiet lines under cron.

Cron mails everything a job prints, so off a terminal piiscout prints
nothing but warnings, errors and one summary line. No log line carries a
raw value: messages name locations and counts, never content.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import datetime, timezone

log = logging.getLogger("piiscout")
OUR_LOGGERS = ("piiscout", "scanner", "connectors", "detectors")


def safe_exception_text(ei) -> str:
    """A traceback without exception messages that could quote content: the
    frames (code, not data), then the exception as `one_line` reports it
    (library messages scrubbed of digits and e-mail-like tokens)."""
    import traceback

    from scanner.errors import one_line

    _, exc, tb = ei
    frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
    out = "Traceback (most recent call last):\n" + frames + (one_line(exc) if exc is not None else "")
    cause = exc.__cause__ or exc.__context__ if exc is not None else None
    if cause is not None:
        out += f"\n(while handling {type(cause).__name__})"
    return out.rstrip("\n")


class PrivacyFilter(logging.Filter):
    """Library log lines are scrubbed like library exception messages: a
    parser warning can quote the bytes it choked on."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(OUR_LOGGERS):
            from scanner.privacy import scrub

            record.msg = scrub(record.getMessage())
            record.args = ()
        return True


class TextFormatter(logging.Formatter):
    """One record, one line: a newline or a non-UTF-8 byte in a file name is
    shown escaped (scanner.names.one_line), so a hostile name can neither
    split a log line nor make the handler fail."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        from scanner.names import one_line as name_line

        return name_line(super().formatMessage(record))

    def formatException(self, ei) -> str:
        return safe_exception_text(ei)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        from scanner.names import writable

        out = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": writable(record.getMessage()),
        }
        for key in ("scan_id", "event"):
            if hasattr(record, key):
                out[key] = getattr(record, key)
        if isinstance(getattr(record, "fields", None), dict):  # the end-of-scan record's fields
            out.update(record.fields)
        if record.exc_info:
            out["exception"] = safe_exception_text(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


class StderrFormatter(TextFormatter):
    """`piiscout: error: ...`, `piiscout: warning: ...`: one line each."""

    def __init__(self) -> None:
        super().__init__("piiscout: %(level)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.level = record.levelname.lower()
        return super().format(record)


class _DriverNoise(logging.Filter):
    """SQLAlchemy's pool logs ERROR with a traceback when it cannot close a
    cursor or reset a connection the server already dropped: the table's own
    row already says "connection lost after N rows"; these lines say it again,
    as tracebacks. Left out."""

    NOISE = ("Error closing cursor", "Exception during reset or similar", "Exception closing connection")

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("sqlalchemy.pool") and str(record.msg).startswith(self.NOISE))


class _NotTheEndRecord(logging.Filter):
    """The end-of-scan record goes to standard output (and the log file),
    not a second time to standard error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "event", None) != SCAN_END


SCAN_END = "scan_end"
_FORMAT = {"name": "text"}  # how piiscout's own lines are written (setup_logging)


def log_format() -> str:
    return _FORMAT["name"]


def error(message: str) -> None:
    """One error line on standard error, as a log record: `piiscout: error:
    ...` in text, a JSON line with --log-format json (and in the log file)."""
    for line in message.splitlines() or [""]:  # a config error lists every problem
        log.error("%s", line)


def scan_end(fields: dict, text: str) -> None:
    """The one record every scan ends with: on standard output (the summary
    line, or a JSON line), and in the log file."""
    if log_format() == "json":
        out = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "level": "info",
               "logger": "piiscout.scan", "event": SCAN_END, "message": text, **fields}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, default=str) + "\n")
    else:
        from scanner.names import one_line

        sys.stdout.write(one_line(text) + "\n")
    sys.stdout.flush()
    logging.getLogger("piiscout.scan").info("%s", text, extra={"event": SCAN_END, "fields": fields})


def early_format(argv: list[str]) -> str:
    """--log-format as given, before click has parsed anything (so that even
    a usage error of `scan --log-format json` is a JSON line)."""
    for i, a in enumerate(argv):
        if a == "--log-format" and i + 1 < len(argv):
            return "json" if argv[i + 1] == "json" else "text"
        if a.startswith("--log-format="):
            return "json" if a.split("=", 1)[1] == "json" else "text"
    return "text"


def setup_logging(verbose: int = 0, quiet: bool = False, log_file: str | None = None,
                  log_format: str = "text") -> None:
    _FORMAT["name"] = log_format
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose == 1 else logging.WARNING
    if quiet:
        level = logging.ERROR
    fmt: logging.Formatter
    if log_format == "json":
        fmt = JsonFormatter()
    else:
        fmt = TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(level)
    stderr.setFormatter(fmt if log_format == "json" else StderrFormatter())
    stderr.addFilter(PrivacyFilter())
    stderr.addFilter(_NotTheEndRecord())
    stderr.addFilter(_DriverNoise())
    root.addHandler(stderr)
    # The file may be more verbose than the terminal (`-q -vv --log-file`:
    # quiet for cron's mail, details in the file).
    file_level = logging.DEBUG if verbose > 1 else logging.INFO
    root.setLevel(min(level, file_level) if log_file else level)
    if log_file:
        fh = logging.FileHandler(log_file, encoding="utf-8")
        fh.setLevel(file_level)
        fh.setFormatter(fmt)
        fh.addFilter(PrivacyFilter())
        fh.addFilter(_DriverNoise())
        root.addHandler(fh)
    # Libraries that are chatty at INFO (presidio warns about every
    # unsupported language; smbprotocol logs each packet).
    for name in ("presidio-analyzer", "presidio_analyzer", "smbprotocol", "spnego", "urllib3", "tldextract",
                 "distributed", "asyncio"):
        logging.getLogger(name).setLevel(max(logging.WARNING, level))


class Progress:
    """Counts items, bytes and findings; draws a rich bar on a TTY, else logs
    a line every `interval` seconds at INFO (shown with -v)."""

    def __init__(self, enabled: bool, interval: float = 60.0):
        self.enabled = enabled and sys.stderr.isatty()
        self.interval = interval
        self.items = 0
        self.bytes = 0
        self.findings = 0
        self.errors = 0
        self._last = time.monotonic()
        self._bar = None
        self._task = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = RichProgress(
                SpinnerColumn(),
                TextColumn("[bold]scanning[/]"),
                TextColumn("{task.fields[items]} items"),
                TextColumn("{task.fields[mb]} MB"),
                TextColumn("{task.fields[findings]} findings"),
                TextColumn("{task.fields[errors]} errors"),
                TimeElapsedColumn(),
                transient=True,
                # The terminal checked above: stdout may be a pipe or a file.
                console=Console(stderr=True),
            )
            self._bar.start()
            self._task = self._bar.add_task("scan", total=None, items=0, mb="0.0", findings=0, errors=0)
        return self

    def update(self, items: int = 0, nbytes: int = 0, findings: int = 0, errors: int = 0) -> None:
        self.items += items
        self.bytes += nbytes
        self.findings += findings
        self.errors += errors
        now = time.monotonic()
        if self._bar is not None:
            if now - self._last > 0.1:
                self._last = now
                self._bar.update(self._task, items=self.items, mb=f"{self.bytes / 1e6:.1f}",
                                 findings=self.findings, errors=self.errors)
        elif now - self._last >= self.interval:
            self._last = now
            log.info("progress: %d items, %.1f MB, %d findings, %d errors",
                     self.items, self.bytes / 1e6, self.findings, self.errors)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
