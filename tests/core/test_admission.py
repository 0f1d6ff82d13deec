"""Admission control (core.admission): requests beyond capacity get 503 with Retry-After at
once, the database being out of reach is a 503 with nothing saved, never a 500."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError

from tests.core import blocking_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_slot(settings):
    # Admission control alone; with the waiting room, tests/waitroom/test_door.py.
    settings.WAITROOM = False
    settings.RETRY_AFTER_SECONDS = 7
    blocking_urls.allow_one_request(settings)


@pytest.fixture
def slot_taken(one_slot, client):
    """The only slot is held by a request in another thread until the test ends."""
    with blocking_urls.slot_held(client):
        yield client


def seconds_of(response) -> int:
    return int(response["Retry-After"])


@pytest.mark.urls("tests.core.blocking_urls")
def test_a_page_beyond_capacity_gets_a_503_with_retry_after(slot_taken):
    response = slot_taken.get("/thu-tuc/?q=khai+sinh")
    assert response.status_code == 503
    seconds = seconds_of(response)
    assert 7 <= seconds <= 14  # the base plus up to as much again
    html = response.content.decode()
    assert "Hệ thống đang quá tải" in html
    assert f"thử lại sau {seconds} giây" in html
    assert 'href="/thu-tuc/?q=khai+sinh"' in html  # a plain "Thử lại" link, no auto-refresh
    assert "http-equiv" not in html
    assert response["Cache-Control"] == "no-store"


@pytest.mark.urls("tests.core.blocking_urls")
def test_a_form_sent_beyond_capacity_is_said_not_saved(slot_taken):
    response = slot_taken.post("/tai-khoan/dang-nhap/", {"identifier": "a", "password": "b"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "chưa được lưu" in html and "gửi lại không tạo hồ sơ trùng" in html


@pytest.mark.urls("tests.core.blocking_urls")
def test_the_api_beyond_capacity_gets_json(slot_taken):
    response = slot_taken.get("/api/v1/procedures")
    assert response.status_code == 503
    body = response.json()
    assert body["retry_after"] == seconds_of(response)
    assert f"{body['retry_after']} giây" in body["detail"]


@pytest.mark.urls("tests.core.blocking_urls")
def test_static_files_and_the_health_check_are_never_refused(slot_taken):
    assert slot_taken.get("/static/motcua/site.css").status_code == 200
    response = slot_taken.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.urls("tests.core.blocking_urls")
def test_a_short_wait_lets_a_request_in_when_the_slot_frees(one_slot, settings, client):
    settings.ADMISSION_WAIT_MS = 5000
    holder = threading.Thread(target=client.get, args=("/giu-lai/",))
    holder.start()
    assert blocking_urls.entered.wait(timeout=10)
    threading.Timer(0.2, blocking_urls.release.set).start()
    assert client.get("/thu-tuc/").status_code == 200  # waited for the slot, then served
    holder.join(timeout=10)


@pytest.mark.urls("tests.core.blocking_urls")
def test_the_slot_is_given_back_after_each_request(one_slot, client):
    blocking_urls.release.set()
    statuses = {client.get("/giu-lai/").status_code for _ in range(5)}
    assert statuses == {200}


def test_a_limit_of_zero_turns_admission_off(settings, client):
    settings.MAX_INFLIGHT = 0
    assert client.get("/thu-tuc/").status_code == 200


# --- the database out of reach ---------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    """Every catalogue query fails as when PostgreSQL restarts or the pool times out."""

    def fail(*args, **kwargs):
        raise OperationalError("connection pool timeout")

    monkeypatch.setattr("motcua.portal.views.procedures_in_force", fail)
    monkeypatch.setattr("motcua.api.catalog.procedures_in_force", fail, raising=False)


def test_the_database_out_of_reach_is_a_503_page_not_a_500(database_down, client, settings):
    settings.RETRY_AFTER_SECONDS = 3
    response = client.get("/thu-tuc/")
    assert response.status_code == 503
    assert 3 <= seconds_of(response) <= 6
    assert "Hệ thống đang quá tải" in response.content.decode()


def test_the_api_with_the_database_out_of_reach_answers_json_503(database_down, client):
    response = client.get("/api/v1/procedures")
    assert response.status_code == 503
    assert response.json()["retry_after"] == seconds_of(response)


@pytest.mark.urls("tests.core.blocking_urls")
def test_the_database_failing_outside_a_view_is_a_503_too(client, monkeypatch):
    # The session is saved by its middleware after the view: the 500 handler answers 503.
    def fail(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", fail)
    client.raise_request_exception = False
    response = client.get("/phien/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Hệ thống đang quá tải" in response.content.decode()


def test_the_health_check_says_503_when_the_database_is_out_of_reach(client, monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("motcua.core.health.connection.cursor", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}


def test_the_health_check_is_not_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
