"""What the hot reads cost, counted whole (the request through every middleware), so that none
can grow back (issue 18; docs/benchmarks.md, "Where the time goes: reads and every request").
Speed itself is measured in bench/ (bench/perrequest.py), never asserted here."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .test_dossiers import accepted


def test_a_lookup_is_one_query_reading_only_what_it_shows(people, client):
    code = accepted(people)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/lookup", {"code": code, "contact": "0912 345 678"})
    assert response.status_code == 200
    [query] = queries.captured_queries
    sql = query["sql"]
    assert "ORDER BY" not in sql
    # Personal data the answer never shows is not even read.
    for column in ("applicant_name", "applicant_email", "applicant_address"):
        assert f'"dossiers_dossier"."{column}"' not in sql, column
    assert response.json()["procedure"]["name"]


def test_a_failed_lookup_is_one_query_too(people, client, django_assert_num_queries):
    code = accepted(people)
    with django_assert_num_queries(1):
        response = client.get("/api/v1/lookup", {"code": code, "contact": "0999999999"})
    assert response.status_code == 404


def test_a_token_checked_a_moment_ago_costs_no_query(people, django_assert_num_queries):
    citizen = people["citizen"]
    assert citizen.get("/dossiers").status_code == 200  # checked in the database, kept
    with django_assert_num_queries(2):  # the page of dossiers and its count; no token query
        assert citizen.get("/dossiers").status_code == 200


def test_a_kept_monthly_report_costs_its_checks_and_its_audit_entry(
    world, as_user, django_assert_num_queries
):
    import time_machine

    from tests.dossiers.world import local

    params = {"agency": world.committee.electronic_id, "month": "2026-11"}
    world.submit(at=local(2026, 11, 23, 8, 0))
    with time_machine.travel(local(2026, 12, 10, 9, 0), tick=False):
        leader = as_user(world["approver"])
        assert leader.get("/reports/monthly", params).status_code == 200  # kept from now on
        # The officer's roles and the data.exported entry (one insert: it waits to be
        # chained without taking the chain's head): the unit by its e-ID is kept by the
        # process (catalog.selectors.agency_by_code), nothing of the report is counted again,
        # and an officer of the unit itself is let through without reading its parents. (Four
        # here: inside the test's transaction the entry's own is a savepoint and its release.)
        with django_assert_num_queries(4):
            assert leader.get("/reports/monthly", params).status_code == 200


def test_the_lookup_answers_the_bytes_of_its_validated_answer(people, client):
    """Rendered without validating it again (motcua.api.rendering.shaped): the bytes ninja
    would send after validating against LookupOut, for a dossier with and without dates."""
    from django.test import RequestFactory

    from motcua.api.dossier_schemas import LookupOut
    from motcua.api.dossiers import lookup_out
    from motcua.api.urls import api
    from motcua.dossiers.selectors import public_lookup

    from .test_dossiers import submitted

    seen = []
    for code in (accepted(people), submitted(people)):
        response = client.get("/api/v1/lookup", {"code": code, "contact": "0912 345 678"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        dossier = public_lookup(code, "0912345678")
        dumped = LookupOut.model_validate(lookup_out(dossier)).model_dump()
        request = RequestFactory().get("/api/v1/lookup")
        assert (
            response.content == api.renderer.render(request, dumped, response_status=200).encode()
        )
        seen.append(response.json()["accepted_at"])
    assert seen[0] is not None and seen[1] is None  # both shapes of a date rendered
