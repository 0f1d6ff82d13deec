"""Schemathesis over the whole OpenAPI description of /api/v1/, three ways: anonymous, with a
citizen's token and with an officer's. Every answer must be a non-5xx, with a status code the
description lists for the operation, and a body matching the schema declared for that code.

The cases run against the in-process Django app (WSGI) on the test database. One small world
per test module (a catalogue, a ward's agencies, a citizen, the ward's desk officer and two of
the citizen's dossiers, one accepted at the desk) is built once in an outer transaction; each
operation's test runs inside its own savepoint, so whatever the fuzzer changes (a revoked
token, an accepted dossier) is rolled back before the next operation. Paths that take a code
are given the real ones as well as generated strings, so the fuzzer reaches real rows; so are
the unit, parent, period and indicator of the index's operations (the ward's committee, under
a city's).

What the checks are and which statuses count as refusals of schema-valid data is set in
``schemathesis.toml`` (shared with the CLI run of docs/api.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings

from motcua.api.auth import issue_token
from motcua.api.urls import api
from motcua.catalog.models import Procedure
from motcua.dossiers.action_inputs import AcceptInput
from motcua.dossiers.rules import perform
from motcua.feedback import services as feedback
from motcua.feedback.models import ItemChannel, Topic
from motcua.identity.models import Agency
from motcua.reporting.periods import Period
from tests.dossiers.world import build_world

# The document the API serves at /api/v1/openapi.json, read once at collection, with the
# repository's schemathesis.toml whatever directory pytest runs from.
CONFIG = schemathesis.Config.from_path(Path(__file__).parents[2] / "schemathesis.toml")
SCHEMA = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema())), config=CONFIG
)
# Django's WSGI handler in this process (motcua.wsgi would refuse: it guards servers that
# listen on an address, and the fuzzer calls the application directly).
SCHEMA.app = get_wsgi_application()

# Bounded for CI (docs/api.md "Fuzzing the API"): a fixed seed, a fixed number of cases.
FUZZ = settings(
    max_examples=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

# Real rows for the path parameters, filled by the module's world before any case runs.
KNOWN: dict[str, list[str]] = {"code": []}
# Real values for the query of the index's operations (a unit, a parent, a period, an
# indicator), so the fuzzer reaches their answers with figures:
# {parameter: (longest accepted, values)}.
KNOWN_QUERY: dict[str, tuple[int, list[str]]] = {}
INDEX_PATHS = ("/index", "/index/dossiers", "/rankings")


@SCHEMA.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    # Half the cases keep the fuzzer's value, the others name a real row (read when drawn).
    names = [name for name in path_parameters or {} if KNOWN.get(name)]
    if not names:
        return st.just(path_parameters)
    known = max(len(KNOWN[name]) for name in names)
    return st.integers(0, 2 * known - 1).map(
        lambda pick: _with_known(path_parameters, names, pick, known)
    )


@SCHEMA.hook
def flatmap_query(context: Any, query: dict[str, Any]) -> Any:
    # As for paths, half the cases name real values; only a value the schema accepts (a
    # string no longer than allowed) is replaced, so a case meant to be refused stays so.
    path = getattr(context.operation, "path", "")
    names = [
        name
        for name, (longest, values) in KNOWN_QUERY.items()
        if values and isinstance((query or {}).get(name), str) and len(query[name]) <= longest
    ]
    if not names or not path.endswith(INDEX_PATHS):
        return st.just(query)
    values = {name: KNOWN_QUERY[name][1] for name in names}
    known = max(len(v) for v in values.values())
    return st.integers(0, 2 * known - 1).map(
        lambda pick: (
            query
            if pick >= known
            else {**query, **{name: v[pick % len(v)] for name, v in values.items()}}
        )
    )


def _with_known(
    parameters: dict[str, Any], names: list[str], pick: int, known: int
) -> dict[str, Any]:
    if pick >= known:
        return parameters
    return {**parameters, **{name: KNOWN[name][pick % len(KNOWN[name])] for name in names}}


@contextmanager
def one_connection() -> Iterator[None]:
    """Requests keep the test's connection, as Django's test client does: the WSGI handler
    otherwise closes it at the end of each request (PostgreSQL), inside the world's
    transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    # Built before the function-scoped fixtures: hash its passwords the fast way too.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, one_connection(), transaction.atomic():
        world = build_world()
        citizen, desk = world["citizen"], world["receiver"]
        waiting = world.submit(citizen=citizen)
        accepted = world.submit(citizen=citizen)
        perform("accept", dossier=accepted, actor=desk, data=AcceptInput())
        procedure = Procedure.objects.order_by("code").first()
        lamp = Topic.objects.get(code="chieu-sang")
        open_item, answered = (
            feedback.submit_feedback(topic=lamp, title="Đèn hỏng", body="Đèn tắt.",
                                     channel=ItemChannel.PORTAL, sender=citizen, ward=world.ward)
            for _ in range(2)
        )  # fmt: skip
        feedback.answer(item=answered, officer=desk, text="Đã thay bóng đèn.")
        # Dossiers, procedures, units and feedback items all take a "code" in their path.
        KNOWN["code"] = [waiting.code, accepted.code, procedure.code, world.ward.code,
                         open_item.code, answered.code]  # fmt: skip
        city = Agency.objects.create(
            electronic_id="000.00.00.H99",
            name="UBND thành phố thử",
            kind="peoples_committee",
            unit=world.ward.parent,
        )
        Agency.objects.filter(pk=world.committee.pk).update(parent=city)
        KNOWN_QUERY.update(
            unit=(20, [world.committee.electronic_id, city.electronic_id]),
            parent=(20, [city.electronic_id]),
            period=(40, [Period.current("month").key, Period.current("quarter").key]),
            indicator=(10, ["2.1", "3.3"]),
        )
        tokens = {
            "citizen": issue_token(user=citizen)[0],
            "officer": issue_token(user=desk)[0],
        }
        yield tokens
        transaction.set_rollback(True)
    KNOWN["code"] = []
    KNOWN_QUERY.clear()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@SCHEMA.parametrize()
@FUZZ
@pytest.mark.django_db
def test_anonymous_callers_get_only_documented_answers(case: Any, fuzz_world: Any) -> None:
    case.call_and_validate()


@SCHEMA.parametrize()
@FUZZ
@pytest.mark.django_db
def test_a_citizen_gets_only_documented_answers(case: Any, fuzz_world: Any) -> None:
    case.call_and_validate(headers=_bearer(fuzz_world["citizen"]))


@SCHEMA.parametrize()
@FUZZ
@pytest.mark.django_db
def test_an_officer_gets_only_documented_answers(case: Any, fuzz_world: Any) -> None:
    case.call_and_validate(headers=_bearer(fuzz_world["officer"]))
