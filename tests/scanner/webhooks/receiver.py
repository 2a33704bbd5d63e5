"""A real HTTP server on loopback that records what webhooks post to it."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """`answers`: HTTP statuses to give, in order (then 200); `delay`:
    seconds to wait before answering (a slow receiver)."""

    answers: list = field(default_factory=list)
    delay: float = 0.0
    received: list = field(default_factory=list)
    headers: dict = field(default_factory=dict)  # extra response headers (Retry-After, Location)

    def start(self) -> "Receiver":
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                rec.received.append(Received(self.path, dict(self.headers), body))
                if rec.delay:
                    time.sleep(rec.delay)
                code = rec.answers.pop(0) if rec.answers else 200
                self.send_response(code)
                for k, v in rec.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "2")
                self.end_headers()
                try:
                    self.wfile.write(b"ok")
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
