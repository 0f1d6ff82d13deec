"""Refusals made before or around the action view (the admission control's 503 and 429, the
NUL-byte 400, Django's 404) are CKAN's answers under both of CKAN's addresses, as ckanapi
reads them: the envelope with ``success: false``, or CKAN's bare string for a 400."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError

from motcua.ckan import actions
from motcua.core.admission import RateLimited

ckanapi = pytest.importorskip("ckanapi")
from ckanapi.common import reverse_apicontroller_action  # noqa: E402

PREFIXES = ["/api/3/action/", "/api/action/"]


def _fail_with(monkeypatch, error: Exception) -> None:
    def run(data):
        raise error

    help_text = actions.ACTIONS["package_list"].help
    monkeypatch.setitem(actions.ACTIONS, "package_list", actions.Action(run, help_text))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_an_unreachable_database_is_a_ckan_503_with_retry_after(client, catalogue, monkeypatch,
                                                                 prefix):  # fmt: skip
    _fail_with(monkeypatch, OperationalError("pool timeout"))

    response = client.get(prefix + "package_list")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["success"] is False
    assert body["help"].endswith("/api/3/action/help_show?name=package_list")
    assert body["error"]["__type"] == "Service Unavailable"
    assert "quá tải" in body["error"]["message"]
    assert body["error"]["retry_after"] == int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "no-store"
    with pytest.raises(ckanapi.errors.CKANAPIError, match="Service Unavailable"):
        reverse_apicontroller_action(prefix, 503, response.content.decode())


def test_a_client_over_its_rate_is_a_ckan_429(client, catalogue, monkeypatch):
    _fail_with(monkeypatch, RateLimited(9, "Chậm lại."))

    response = client.get("/api/action/package_list")

    assert response.status_code == 429
    assert response["Retry-After"] == "9"
    body = json.loads(response.content)
    assert body["error"] == {"__type": "Too Many Requests", "message": "Chậm lại.",
                             "retry_after": 9}  # fmt: skip


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_nul_byte_is_ckans_bare_bad_request(client, catalogue, prefix):
    response = client.get(prefix + "package_show", {"id": "a\x00b"})

    assert response.status_code == 400
    assert json.loads(response.content) == "Bad request - Yêu cầu chứa ký tự không hợp lệ."


def test_an_address_under_the_api_that_is_no_action_is_ckans_not_found(client, catalogue):
    response = client.get("/api/3/action/package_show/thua")

    assert response.status_code == 404
    assert "/api/3/action/help_show" in json.loads(response.content)["error"]["message"]
    with pytest.raises(ckanapi.errors.NotFound):
        reverse_apicontroller_action("/api/3/action/", 404, response.content.decode())


def test_the_actions_own_answers_are_left_as_they_are(client, catalogue):
    response = client.get("/api/3/action/package_show", {"id": "khong-co"})

    assert response.status_code == 404
    body = json.loads(response.content)
    assert body["error"]["__type"] == "Not Found Error" and "retry_after" not in body["error"]


def test_the_platforms_own_api_keeps_its_detail(client, db):
    response = client.get("/api/v1/khong-co", {"q": "a\x00b"})

    assert response.status_code == 400
    assert "detail" in json.loads(response.content)
