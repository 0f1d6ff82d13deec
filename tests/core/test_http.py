from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from motcua.core.http import client_ip


def request(remote="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_the_header_counts_only_when_a_trusted_proxy_sent_it(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request("10.0.0.5", "198.51.100.1")) == "198.51.100.1"
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"  # not ours
    assert client_ip(request("10.0.0.5")) == "10.0.0.5"  # a proxy that sent no header


def test_the_rightmost_untrusted_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    # client-written, real client, then two of our proxies (edge nginx, then node nginx)
    chain = "1.2.3.4, 198.51.100.1, 10.1.1.1, 2001:db8::7"
    assert client_ip(request("10.0.0.5", chain)) == "198.51.100.1"
    assert client_ip(request("10.0.0.5", "garbage, 198.51.100.2")) == "198.51.100.2"
    assert client_ip(request("10.0.0.5", "10.2.2.2, x")) == "10.0.0.5"


def test_a_malformed_proxy_list_is_a_configuration_error(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "not-an-address"]
    with pytest.raises(ImproperlyConfigured):
        client_ip(request())


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br, zstd", True),  # a browser
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("br;q=1, *;q=0.1", True),
        ("", False),  # wrk, a bare urllib
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),  # refused by name: the star does not bring it back
        ("*;q=0", False),
        ("gzip;q=x", False),
        ("deflate, br", False),
    ],
)
def test_gzip_is_accepted_only_as_the_client_says(header, accepted):
    from motcua.core.http import accepts_gzip

    assert accepts_gzip(RequestFactory().get("/", HTTP_ACCEPT_ENCODING=header)) is accepted


def test_an_encoded_answer_says_how_it_is_encoded_and_that_it_varies():
    import gzip

    from motcua.core.http import encoded_answer, gzipped

    body = b'{"rows": [' + b"1, " * 1000 + b"1]}"
    assert gzipped(body) == gzipped(body)  # no time inside: the same bytes each time
    made = []

    def compressed() -> bytes:
        made.append("gzip")
        return gzipped(body)

    zipped = encoded_answer(
        RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip"), "application/json",
        lambda: body, compressed,
    )  # fmt: skip
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == body and len(zipped.content) < len(body) / 10
    plain = encoded_answer(RequestFactory().get("/"), "application/json", lambda: body, compressed)
    assert plain.content == body and not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"] and made == ["gzip"]
