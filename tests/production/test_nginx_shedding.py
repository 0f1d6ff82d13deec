"""nginx sheds what the nodes cannot take: deploy/nginx.conf, rendered as production and the
benchmark render it, with a cap of one request in flight, in front of a node that holds its
requests until told to answer.

The node here is a small HTTP server in this process (the cap is nginx's business, and a held
request must stay held for as long as the test needs); what answers is a real nginx.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from .conftest import needs
from .stack import ARRIVALS_LOG, Process, nginx_config, start_nginx

pytestmark = [pytest.mark.production, needs("nginx")]


class HeldNode(ThreadingHTTPServer):
    """Answers 200 once ``release`` is set; ``/busy`` answers the application's own 503."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.release = threading.Event()
        self.arrived = threading.Semaphore(0)


class Handler(BaseHTTPRequestHandler):
    server: HeldNode

    def do_GET(self) -> None:
        if self.path.endswith("/busy"):
            self._answer(503, b'{"detail": "from the app", "retry_after": 42}', retry="42")
            return
        self.server.arrived.release()
        self.server.release.wait(20)
        self._answer(200, b"done")

    def _answer(self, status: int, body: bytes, retry: str = "") -> None:
        self.send_response(status)
        if retry:
            self.send_header("Retry-After", retry)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[Process, HeldNode]]:
    node = HeldNode()
    threading.Thread(target=node.serve_forever, daemon=True).start()
    nginx = start_nginx(tmp_path / "nginx", nodes=[node.server_address[1]], in_flight=1)
    try:
        yield nginx, node
    finally:
        node.release.set()
        nginx.stop()
        node.shutdown()
        node.server_close()


def hold_one(nginx: Process, node: HeldNode, pool: ThreadPoolExecutor, path: str):
    """Send one request that the node holds, and wait until it has reached the node."""
    held = pool.submit(requests.get, f"{nginx.url}{path}", timeout=30)
    assert node.arrived.acquire(timeout=10), "the first request never reached the node"
    return held


def test_beyond_the_cap_a_page_opened_goes_to_the_rooms_door_which_has_its_own_budget(proxy):
    """A GET turned away by the cap is sent to the waiting room's door with the page it asked
    for (the application gives the place there), and the door is not under the cap."""
    nginx, node = proxy
    with ThreadPoolExecutor(2) as pool:
        held = hold_one(nginx, node, pool, "/thu-tuc/?q=khai+sinh")
        refused = requests.get(
            f"{nginx.url}/thu-tuc/?q=khai+sinh", allow_redirects=False, timeout=10
        )
        assert refused.status_code == 303
        assert refused.headers["Location"] == "/hang-cho/cua/thu-tuc/?q=khai+sinh"
        door = pool.submit(requests.get, f"{nginx.url}{refused.headers['Location']}", timeout=30)
        assert node.arrived.acquire(timeout=10), "the door was refused by the nodes' cap"
        node.release.set()
        assert held.result().status_code == 200
        assert door.result().status_code == 200


def test_beyond_the_cap_a_form_sent_gets_nginx_503_in_vietnamese_with_retry_after(proxy):
    nginx, node = proxy
    with ThreadPoolExecutor(2) as pool:
        held = hold_one(nginx, node, pool, "/thu-tuc/")
        refused = requests.post(f"{nginx.url}/thu-tuc/", data={"a": "1"}, timeout=10)
        node.release.set()
        assert held.result().status_code == 200

    assert refused.status_code == 503
    assert 5 <= int(refused.headers["Retry-After"]) <= 10
    assert refused.headers["Cache-Control"] == "no-store"
    assert refused.headers["Content-Type"].startswith("text/html")
    page = refused.text
    assert '<html lang="vi">' in page
    assert "<h1>Hệ thống đang quá tải</h1>" in page
    assert f"thử lại sau {refused.headers['Retry-After']} giây" in page
    assert "hồ sơ chưa được nộp" in page


def test_beyond_the_cap_the_api_gets_the_applications_json(proxy):
    nginx, node = proxy
    with ThreadPoolExecutor(2) as pool:
        held = hold_one(nginx, node, pool, "/api/v1/inbox")
        refused = requests.get(
            f"{nginx.url}/api/v1/lookup",
            cookies={"django_language": "en"},
            timeout=10,
        )
        node.release.set()
        assert held.result().status_code == 200

    assert refused.status_code == 503
    assert refused.headers["Content-Type"] == "application/json"
    seconds = int(refused.headers["Retry-After"])
    assert json.loads(refused.text) == {
        "detail": f"The system is overloaded. Please try again in {seconds} seconds.",
        "retry_after": seconds,
    }


def test_under_the_cap_the_applications_own_503_passes_unchanged(proxy):
    nginx, _ = proxy
    answer = requests.get(f"{nginx.url}/api/v1/busy", timeout=10)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "42"
    assert answer.json()["detail"] == "from the app"


