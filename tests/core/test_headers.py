"""Security headers: a strict Content-Security-Policy on every page (no inline script or style
to allow), and ``no-store`` on every answer that may carry personal data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno
from django.test import RequestFactory

from motcua.core.headers import is_public
from motcua.payments.vietqr import build_payload, qr_svg
from tests.identity.factories import AccountFactory

SOURCE = Path(__file__).resolve().parents[2] / "src" / "motcua"
# Pages sent to browsers (documents/*/pdf and the slips are also printed by WeasyPrint, which
# reads the same external stylesheets; no exception is needed for them).
TEMPLATES = sorted(SOURCE.rglob("templates/**/*.html"))
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)"),
    "<style> block": re.compile(r"<style\b"),
    "style attribute": re.compile(r"\sstyle\s*="),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("kind", INLINE)
def test_no_template_has_inline_script_or_style(kind):
    """The policy allows no inline code: it would not run, so it must not come back."""
    found = [
        f"{path.relative_to(SOURCE)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in TEMPLATES
        for text in [path.read_text(encoding="utf-8")]
        for match in INLINE[kind].finditer(text)
    ]
    assert found == []


def test_qr_codes_drawn_inline_carry_no_style():
    payload = build_payload(bin="970418", account="1234567890", amount=50000, purpose="ABC")
    for svg in (qr_svg(payload, title="QR"), segno.make("otpauth://x").svg_inline(title="x")):
        assert "style" not in svg and "<script" not in svg


@pytest.mark.django_db
def test_every_page_carries_the_strict_policy(client, settings):
    policy = client.get("/thu-tuc/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    # This site, also under the name its links use (the payment sandbox's redirect).
    assert directives["form-action"] == f"'self' {settings.PUBLIC_URL}"
    assert "unsafe" not in policy
    assert client.get("/api/v1/procedures")["Content-Security-Policy"] == policy


@pytest.mark.django_db
def test_pages_are_neither_sniffed_nor_framed(client):
    answer = client.get("/thu-tuc/")
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_public_catalogue_pages_stay_cacheable_for_visitors(client):
    for path in ("/", "/thu-tuc/", "/don-vi/", "/api/v1/procedures"):
        answer = client.get(path)
        assert "no-store" not in answer.get("Cache-Control", ""), path


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/ho-so/", "/tai-khoan/", "/tra-cuu/", "/can-bo/dang-nhap/", "/admin/login/", "/xac-thuc/"],
)
def test_personal_pages_are_never_stored_even_for_visitors(client, path):
    answer = client.get(path)
    assert "no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"]


@pytest.mark.django_db
def test_a_signed_in_person_gets_no_store_even_on_public_pages(client):
    client.force_login(AccountFactory())
    for path in ("/thu-tuc/", "/ho-so/", "/tai-khoan/"):
        answer = client.get(path)
        assert "no-store" in answer["Cache-Control"], path
        assert "public" not in answer["Cache-Control"]


@pytest.mark.django_db
def test_api_answers_to_a_bearer_token_are_never_stored(client):
    answer = client.get("/api/v1/procedures", headers={"Authorization": "Bearer whatever"})
    assert "no-store" in answer["Cache-Control"]
    assert "no-store" in client.get("/api/v1/dossiers")["Cache-Control"]  # 401, still


@pytest.mark.parametrize(
    ("path", "public"),
    [
        ("/", True),
        ("/thu-tuc/1.000001/", True),
        ("/thu-tuc/1.000001/nop/", False),
        ("/don-vi/01/", True),
        ("/api/v1/units/01", True),
        ("/api/v1/dossiers/X", False),
        ("/api/v1/lookup", False),
        ("/ho-so-nhap/", False),
        ("/thanh-toan/vnpay/return/", False),
        ("/can-bo/", False),
        ("/du-lieu-mo/", True),
        ("/du-lieu-mo/xep-hang/xep-hang.csv", True),
    ],
)
def test_only_pages_the_same_for_everyone_are_public(path, public):
    assert is_public(RequestFactory().get(path)) is public
