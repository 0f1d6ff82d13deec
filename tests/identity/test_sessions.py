"""Session limits: officers 30 minutes idle / 12 hours in all, citizens 60 minutes / 24 hours
(by default); the person is signed out and sent to their own sign-in page with a message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from motcua.identity.sessions import SEEN, STARTED
from tests.backoffice.conftest import UserFactory

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
PAGE = reverse("portal:procedure-list")
OFFICER_LOGIN = reverse("backoffice:login")
CITIZEN_LOGIN = reverse("portal:login")


@pytest.fixture(autouse=True)
def _the_documented_limits(settings):
    settings.OFFICER_SESSION_IDLE_MINUTES, settings.OFFICER_SESSION_MAX_HOURS = 30, 12
    settings.CITIZEN_SESSION_IDLE_MINUTES, settings.CITIZEN_SESSION_MAX_HOURS = 60, 24
    settings.SESSION_COOKIE_AGE = 24 * 3600


def test_the_settings_default_to_the_documented_limits():
    # Read in a fresh process: this suite's conftest stretches the limits for time travel.
    names = [
        "OFFICER_SESSION_IDLE_MINUTES", "OFFICER_SESSION_MAX_HOURS",
        "CITIZEN_SESSION_IDLE_MINUTES", "CITIZEN_SESSION_MAX_HOURS", "SESSION_COOKIE_AGE",
    ]  # fmt: skip
    code = f"import json, motcua.settings as s; print(json.dumps([getattr(s, n) for n in {names}]))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [30, 12, 60, 24, 24 * 3600]


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _active_every(client, clock, minutes: int, times: int) -> None:
    for _ in range(times):
        clock.shift(timedelta(minutes=minutes))
        assert client.get(PAGE).status_code == 200
        assert _signed_in(client)


@pytest.mark.parametrize(
    ("kind", "idle", "login"),
    [({}, 30, OFFICER_LOGIN), ({"citizen": True}, 60, CITIZEN_LOGIN),
     ({"is_superuser": True, "kind": ""}, 30, OFFICER_LOGIN)],
    ids=["officer", "citizen", "superuser"],
)  # fmt: skip
def test_a_session_idle_past_its_limit_is_signed_out(client, announced, kind, idle, login):
    with time_machine.travel(START, tick=False) as clock:
        user = UserFactory(**kind)
        client.force_login(user)
        _active_every(client, clock, idle - 1, 3)
        clock.shift(timedelta(minutes=idle, seconds=1))
        response = client.get(PAGE)

    assert response.url == f"{login}?next={PAGE}"
    assert not _signed_in(client)
    assert ("session.expired", user, {"reason": "idle"}) in announced
    page = client.get(response.url).content.decode()
    assert "Bạn đã lâu không thao tác nên đã được đăng xuất. Vui lòng đăng nhập lại." in page


@pytest.mark.parametrize(
    ("kind", "hours", "login"),
    [({}, 12, OFFICER_LOGIN), ({"citizen": True}, 24, CITIZEN_LOGIN)],
    ids=["officer", "citizen"],
)
def test_an_active_session_ends_at_its_absolute_limit(client, announced, kind, hours, login):
    with time_machine.travel(START, tick=False) as clock:
        user = UserFactory(**kind)
        client.force_login(user)
        _active_every(client, clock, 20, hours * 3 - 1)
        clock.shift(timedelta(minutes=20, seconds=1))
        response = client.get(PAGE)

    assert response.url.startswith(login)
    assert not _signed_in(client)
    assert ("session.expired", user, {"reason": "absolute"}) in announced
    page = client.get(response.url).content.decode()
    assert "Phiên đăng nhập đã hết thời gian cho phép. Vui lòng đăng nhập lại." in page


def test_the_limits_are_settings(client, settings):
    settings.OFFICER_SESSION_IDLE_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(UserFactory())
        clock.shift(timedelta(minutes=5, seconds=1))
        client.get(PAGE)
    assert not _signed_in(client)


def test_signing_in_again_restarts_the_clocks(client):
    user = UserFactory(citizen=True)
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(user)
        clock.shift(timedelta(hours=23))
        client.force_login(user)
        clock.shift(timedelta(minutes=30))
        assert client.get(PAGE).status_code == 200
        assert _signed_in(client)


def test_a_session_from_before_the_limits_is_signed_out(client):
    client.force_login(UserFactory(citizen=True))
    session = client.session
    del session[STARTED], session[SEEN]
    session.save()
    assert client.get(PAGE).url.startswith(CITIZEN_LOGIN)
    assert not _signed_in(client)


def test_a_form_posted_after_the_limit_is_sent_to_sign_in_without_coming_back(client):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(UserFactory(citizen=True))
        clock.shift(timedelta(hours=2))
        response = client.post(reverse("portal:account"), {"full_name": "x"})
    assert response.url == CITIZEN_LOGIN


def test_the_api_is_not_redirected(client):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(UserFactory(citizen=True))
        clock.shift(timedelta(hours=2))
        response = client.get("/api/v1/procedures")
    assert response.status_code == 200
    assert not _signed_in(client)


def test_a_stored_session_expires_with_the_longest_limit(client):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(UserFactory(citizen=True))
        clock.shift(timedelta(hours=24, seconds=1))
        assert client.session.is_empty() or "_auth_user_id" not in client.session
