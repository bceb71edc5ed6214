"""A real HTTP endpoint for Apprise's ``json://`` target, on 127.0.0.1 (free port)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import unquote

import pytest


class Endpoint:
    """What the endpoint received: ``(path, JSON body)`` per request, in order.

    A path's first segment chooses the answer: ``/ok/...`` 200, ``/inconnu/...`` 404,
    ``/panne/...`` 503, ``/trop/...`` 429.
    """

    STATUS: ClassVar[dict[str, int]] = {"ok": 200, "inconnu": 404, "panne": 503, "trop": 429}

    def __init__(self, port: int) -> None:
        self.port = port
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def route(self, answer: str = "ok") -> str:
        return f"json://127.0.0.1:{self.port}/{answer}/{{recipient}}"

    def texts(self) -> list[str]:
        return [str(body["message"]) for _path, body in self.requests]


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    box: list[Endpoint] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length))
            path = unquote(self.path)
            box[0].requests.append((path, body))
            status = Endpoint.STATUS.get(path.split("/")[1], 200)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Endpoint(server.server_address[1]))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()
