"""The Content-Security-Policy met in a real browser (Debian's Chromium, driven by Playwright):
the public pages and the sign-in forms load their styles and send their forms without one
violation of the policy, so nothing on them depended on inline code."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.factories import import_small_catalogue

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# Added by the browser before any page script (init scripts are not subject to the policy).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""
PAGES = [
    "/",
    "/thu-tuc/",
    "/don-vi/",
    "/tra-cuu/",
    "/phan-anh/",
    "/phan-anh/gui/lien-he/",
    "/tai-khoan/dang-nhap/",
    "/can-bo/dang-nhap/",
]


@pytest.fixture
def page(transactional_db) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import_small_catalogue()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = chromium.new_context(locale="vi-VN").new_page()
        page.add_init_script(LISTEN)
        messages: list[str] = []
        page.on("console", lambda message: messages.append(message.text))
        page.messages = messages
        yield page
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def violations(page: Any) -> list[str]:
    seen = page.evaluate("window.__violations")
    return [*seen, *(m for m in page.messages if "Content Security Policy" in m)]


def test_public_pages_load_their_styles_without_a_violation(page, live_server):
    for path in PAGES:
        answer = page.goto(live_server.url + path)
        assert "default-src 'self'" in answer.headers["content-security-policy"], path
        # The site's stylesheet applied: the body is not in the browser's default font.
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "Times" not in font, (path, font)
        assert violations(page) == [], path


def test_a_form_is_sent_under_the_policy(page, live_server):
    page.goto(live_server.url + "/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("nobody")
    page.get_by_label("Mật khẩu").fill("wrong password")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    assert "/can-bo/dang-nhap/" in page.url
    assert violations(page) == []
