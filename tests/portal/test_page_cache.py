"""Public pages served from the cache to visitors not signed in (core.page_cache)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import refresh_version
from motcua.core.services import seed_holidays
from tests.factories import import_small_catalogue
from tests.identity.factories import AccountFactory

pytestmark = pytest.mark.django_db
PROCEDURE = reverse("portal:procedure-detail", args=["1.001193"])
PUBLIC = ["/", reverse("portal:procedure-list") + "?q=khai+sinh", PROCEDURE,
          reverse("portal:unit-list")]  # fmt: skip


@pytest.fixture
def catalogue():
    seed_holidays(years=[2026])
    import_small_catalogue()


def rendered(response) -> bool:
    """Whether the view ran for this response (a cached one carries no template context)."""
    return response.context is not None


@pytest.mark.parametrize("path", PUBLIC)
def test_a_visitor_gets_the_page_from_the_cache_the_second_time(client, catalogue, path):
    first, second = client.get(path), client.get(path)
    assert rendered(first) and not rendered(second)
    assert second.status_code == 200 and second.content == first.content
    for response in (first, second):
        assert response["Cache-Control"] == "public, max-age=0"
        assert response["X-Accel-Expires"] == "60"
        assert "Cookie" in response["Vary"]
        assert not response.cookies


def test_cached_pages_hold_no_csrf_token_and_the_language_switch_still_works(catalogue):
    client = Client(enforce_csrf_checks=True)
    html = client.get(PROCEDURE).content.decode()
    assert "csrfmiddlewaretoken" not in html
    switched = client.post("/i18n/setlang/", {"language": "en", "next": PROCEDURE})
    assert switched.status_code == 302
    english = client.get(PROCEDURE)
    assert '<html lang="en">' in english.content.decode() and rendered(english)


def test_each_language_has_its_own_page(client, catalogue):
    vietnamese = client.get(PROCEDURE).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(PROCEDURE).content.decode()
    assert '<html lang="vi">' in vietnamese and '<html lang="en">' in english


def test_a_signed_in_person_never_gets_a_cached_page_nor_leaves_one(client, catalogue):
    anonymous = client.get(PROCEDURE)
    person = AccountFactory(full_name="Nguyễn Thị Riêng Tư")
    client.force_login(person)
    own = client.get(PROCEDURE)
    assert rendered(own) and "Nguyễn Thị Riêng Tư" in own.content.decode()
    assert "private" in own["Cache-Control"] and "X-Accel-Expires" not in own
    assert "csrfmiddlewaretoken" in own.content.decode()  # the sign-out form has its token
    visitor = Client().get(PROCEDURE)
    assert not rendered(visitor) and visitor.content == anonymous.content
    assert "Nguyễn Thị Riêng Tư" not in visitor.content.decode()


def test_a_change_to_the_catalogue_shows_at_once(
    client, catalogue, django_capture_on_commit_callbacks
):
    assert "Đăng ký khai sinh" in client.get(PROCEDURE).content.decode()
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    with django_capture_on_commit_callbacks(execute=True):
        version.name = "Đăng ký khai sinh (đã sửa)"
        version.save()
        refresh_version(version)
    after = client.get(PROCEDURE)
    assert rendered(after) and "Đăng ký khai sinh (đã sửa)" in after.content.decode()
    assert not rendered(client.get(PROCEDURE))  # and that one is cached again


def test_an_import_renders_every_page_afresh(client, catalogue, django_capture_on_commit_callbacks):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        import_small_catalogue()
    assert rendered(client.get("/"))


def test_a_missing_page_is_not_kept(client, catalogue):
    missing = reverse("portal:procedure-detail", args=["9.999999"])
    for _ in range(2):
        response = client.get(missing)
        assert response.status_code == 404 and rendered(response)
        assert "X-Accel-Expires" not in response


def test_the_cache_can_be_turned_off(client, catalogue, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(PROCEDURE)
    again = client.get(PROCEDURE)
    assert rendered(again) and "private" in again["Cache-Control"]
