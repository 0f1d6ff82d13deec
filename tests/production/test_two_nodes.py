"""Two stateless web nodes behind nginx serve one PostgreSQL database.

Everything is real and started here on free ports: a PostgreSQL cluster of its own, Redis, two
`motcua serve` processes (connection pool on) and nginx with deploy/nginx.conf in front. The
nodes run with MOTCUA_ENV unset only so that cookies are not marked Secure over plain HTTP;
what is shared (Redis cache and sessions, PostgreSQL) is exactly production's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from .conftest import needs
from .stack import (
    have_postgres,
    motcua,
    redis_url,
    start_nginx,
    start_postgres,
    start_redis,
    start_serve,
)

pytestmark = [
    pytest.mark.production,
    needs("redis-server", "nginx"),
    pytest.mark.skipif(not have_postgres(), reason="needs PostgreSQL's server binaries"),
]
ROOT = Path(__file__).resolve().parents[2]
BIRTH = {"procedure": "1.000001", "unit": "000.01.99.H26", "data": {"ho_ten_tre": "Nguyễn Văn Bé"}}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    work = tmp_path_factory.mktemp("two-nodes")
    postgres = start_postgres()
    redis = start_redis(work / "redis")
    nodes, proxy = [], None
    try:
        env = {
            "MOTCUA_DATA_DIR": str(work / "data"),
            "DATABASE_URL": postgres.create_database(),
            "MOTCUA_DB_POOL_MAX": "4",
            "MOTCUA_REDIS_URL": redis_url(redis),
            "PYTHONPATH": str(ROOT),
        }
        (work / "data").mkdir()
        motcua("migrate", "--verbosity=0", env=env)
        motcua(
            "shell", "-c", "from tests.dossiers.world import build_world; build_world()", env=env
        )
        for name in ("a", "b"):
            nodes.append(start_serve(work, env=env, name=f"node-{name}", extra=("--workers", "1")))
        proxy = start_nginx(work / "nginx", nodes=[node.port for node in nodes])
        yield {"a": nodes[0], "b": nodes[1], "nginx": proxy}
    finally:
        for process in [proxy, *nodes]:
            if process is not None:
                process.stop()
        redis.stop()
        postgres.destroy()


def sign_in(session: requests.Session, base: str) -> requests.Response:
    page = session.get(f"{base}/tai-khoan/dang-nhap/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{base}/tai-khoan/dang-nhap/",
        data={"csrfmiddlewaretoken": token, "identifier": "0912345678", "password": "x"},
        headers={"Referer": f"{base}/tai-khoan/dang-nhap/"},
        allow_redirects=False,
    )


def api_token(base: str) -> str:
    answer = requests.post(
        f"{base}/api/v1/auth/token", json={"username": "congdan", "password": "x"}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def test_a_session_opened_on_one_node_is_valid_on_the_other(cluster):
    a, b = cluster["a"], cluster["b"]
    session = requests.Session()
    signed_in = sign_in(session, a.url)
    assert signed_in.status_code == 302, signed_in.text[:500]
    # Cookies do not depend on the port: the same browser now asks node B.
    mine = session.get(f"{b.url}/ho-so/", allow_redirects=False)
    assert mine.status_code == 200
    assert "tai-khoan/dang-xuat" in mine.text
    assert session.get(f"{b.url}/ho-so/", allow_redirects=False).status_code == 200
    assert requests.get(f"{b.url}/ho-so/", allow_redirects=False).status_code == 302  # no cookie


def test_a_dossier_submitted_through_nginx_is_read_on_each_node(cluster):
    token = api_token(cluster["nginx"].url)
    headers = {"Authorization": f"Bearer {token}"}
    created = requests.post(
        f"{cluster['nginx'].url}/api/v1/dossiers", json=BIRTH, headers=headers, timeout=30
    )
    assert created.status_code == 201, created.text
    code = created.json()["code"]
    for node in (cluster["a"], cluster["b"]):
        seen = requests.get(f"{node.url}/api/v1/dossiers/{code}", headers=headers, timeout=30)
        assert seen.status_code == 200
        assert seen.json()["code"] == code
        assert seen.json()["status"]["code"] == 1


def test_the_throttle_counts_of_both_nodes_add_up_in_the_shared_cache(cluster):
    wrong = {"code": "000.01.99.H26-261123-9999", "contact": "0900000000"}
    answers = [
        requests.get(f"{node.url}/api/v1/lookup", params=wrong, timeout=30).status_code
        for node in [cluster["a"], cluster["b"]] * 5
    ]
    assert answers == [404] * 10
    # Ten failures, five on each node: both refuse the next one.
    for node in (cluster["a"], cluster["b"]):
        refused = requests.get(f"{node.url}/api/v1/lookup", params=wrong, timeout=30)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0


def test_nginx_keeps_serving_when_a_node_dies(cluster):
    nginx, a, b = cluster["nginx"], cluster["a"], cluster["b"]
    token = api_token(nginx.url)
    a.kill()
    pages = [requests.get(f"{nginx.url}/thu-tuc/", timeout=30).status_code for _ in range(6)]
    assert pages == [200] * 6
    created = requests.post(
        f"{nginx.url}/api/v1/dossiers",
        json=BIRTH,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert created.status_code == 201  # a POST refused by the dead node's port goes to B
    assert b.alive()
