"""One sign-in throttle for the three doors (portal, back office, API token)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.identity.factories import PASSWORD, AccountFactory
from tests.security_events import names

pytestmark = pytest.mark.django_db
MESSAGE = "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau 5 phút."


def portal(client, name, password):
    return client.post(reverse("portal:login"), {"identifier": name, "password": password})


def backoffice(client, name, password):
    return client.post(reverse("backoffice:login"), {"username": name, "password": password})


def api(client, name, password):
    body = json.dumps({"username": name, "password": password})
    return client.post("/api/v1/auth/token", data=body, content_type="application/json")


DOORS = [portal, backoffice, api]


def _message(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["detail"]
    return response.content.decode()


@pytest.mark.parametrize("guessed_at", DOORS, ids=lambda door: door.__name__)
@pytest.mark.parametrize("tried_at", DOORS, ids=lambda door: door.__name__)
def test_failures_at_one_door_hold_up_every_door_with_the_same_message(
    client, guessed_at, tried_at
):
    AccountFactory(officer=True, username="canbo")
    for _ in range(5):
        guessed_at(client, "canbo", "sai")

    response = tried_at(client, "CanBo", PASSWORD)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert MESSAGE in _message(response)


def test_the_moment_an_account_is_held_up_is_announced_once(client, announced):
    AccountFactory(phone="0912345678")
    for _ in range(8):
        portal(client, "0912345678", "sai")
    throttled = [detail for event, _user, detail in announced if event == "signin.throttled"]
    assert throttled == [{"door": "portal", "scope": "account", "seconds": 300}]
    assert names(announced).count("signin.throttled") == 1
