"""package_search: words with and without diacritics, CKAN's fq terms, sort, rows and start,
facets; and the domain's search under it (motcua.opendata.search)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motcua.opendata import entries, search
from motcua.opendata.search import Condition, Period, Query

from .conftest import call, make_entries

pytestmark = pytest.mark.django_db


def _names(client, **data) -> list[str]:
    status, body = call(client, "package_search", rows=1000, **data)
    assert status == 200, body
    return [r["name"] for r in body["result"]["results"] if r["name"].endswith("-tn")]


@pytest.mark.parametrize("q", ["hộ tịch", "ho tich", "HO TICH", "Hộ Tịch", "khai sinh",
                               "civil status"])  # fmt: skip
def test_words_match_with_or_without_diacritics_in_either_language(client, catalogue, q):
    assert _names(client, q=q) == ["csdl-ho-tich-tn"]


def test_every_word_must_match(client, catalogue):
    assert _names(client, q="chỉ số", sort="name asc") == ["so-lieu-hang-thang-tn", "xep-hang-tn"]
    assert _names(client, q="chi so xep hang") == ["xep-hang-tn"]
    assert _names(client, q="chi so dat dai") == []


def test_a_title_match_ranks_before_a_keyword_match(client, catalogue):
    # "xếp hạng" is xep-hang-tn's title and keyword, nowhere in the others.
    ranked = _names(client, q="phuc vu")

    assert ranked[0] == "xep-hang-tn"
    assert set(ranked) == {"xep-hang-tn", "so-lieu-hang-thang-tn"}


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("organization:000-00-00-h26", ["so-lieu-hang-thang-tn", "thu-tuc-hanh-chinh-tn"]),
        ("organization:000.00.15.H26", ["csdl-ho-tich-tn"]),
        ('tags:"hộ tịch"', ["csdl-ho-tich-tn"]),
        ("tags:quy\\ hoach", ["csdl-dat-dai-tn"]),
        ("groups:regi", ["csdl-dat-dai-tn", "xep-hang-tn"]),
        ("groups:(just OR envi)", ["csdl-dat-dai-tn", "csdl-ho-tich-tn"]),
        ("res_format:HTML", ["csdl-dat-dai-tn"]),
        ("res_format:csv -res_format:XLSX", ["xep-hang-tn"]),
        ("+groups:gove +res_format:XLSX", ["so-lieu-hang-thang-tn", "thu-tuc-hanh-chinh-tn"]),
        ("name:xep-hang-tn", ["xep-hang-tn"]),
        ("license_id:cc-by groups:envi", ["csdl-dat-dai-tn"]),
        ("license_id:odc-odbl", []),
        ("frequency:QUARTERLY", ["xep-hang-tn"]),
        ("dataset_type:dataset name:csdl-dat-dai-tn", ["csdl-dat-dai-tn"]),
        ("-dataset_type:dataset", []),
        ("metadata_modified:[2026-11-29T00:00:00Z TO *]",
         ["so-lieu-hang-thang-tn", "thu-tuc-hanh-chinh-tn"]),
        ("metadata_modified:[* TO 2026-10-15T00:00:00Z]", ["csdl-dat-dai-tn"]),
    ],
)  # fmt: skip
def test_fq_takes_ckan_s_field_terms(client, catalogue, fq, expected):
    assert sorted(_names(client, fq=fq)) == expected


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("(organization:000-00-10-h26 OR organization:000-00-20-h26)",
         ["csdl-dat-dai-tn", "xep-hang-tn"]),
        ("(metadata_modified:[2026-11-29T00:00:00.123456Z TO *])",
         ["so-lieu-hang-thang-tn", "thu-tuc-hanh-chinh-tn"]),
        ("(-groups:gove OR metadata_modified:[2026-11-30T00:00:00Z TO *])",
         ["csdl-dat-dai-tn", "csdl-ho-tich-tn", "thu-tuc-hanh-chinh-tn"]),
        ("groups:regi AND (res_format:HTML OR tags:xếp\\ hạng)",
         ["csdl-dat-dai-tn", "xep-hang-tn"]),
        ("NOT res_format:CSV groups:(soci OR envi)", ["csdl-dat-dai-tn", "csdl-ho-tich-tn"]),
        ("ho tich", ["csdl-ho-tich-tn"]),
    ],
)  # fmt: skip
def test_fq_takes_groups_joined_by_or_as_ckan_s_harvester_sends_them(client, catalogue, fq,
                                                                     expected):  # fmt: skip
    assert sorted(_names(client, fq=fq)) == expected


def test_a_harvester_pages_by_id_over_what_changed(client, crowded):
    since = "(metadata_modified:[2026-11-29T00:00:00Z TO *])"
    seen: list[str] = []
    start = 0
    while True:
        _, body = call(client, "package_search", fq=since, sort="id asc", rows=5, start=start)
        page = body["result"]["results"]
        if not page:
            break
        seen.extend(r["id"] for r in page)
        start += 5

    assert seen == sorted(seen)
    moments = [e.modified or e.issued for e in entries.entries()]
    expected = [m for m in moments if m is not None and m >= datetime(2026, 11, 29, tzinfo=UTC)]
    assert len(seen) == len(set(seen)) == len(expected) > 5


@pytest.mark.parametrize("q", ["title:xếp", 'title:"xep hang"', "notes:(xep hang)", "text:xep"])
def test_text_fields_are_searched_as_words(client, catalogue, q):
    assert _names(client, q=q) == ["xep-hang-tn"]


def test_q_may_hold_field_terms_too_and_star_means_everything(client, catalogue):
    assert _names(client, q="organization:000-00-10-h26") == ["xep-hang-tn"]
    assert len(_names(client, q="*:*")) == 5


def test_fq_list_adds_terms(client, catalogue):
    found = _names(client, fq="groups:soci", fq_list=["res_format:JSON"])

    assert found == ["so-lieu-hang-thang-tn"]


def test_owner_org_and_id_take_the_stable_ids(client, catalogue):
    _, shown = call(client, "package_show", id="csdl-ho-tich-tn")
    package = shown["result"]

    assert _names(client, fq=f"owner_org:{package['owner_org']}") == ["csdl-ho-tich-tn"]
    assert _names(client, fq=f"id:{package['id']}") == ["csdl-ho-tich-tn"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name asc", ["csdl-dat-dai-tn", "csdl-ho-tich-tn", "so-lieu-hang-thang-tn",
                      "thu-tuc-hanh-chinh-tn", "xep-hang-tn"]),
        ("metadata_modified desc", ["thu-tuc-hanh-chinh-tn", "so-lieu-hang-thang-tn",
                                    "xep-hang-tn", "csdl-ho-tich-tn", "csdl-dat-dai-tn"]),
        ("title_string desc", ["xep-hang-tn", "so-lieu-hang-thang-tn", "thu-tuc-hanh-chinh-tn",
                               "csdl-ho-tich-tn", "csdl-dat-dai-tn"]),
        ("num_resources desc, name asc", ["so-lieu-hang-thang-tn", "thu-tuc-hanh-chinh-tn",
                                          "xep-hang-tn", "csdl-dat-dai-tn", "csdl-ho-tich-tn"]),
    ],
)  # fmt: skip
def test_sort_orders_by_ckan_s_fields(client, catalogue, sort, expected):
    assert _names(client, sort=sort) == expected


def test_the_default_order_is_score_then_the_latest_change(client, catalogue):
    _, body = call(client, "package_search")

    assert body["result"]["sort"] == "score desc, metadata_modified desc"
    assert _names(client)[:2] == ["thu-tuc-hanh-chinh-tn", "so-lieu-hang-thang-tn"]


def test_rows_is_ten_by_default_and_at_most_a_thousand(client, crowded):
    _, default = call(client, "package_search")
    _, huge = call(client, "package_search", rows=5000)
    _, none = call(client, "package_search", rows=0)

    assert len(default["result"]["results"]) == 10
    assert default["result"]["count"] >= 42
    assert len(huge["result"]["results"]) == huge["result"]["count"]  # clamped, not refused
    assert none["result"]["results"] == [] and none["result"]["count"] >= 42


def test_a_start_beyond_the_end_gives_no_rows(client, catalogue):
    _, body = call(client, "package_search", start=10_000)

    assert body["result"]["results"] == []
    assert body["result"]["count"] >= 5


def test_facets_count_every_match_in_ckan_s_two_forms(client, catalogue):
    ours = "name:(thu-tuc-hanh-chinh-tn OR so-lieu-hang-thang-tn OR xep-hang-tn)"
    _, body = call(client, "package_search", fq=ours, q="*:*", rows=1,
                   **{"facet.field": '["organization", "groups", "res_format", "tags", '
                                     '"license_id"]', "facet.limit": 2})  # fmt: skip
    result = body["result"]

    assert result["count"] == 3 and len(result["results"]) == 1
    assert result["facets"]["groups"] == {"gove": 3, "regi": 1}
    assert result["facets"]["res_format"] == {"CSV": 3, "JSON": 3}  # two: facet.limit
    assert result["facets"]["organization"] == {"000-00-00-h26": 2, "000-00-10-h26": 1}
    organizations = result["search_facets"]["organization"]
    assert organizations["title"] == "organization"
    assert organizations["items"][0] == {
        "name": "000-00-00-h26",
        "display_name": "Ủy ban nhân dân thành phố Hà Nội",
        "count": 2,
    }
    assert result["search_facets"]["license_id"]["items"] == [
        {"name": "cc-by", "display_name": "Creative Commons Attribution 4.0", "count": 3}
    ]
    _, everything = call(client, "package_search", fq=ours, **{"facet.field": '["groups"]',
                                                                 "facet.limit": -1})  # fmt: skip
    assert everything["result"]["facets"]["groups"] == {"gove": 3, "regi": 1, "soci": 1}


def test_no_facets_unless_asked(client, catalogue):
    _, body = call(client, "package_search")

    assert body["result"]["facets"] == {} and body["result"]["search_facets"] == {}


@pytest.mark.parametrize(
    ("data", "field"),
    [({"rows": "-1"}, "rows"), ({"rows": "mười"}, "rows"), ({"start": "-5"}, "start"),
     ({"rows": "1.5"}, "rows"), ({"facet.field": "[not json"}, "facet.field"),
     ({"facet.field": '["khong_co"]'}, "facet.field"), ({"facet": "có lẽ"}, "facet")],
)  # fmt: skip
def test_a_bad_parameter_is_a_validation_error_for_that_field(client, catalogue, data, field):
    status, body = call(client, "package_search", **data)

    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert field in body["error"]


@pytest.mark.parametrize("data", [{"fq": "(groups:gove"}, {"fq": "groups:gove)"},
                                  {"fq": "-(groups:gove OR groups:soci)"}, {"fq": "khong_co:1"},
                                  {"sort": "gia desc"}, {"sort": "name sideways"},
                                  {"fq": "metadata_modified:[hom qua TO *]"},
                                  {"fq": "tags:[a TO b]"}])  # fmt: skip
def test_a_query_solr_would_refuse_is_a_search_query_error(client, catalogue, data):
    status, body = call(client, "package_search", **data)

    assert status == 400
    assert body["error"]["__type"] == "Search Query Error"


def test_parentheses_nest_a_few_deep_not_without_end(client, catalogue):
    assert _names(client, fq="(" * 8 + "name:xep-hang-tn" + ")" * 8) == ["xep-hang-tn"]
    status, body = call(client, "package_search", "post", fq="(" * 5000 + "name:x" + ")" * 5000)

    assert (status, body["error"]["__type"]) == (400, "Search Query Error")


def test_a_json_body_may_give_numbers_and_lists(client, catalogue):
    status, body = call(client, "package_search", "post", rows=2, start=1, sort="name asc",
                        fq="groups:gove", **{"facet.field": ["groups"]})  # fmt: skip

    assert status == 200
    assert len(body["result"]["results"]) == 2
    assert "groups" in body["result"]["facets"]


# --- the domain, without HTTP ----------------------------------------------------------------


def test_search_folds_diacritics_and_the_letter_d():
    found = search.search(make_entries(), Query("dat dai"))

    assert [h.entry.slug for h in found] == ["csdl-dat-dai-tn"]


def test_a_short_word_must_be_whole_a_long_one_may_start_a_word():
    made = make_entries()

    assert search.search(made, Query("ch")) == []
    assert {h.entry.slug for h in search.search(made, Query("procedure"))} == {
        "thu-tuc-hanh-chinh-tn"
    }


def test_conditions_compare_folded_and_may_exclude():
    made = make_entries()
    wanted = Condition("keyword", frozenset({"HO TICH"}))
    excluded = Condition("theme", frozenset({"gove"}), negated=True)

    assert [h.entry.slug for h in search.search(made, Query(conditions=(wanted,)))] == [
        "csdl-ho-tich-tn"
    ]
    assert {h.entry.slug for h in search.search(made, Query(conditions=(excluded,)))} == {
        "csdl-ho-tich-tn",
        "csdl-dat-dai-tn",
    }


def test_a_period_includes_both_ends_and_a_naive_moment_is_utc():
    made = make_entries()
    moment = datetime(2026, 11, 30, 17, 0)  # thu-tuc-hanh-chinh-tn's change, naive UTC

    exactly = Query(periods=(Period("modified", moment, moment),))
    assert [h.entry.slug for h in search.search(made, exactly)] == ["thu-tuc-hanh-chinh-tn"]
    after = Query(periods=(Period("modified", datetime(2026, 12, 1, tzinfo=UTC), None),))
    assert search.search(made, after) == []


def test_every_field_and_order_the_ckan_door_uses_exists_in_the_domain():
    from motcua.ckan import query

    assert set(query.SORTS.values()) - {"id"} <= set(search.ORDERS)
    assert set(query._DIRECT.values()) | {d for d, _r in query._RESOLVED.values()} <= set(
        search.FIELDS
    )
    for field in search.FIELDS:
        search.values(make_entries()[0], field)


def test_fl_keeps_only_the_fields_asked_for(client, catalogue):
    _, body = call(client, "package_search", fq="name:xep-hang-tn", fl="id,name,metadata_modified")

    [only] = body["result"]["results"]
    assert set(only) == {"id", "name", "metadata_modified"}
    assert only["name"] == "xep-hang-tn"
