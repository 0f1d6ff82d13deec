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
