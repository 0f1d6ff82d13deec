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
