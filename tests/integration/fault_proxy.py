"""An HTTP proxy (threads) between the local stack's functions and moto, that can fail.

`refuse()`: the port stops listening (connection refused) and open connections are
closed unanswered. `hang(*operations)`: those DynamoDB operations (by X-Amz-Target;
all when none is named) are held unanswered and never reach moto, as in a network
partition. `recover()`: everything passes again.
"""

from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOLD_S = 30  # a hung request is held this long at most (the client gives up far sooner)


class FaultProxy:
    def __init__(self) -> None:
        self.upstream = ""  # http://host:port of moto, set once it runs
        self.mode = "pass"
        self.held: set[str] = set()
        self.seen: list[str] = []  # the operations that came through, faulted or not
        self._server = self._serve(0)
        self.port = self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def refuse(self) -> None:
        self.mode = "refuse"
        self._server.shutdown()
        self._server.server_close()

    def hang(self, *operations: str) -> None:
        self.mode, self.held = "hang", set(operations)

    def recover(self) -> None:
        if self.mode == "refuse":
            self._server = self._serve(self.port)
        self.mode, self.held = "pass", set()

    def stop(self) -> None:
        if self.mode != "refuse":
            self._server.shutdown()
            self._server.server_close()

    def _serve(self, port: int) -> ThreadingHTTPServer:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                proxy.forward(self)

            def do_GET(self) -> None:
                proxy.forward(self)

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: the test says what matters

        ThreadingHTTPServer.allow_reuse_address = True
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("content-length") or 0))
        operation = (handler.headers.get("x-amz-target") or "").rpartition(".")[2]
        self.seen.append(operation)
        if self.mode == "refuse":
            handler.close_connection = True
            return
        if self.mode == "hang" and (not self.held or operation in self.held):
            deadline = time.monotonic() + HOLD_S
            while self.mode == "hang" and time.monotonic() < deadline:
                time.sleep(0.05)
            handler.close_connection = True
            return  # never forwarded, never answered
        target = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.netloc, timeout=10)
        try:
            connection.request(handler.command, handler.path, body, dict(handler.headers))
            answer = connection.getresponse()
            payload = answer.read()
        finally:
            connection.close()
        handler.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in {"transfer-encoding", "connection", "content-length"}:
                handler.send_header(name, value)
        handler.send_header("content-length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
