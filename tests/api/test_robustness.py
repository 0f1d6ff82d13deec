"""Odd JSON never makes the API fail: wrong types, huge strings, unknown keys, deep nesting."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.api.dossier_actions import SPECS

pytestmark = pytest.mark.django_db

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["", "x" * 20_000, "2026-11-26T17:00", "9999-12-31", "000.01.99.H26", "1"]),
)


def containers(inner):
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


values = st.recursive(scalars, containers, max_leaves=8)
SUBMIT_KEYS = ["procedure", "variant", "unit", "data", "result_delivery", "delivery_address",
               "channel", "applicant", "unknown"]  # fmt: skip
ACTION_KEYS = sorted(
    {name for spec in SPECS.values() for name in spec.schema.model_fields} | {"unknown"}
)


def objects_with(keys):
    return st.fixed_dictionaries({}, optional={key: values for key in keys})


def bodies_for(keys):
    return st.one_of(values, objects_with(keys)).map(json.dumps)


CHECKS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def dossier_code(world, as_user):
    body = {"procedure": "1.000001", "unit": "000.01.99.H26", "data": {"ho_ten_tre": "Bé"}}
    return as_user(world["citizen"]).post("/dossiers", body).json()["code"]


@CHECKS
@given(raw=bodies_for(SUBMIT_KEYS))
def test_odd_submissions_are_answered_without_a_server_error(world, as_user, raw):
    response = as_user(world["citizen"]).post_raw("/dossiers", raw)
    assert response.status_code < 500, raw
    assert response.json()


@CHECKS
@given(action=st.sampled_from(sorted(SPECS)), raw=bodies_for(ACTION_KEYS))
def test_odd_action_bodies_are_answered_without_a_server_error(
    world, as_user, dossier_code, action, raw
):
    for who in ("receiver", "citizen"):
        response = as_user(world[who]).post_raw(f"/dossiers/{dossier_code}/actions/{action}", raw)
        assert response.status_code < 500, (who, action, raw)


@CHECKS
@given(raw=bodies_for(["username", "password", "otp", "unknown"]))
def test_odd_token_requests_are_answered_without_a_server_error(client, world, raw):
    response = client.post("/api/v1/auth/token", data=raw, content_type="application/json")
    assert response.status_code < 500, raw


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000,
        '{"data": ' * 5_000 + "{}" + "}" * 5_000,
        "\x00\x01",
        '{"procedure": "\\ud800"}',
        "1e999999",
    ],
)
def test_pathological_json_is_a_4xx(world, as_user, raw):
    response = as_user(world["citizen"]).post_raw("/dossiers", raw)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("code", ["x" * 5000, "..", "000.01.99.H26-261123-0001%2F..%2F"])
def test_odd_dossier_codes_are_a_404(world, as_user, code):
    caller = as_user(world["citizen"])
    assert caller.get(f"/dossiers/{code}").status_code == 404
    assert caller.act(code, "withdraw").status_code == 404


def test_a_nul_byte_is_a_400_before_it_reaches_the_database(world, as_user):
    caller = as_user(world["citizen"])
    response = caller.get("/dossiers/%00")
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"page": "x"}, {"page_size": 10_000}, {"box": "\x00"}, {"q": "x" * 1000}],
)
def test_odd_inbox_parameters_are_a_4xx(world, as_user, params):
    # A NUL byte is refused at the door (400); the rest by the parameter schema (422).
    status = as_user(world["receiver"]).get("/inbox", params).status_code
    assert status == (400 if any("\x00" in str(v) for v in params.values()) else 422)


@pytest.mark.parametrize(
    "params", [{}, {"code": "x" * 100, "contact": "1"}, {"code": "", "contact": ""}]
)
def test_odd_lookups_are_a_422(client, params):
    assert client.get("/api/v1/lookup", params).status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        '{"username": "a\\u0000", "password": "x"}',
        '{"username": "a", "password": "x\\u0000y"}',
        '{"username": "a", "password": "x", "otp": "\\u0000"}',
    ],
)
def test_a_nul_in_a_json_body_is_a_400_before_it_reaches_the_database(client, body):
    # PostgreSQL refuses NUL in text: found by the fuzzer on PostgreSQL as a 500.
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.json()["detail"]


@pytest.mark.django_db
def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(client):
    body = '{"username": "a\\\\u0000", "password": "x"}'
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 401
