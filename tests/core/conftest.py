from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Answer:
    status: int = 200
    body: str = '{"error_code": 0}'


class Receiver(ThreadingHTTPServer):
    """A stand-in for the national portal on 127.0.0.1: records requests, answers as told."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[Received] = []
        self.answer = Answer()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/dvcqg/dong-bo-ho-so"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.server.received.append(
            Received(self.path, dict(self.headers.items()), self.rfile.read(length))
        )
        answer = self.server.answer
        body = answer.body.encode("utf-8")
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def national_portal(settings, monkeypatch) -> Iterator[Receiver]:
    """A real HTTP receiver that the national_portal channel is configured to post to."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.NATIONAL_PORTAL_URL = server.url
    settings.NATIONAL_PORTAL_TOKEN = "ma-bi-mat-thu-nghiem"
    yield server
    server.shutdown()
    server.server_close()
    thread.join()
