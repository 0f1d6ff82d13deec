"""Each status change reaches the national portal endpoint as JSON, through the outbox."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from motcua.core.models import OutboxMessage
from motcua.core.outbox import deliver_due
from motcua.dossiers.services import accept_dossier

from .world import local


class Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []
    headers_seen: list[str] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append(json.loads(body))
        Receiver.headers_seen.append(self.headers.get("Authorization", ""))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"error_code": 0}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def portal(settings):
    Receiver.received, Receiver.headers_seen = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NATIONAL_PORTAL_URL = f"http://127.0.0.1:{server.server_port}/DongBoTrangThaiHoSo"
    settings.NATIONAL_PORTAL_TOKEN = "secret-token"
    yield Receiver
    server.shutdown()


def test_submission_and_acceptance_reach_the_national_portal(world, portal, settings):
    settings.OUTBOX_DELIVER_ON_COMMIT = False
    dossier = world.submit(at=local(2026, 11, 23, 9, 0))
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 9, 30))
    deliver_due(limit=100)
    statuses = [p["TrangThaiHoSo"] for p in portal.received]
    assert statuses == ["1", "2"]
    accepted = portal.received[1]
    assert accepted["MaHoSo"] == dossier.code
    assert accepted["MaTTHC"] == "1.000001"
    assert accepted["NgayTiepNhan"] == "20261123093000"
    assert accepted["NgayHenTra"] == "20261124093000"
    assert accepted["DonViXuLy"] == "000.01.99.H26"
    assert [s["TrangThai"] for s in accepted["QuaTrinhXuLy"]] == ["1", "2"]
    assert portal.headers_seen == ["Bearer secret-token"] * 2
    assert not OutboxMessage.objects.filter(channel="national_portal", status="pending").exists()