def test_the_cap_is_rendered_from_the_one_template(tmp_path):
    config = nginx_config(tmp_path, port=1234, nodes=[1, 2], in_flight=96)
    assert "limit_conn motcua_nodes 96;" in config
    assert "limit_conn motcua_nodes 40;" not in config
    assert "server 127.0.0.1:1 " in config and "server 127.0.0.1:2 " in config


def test_beyond_the_cap_nginx_stamps_a_browsers_first_arrival_in_its_log(proxy, tmp_path):
    """The place of a page turned away is not left to when the door gets to it: nginx writes
    the arrival (its clock, a random id, the page) to the arrivals log the nodes read, and
    gives the browser the id; the browser turned away again keeps its first stamp."""
    from motcua.waitroom import arrivals

    nginx, node = proxy
    log = tmp_path / "nginx" / ARRIVALS_LOG
    opening = {"Sec-Fetch-Dest": "document"}
    with ThreadPoolExecutor(2) as pool:
        held = hold_one(nginx, node, pool, "/thu-tuc/")
        get = requests.Session().get
        first = get(f"{nginx.url}/thu-tuc/?q=khai+sinh", headers=opening,
                    allow_redirects=False, timeout=10)  # fmt: skip
        assert first.status_code == 303
        assert first.headers["Location"] == "/hang-cho/cua/thu-tuc/?q=khai+sinh"
        assert "no-store" in first.headers["Cache-Control"]
        cookie = first.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
        stamp = cookie.split(";")[0].removeprefix(f"{arrivals.COOKIE}=")
        lines = written(log, 1)
        arrival = arrivals.parse(lines[0])
        assert arrival is not None and arrival.stamp == stamp
        assert arrival.path == "/thu-tuc/?q=khai+sinh" and arrival.address == "127.0.0.1"
        # Turned away again with its stamp, or holding a ticket already: no second arrival.
        for cookies in ({arrivals.COOKIE: stamp}, {"motcua_ve": "a-ticket"}):
            again = get(f"{nginx.url}/", headers=opening, cookies=cookies,
                        allow_redirects=False, timeout=10)  # fmt: skip
            assert again.status_code == 303 and "Set-Cookie" not in again.headers
        # What is not a browser opening a page, or not a page: sent on, never stamped.
        tool = get(f"{nginx.url}/thu-tuc/", allow_redirects=False, timeout=10)
        assert tool.status_code == 303 and "Set-Cookie" not in tool.headers
        form = requests.post(f"{nginx.url}/thu-tuc/", headers=opening, timeout=10)
        assert form.status_code == 503
        assert len(written(log, 2)) == 1
        node.release.set()
        assert held.result().status_code == 200


def written(log: Path, count: int, seconds: float = 2.0) -> list[str]:
    """The log's lines once it has ``count`` (nginx writes a line just after the answer has
    gone), or what it has after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        lines = log.read_text().splitlines() if log.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def test_at_a_full_door_a_stamped_browser_is_told_its_place_is_kept(proxy):
    nginx, node = proxy
    stamp = "0123456789abcdef0123456789abcdef"
    with ThreadPoolExecutor(9) as pool:
        held = [hold_one(nginx, node, pool, f"/hang-cho/cua/{i}") for i in range(8)]
        full = requests.get(f"{nginx.url}/hang-cho/cua/thu-tuc/", timeout=10,
                            cookies={"motcua_den": stamp})  # fmt: skip
        unstamped = requests.get(f"{nginx.url}/hang-cho/cua/thu-tuc/", timeout=10)
        english = requests.get(f"{nginx.url}/hang-cho/cua/thu-tuc/", timeout=10,
                               cookies={"motcua_den": stamp, "django_language": "en"})  # fmt: skip
        node.release.set()
        assert all(h.result().status_code == 200 for h in held)
    assert full.status_code == 503 and full.headers["Retry-After"]
    assert "Chỗ của bạn trong hàng chờ đã được giữ" in full.text
    assert "đã được giữ" not in unstamped.text and "Nếu bạn vừa gửi biểu mẫu" in unstamped.text
    assert "Your place in the waiting room is kept" in english.text


def test_beyond_the_cap_someone_the_room_let_in_is_not_sent_back_to_the_line(proxy):
    """A pass (motcua_luot_<queue>) turned away by the cap gets the 503 page to try again, not
    the door: the room let them in, and the line is not theirs any more."""
    nginx, node = proxy
    opening = {"Sec-Fetch-Dest": "document"}
    with ThreadPoolExecutor(2) as pool:
        held = hold_one(nginx, node, pool, "/thu-tuc/")
        url, way = f"{nginx.url}/thu-tuc/", {"headers": opening, "allow_redirects": False}
        passed = requests.get(url, cookies={"other": "1", "motcua_luot_7": "s"}, timeout=10, **way)
        lookalike = requests.get(url, cookies={"xmotcua_luot_7": "1"}, timeout=10, **way)
        node.release.set()
        assert held.result().status_code == 200
    assert passed.status_code == 503 and passed.headers["Retry-After"]
    assert "Set-Cookie" not in passed.headers
    assert lookalike.status_code == 303  # only the pass's own name counts
