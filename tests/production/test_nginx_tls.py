"""deploy/nginx.conf over real TLS: HTTPS with modern protocols only and HSTS, plain HTTP
redirected except the certificate's ACME challenge and the health check.

The node is a small HTTP server in this process that answers with what it was told (the
X-Forwarded-Proto and Host nginx sent) and a Strict-Transport-Security header of its own, as
Django's would be; what answers is a real nginx with a self-signed certificate made for the
test.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import ssl
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from motcua.core.deployment import ONE_YEAR

from .conftest import needs
from .stack import NGINX_SITE, Process, free_port, start_nginx
from .test_settings import PRODUCTION

pytestmark = [pytest.mark.production, needs("nginx")]
HSTS = f"max-age={ONE_YEAR}; includeSubDomains"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        told = {"proto": self.headers.get("X-Forwarded-Proto"), "host": self.headers["Host"]}
        body = json.dumps(told).encode()
        self.send_response(200)
        self.send_header("Strict-Transport-Security", "max-age=60")  # replaced by nginx's
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def proxy() -> Iterator[tuple[Process, int, Path]]:
    # nginx's workers run as an unprivileged user: the ACME files must be readable to it,
    # which pytest's private temporary directories are not.
    work = Path(tempfile.mkdtemp(prefix="motcua-tls-"))
    work.chmod(0o755)
    node = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    node.daemon_threads = True
    threading.Thread(target=node.serve_forever, daemon=True).start()
    http_port = free_port()
    (work / "acme" / ".well-known" / "acme-challenge").mkdir(parents=True)
    (work / "acme" / ".well-known" / "acme-challenge" / "token").write_text("proof")
    nginx = start_nginx(work, nodes=[node.server_address[1]], tls=True, http_port=http_port)
    try:
        yield nginx, http_port, work / "certificate.pem"
    finally:
        nginx.stop()
        node.shutdown()
        node.server_close()
        shutil.rmtree(work, ignore_errors=True)


def https(port: int, certificate: Path, path: str = "/", **versions: ssl.TLSVersion):
    context = ssl.create_default_context(cafile=str(certificate))
    for name, version in versions.items():
        setattr(context, name, version)
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


def plain(port: int, path: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


def test_https_reaches_the_node_which_is_told_it_was_https(proxy):
    nginx, _, certificate = proxy
    status, headers, body = https(nginx.port, certificate, "/ho-so/")
    assert status == 200
    assert json.loads(body) == {"proto": "https", "host": "127.0.0.1"}
    assert headers.get_all("Strict-Transport-Security") == [HSTS]
    assert headers["Server"] == "nginx"  # no version


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
def test_tls_1_2_and_1_3_are_accepted_and_older_versions_refused(proxy):
    nginx, _, certificate = proxy
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        assert https(nginx.port, certificate, minimum_version=version, maximum_version=version)[0]
    with pytest.raises(ssl.SSLError):
        oldest = ssl.TLSVersion.MINIMUM_SUPPORTED
        https(nginx.port, certificate, minimum_version=oldest, maximum_version=oldest)


def test_plain_http_is_redirected_to_https(proxy):
    _, http_port, _ = proxy
    status, headers, _ = plain(http_port, "/ho-so/ABC/?x=1")
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/ho-so/ABC/?x=1"


def test_the_acme_challenge_and_the_health_check_stay_on_plain_http(proxy):
    _, http_port, _ = proxy
    status, _, body = plain(http_port, "/.well-known/acme-challenge/token")
    assert (status, body) == (200, b"proof")
    status, _, body = plain(http_port, "/healthz")
    # With the site's host name, which the application checks (MOTCUA_ALLOWED_HOSTS).
    assert status == 200 and json.loads(body) == {"proto": "http", "host": "127.0.0.1"}


def test_nginx_sends_the_hsts_django_sends_in_production(load):
    production = load(**PRODUCTION)
    # Django's SecurityMiddleware writes the header this way.
    django = f"max-age={production.SECURE_HSTS_SECONDS}"
    if production.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        django += "; includeSubDomains"
    if production.SECURE_HSTS_PRELOAD:
        django += "; preload"
    site = NGINX_SITE.read_text(encoding="utf-8")
    sent = set(re.findall(r'add_header Strict-Transport-Security "([^"]+)" always;', site))
    assert sent == {django} == {HSTS}
