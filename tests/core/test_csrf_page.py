"""The page a refused form gets (settings.CSRF_FAILURE_VIEW): Vietnamese, in the site's
layout, with a way back to our own page only, and reported as a denied access."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

LOOKUP = reverse("portal:lookup")
FORM = {"code": "000.01.99.H26-261123-0001", "contact": "0912345678"}


@pytest.fixture
def browser_like() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_a_form_without_its_cookie_gets_the_vietnamese_page_with_a_way_back(browser_like):
    came_from = f"http://testserver{LOOKUP}?code=x"
    response = browser_like.post(LOOKUP, FORM, HTTP_REFERER=came_from)
    html = response.content.decode()
    assert response.status_code == 403
    assert response.templates[0].name == "403_csrf.html"
    assert '<html lang="vi">' in html and "<h1>Trang đã hết hạn</h1>" in html
    assert "chưa có gì được gửi đi hay lưu lại" in html and "cookie" in html
    assert f'href="{LOOKUP}?code=x">Quay lại trang trước</a>' in html.replace(
        "http://testserver", ""
    )
    assert 'href="/">Về trang chủ</a>' in html


@pytest.mark.django_db
def test_another_sites_address_is_never_offered_as_the_way_back(browser_like):
    response = browser_like.post(LOOKUP, FORM, HTTP_REFERER="https://lua-dao.example/tra-cuu/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "lua-dao.example" not in html and ">Quay lại trang trước</a>" not in html
    assert 'href="/">Về trang chủ</a>' in html


@pytest.mark.django_db
def test_a_post_from_another_origin_is_refused_with_the_same_page(browser_like):
    browser_like.get(LOOKUP)  # the cookie is there; the origin is not ours
    response = browser_like.post(LOOKUP, FORM, HTTP_ORIGIN="https://lua-dao.example")
    assert response.status_code == 403
    assert "Trang đã hết hạn" in response.content.decode()


@pytest.mark.django_db
def test_the_page_speaks_english_to_who_chose_english(browser_like):
    browser_like.cookies["django_language"] = "en"
    response = browser_like.post(LOOKUP, FORM)
    assert response.status_code == 403
    assert "<h1>This page has expired</h1>" in response.content.decode()


@pytest.mark.django_db
def test_the_refusal_is_reported_as_a_denied_access(browser_like, announced):
    browser_like.post(LOOKUP, FORM)
    (event,) = announced
    assert event["event"] == "access.denied" and event["target"] == LOOKUP
    assert event["detail"]["check"] == "csrf"
    assert "CSRF cookie not set" in event["detail"]["reason"]
