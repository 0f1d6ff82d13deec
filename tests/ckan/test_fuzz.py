"""Whatever a client sends, the answer is CKAN's envelope (or its bare 400 string) with one of
CKAN's statuses: never a 500, never a page."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.ckan.actions import ACTIONS

pytestmark = pytest.mark.django_db

KEYS = ["id", "name_or_id", "name", "q", "fq", "fq_list", "rows", "start", "sort", "facet",
        "facet.field", "facet.limit", "facet.mincount", "limit", "offset", "all_fields",
        "include_datasets", "include_dataset_count", "organizations", "groups", "query",
        "vocabulary_id", "include_private"]  # fmt: skip
WORDS = st.sampled_from([
    "", "*:*", "hộ tịch", "ho tich", "organization:000-00-00-h26", 'tags:"hộ tịch"',
    "groups:(gove OR soci)", "metadata_modified:[2026-01-01T00:00:00Z TO *]",
    "metadata_modified:[NOW TO *]", "-res_format:CSV", "name asc", "score desc, name desc",
    "xep-hang-tn", "000.00.15.H26", '["tags", "groups"]', "[", "-1", "0", "1000", "10001",
    "true", "false", "1e400", "²", "9" * 40, "tags:(", 'tags:"', "a:b:c", "\\", "(", ")",
    "[* TO *]", "+", "-", "title_string desc", "(groups:gove OR groups:soci)", "(", "-(",
    "+(groups:gove)", "NOT", "NOT (tags:a)", "OR", "||", "a OR", "(a:b", "id asc", ")(",
    "(metadata_modified:[2026-11-29T00:00:00.5Z TO NOW])", "groups:gove)", "x:[a TO b]",
])  # fmt: skip
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
              st.text(max_size=20), WORDS),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6,
)  # fmt: skip
NAMES = st.one_of(st.sampled_from(sorted(ACTIONS)), st.sampled_from(
    ["package_create", "resource_patch", "x", "package_show.json", "PACKAGE_LIST"]
))  # fmt: skip
SLOW = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
STATUSES = {200, 400, 403, 404, 409}


def _well_formed(response) -> None:
    assert response.status_code in STATUSES, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    if isinstance(body, str):  # CKAN's bare 400
        assert response.status_code == 400 and body.startswith("Bad request - ")
        return
    if "detail" in body:  # the platform's refusal of a NUL byte, before any view (core)
        assert response.status_code == 400
        return
    assert body["success"] is (response.status_code == 200)
    assert body["help"].startswith("https://dulieu.hanoi.gov.vn/api/3/action/help_show?name=")
    if response.status_code != 200:
        assert body["error"]["__type"] in {"Not Found Error", "Validation Error",
                                           "Authorization Error", "Search Query Error"}  # fmt: skip


@SLOW
@given(name=NAMES, data=st.dictionaries(st.sampled_from(KEYS), st.lists(
    st.one_of(WORDS, st.text(max_size=20)), min_size=1, max_size=2)))  # fmt: skip
def test_any_query_string_gets_an_envelope(client, catalogue, name, data):
    clean = {k: [v.replace("\x00", "") for v in vs] for k, vs in data.items()}

    _well_formed(client.get(f"/api/3/action/{name}", clean))


@SLOW
@given(name=NAMES, data=st.dictionaries(st.sampled_from(KEYS), JSON_VALUES))
def test_any_json_body_gets_an_envelope(client, catalogue, name, data):
    body = json.dumps(data)

    _well_formed(client.post(f"/api/3/action/{name}", body, content_type="application/json"))


@SLOW
@given(body=st.binary(max_size=60), kind=st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain",
     "multipart/form-data; boundary=x"]))  # fmt: skip
def test_any_body_gets_an_envelope_or_a_bad_request(client, catalogue, body, kind):
    _well_formed(client.post("/api/3/action/package_search", body, content_type=kind))


@SLOW
@given(
    q=st.lists(WORDS, max_size=5).map(" ".join),
    fq=st.lists(st.one_of(WORDS, st.text(alphabet="()[]\"\\:+-*ORNT ga", max_size=8)),
                max_size=6).map(" ".join),
    sort=st.lists(WORDS, max_size=2).map(", ".join),
)  # fmt: skip
def test_any_query_in_solr_s_syntax_gets_results_or_a_search_query_error(client, catalogue, q,
                                                                        fq, sort):  # fmt: skip
    response = client.get("/api/3/action/package_search", {"q": q, "fq": fq, "sort": sort})

    _well_formed(response)
    assert response.status_code in (200, 400)
