"""Every public address is built in one place (core.public_urls) and is an address the portal
serves: each builder's path resolves to the view that answers it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import resolve

from motcua.core import public_urls


def _path(url: str, settings) -> str:
    assert url.startswith(settings.PUBLIC_URL.rstrip("/") + "/")
    return urlsplit(url).path


def test_each_address_resolves_to_the_portal_view_that_serves_it(settings):
    settings.PUBLIC_URL = "https://dichvucong.example.vn/"
    expected = {
        public_urls.lookup_url("000.01.99.H26-261123-0001"): ("portal:lookup", {}),
        public_urls.document_url("ABCDEFGH23456789"): (
            "portal:document", {"code": "ABCDEFGH23456789"},
        ),
        public_urls.crl_url(): ("portal:crl", {}),
        public_urls.payment_url("000.01.99.H26-261123-0001", "MCABC"): (
            "portal:payment", {"code": "000.01.99.H26-261123-0001", "reference": "MCABC"},
        ),
        public_urls.evaluation_url("tok_EN-1"): ("portal:evaluation", {"token": "tok_EN-1"}),
    }  # fmt: skip
    for url, (name, kwargs) in expected.items():
        match = resolve(_path(url, settings))
        assert (match.view_name, match.kwargs) == (name, kwargs), url


def test_the_lookup_link_carries_the_code_and_a_value_is_escaped(settings):
    settings.PUBLIC_URL = "https://dichvucong.example.vn"
    assert public_urls.lookup_url("A B") == "https://dichvucong.example.vn/tra-cuu/?code=A+B"
    assert public_urls.document_url("a/b") == "https://dichvucong.example.vn/xac-thuc/a%2Fb/"


def test_the_applicants_messages_link_to_the_lookup_at_the_public_address(db, settings):
    # Emails and SMS once linked to MOTCUA_SITE_URL, which production never set: the links
    # pointed at 127.0.0.1 while QR codes used the public address.
    from motcua.core.models import OutboxMessage
    from tests.dossiers.world import build_world

    settings.PUBLIC_URL = "https://dichvucong.example.vn"
    dossier = build_world().submit()
    email = OutboxMessage.objects.get(channel="email", recipient="an@example.vn")
    link = f"https://dichvucong.example.vn/tra-cuu/?code={dossier.code}"
    assert link in email.payload["body"]
