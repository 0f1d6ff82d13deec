"""Each action answered in CKAN's envelope and shapes, through Django's test client."""

from __future__ import annotations

import uuid

import pytest

from motcua.core.text import fold
from motcua.opendata import entries

from .conftest import BASE, call

pytestmark = pytest.mark.django_db


def _ours(results: list[dict], catalogue) -> list[str]:
    slugs = {e.slug for e in catalogue}
    return [r["name"] for r in results if r["name"] in slugs]


def test_status_show_names_the_public_address_and_the_ckan_release(client, catalogue):
    status, body = call(client, "status_show")

    assert status == 200
    assert body["success"] is True
    assert body["help"] == f"{BASE}/api/3/action/help_show?name=status_show"
    assert body["result"]["site_url"] == BASE
    assert body["result"]["ckan_version"].startswith("2.")


def test_package_list_names_every_dataset_in_order_and_pages(client, catalogue):
    _, body = call(client, "package_list")
    _, page = call(client, "package_list", limit=2, offset=1)

    everything = sorted(e.slug for e in entries.entries())
    assert body["result"] == everything
    assert page["result"] == everything[1:3]


def test_package_show_gives_ckan_s_shape_with_stable_ids(client, catalogue):
    wanted = catalogue[0]

    _, by_name = call(client, "package_show", id=wanted.slug)
    package = by_name["result"]
    _, by_id = call(client, "package_show", id=package["id"])

    assert by_id["result"] == package
    assert package["id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}/du-lieu-mo/{wanted.slug}/"))
    assert (package["name"], package["title"], package["type"], package["state"]) == (
        "thu-tuc-hanh-chinh-tn",
        "Danh mục thủ tục hành chính",
        "dataset",
        "active",
    )
    assert package["private"] is False and package["isopen"] is True
    assert package["license_id"] == "cc-by"
    assert package["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    # CKAN's timestamps: UTC, no zone.
    assert package["metadata_modified"] == "2026-11-30T17:00:00"
    assert package["metadata_created"] == "2026-01-15T02:00:00"
    assert package["organization"]["name"] == "000-00-00-h26"
    assert package["organization"]["title"] == "Ủy ban nhân dân thành phố Hà Nội"
    assert package["owner_org"] == package["organization"]["id"]
    assert [t["name"] for t in package["tags"]] == ["thủ tục hành chính", "dịch vụ công"]
    assert package["num_tags"] == 2
    assert [g["name"] for g in package["groups"]] == ["gove"]
    extras = {x["key"]: x["value"] for x in package["extras"]}
    assert extras["uri"] == f"{BASE}/du-lieu-mo/thu-tuc-hanh-chinh-tn/"
    assert extras["frequency"] == "MONTHLY"
    assert [x["key"] for x in package["extras"]] == sorted(extras)


def test_a_package_s_resources_carry_their_files(client, catalogue):
    _, body = call(client, "package_show", id="thu-tuc-hanh-chinh-tn")
    package = body["result"]
    resources = package["resources"]

    assert package["num_resources"] == 3
    assert [r["format"] for r in resources] == ["CSV", "JSON", "XLSX"]
    assert [r["position"] for r in resources] == [0, 1, 2]
    csv = resources[0]
    uri = f"{BASE}/du-lieu-mo/thu-tuc-hanh-chinh-tn/thu-tuc-hanh-chinh-tn.csv"
    assert csv["id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, uri))
    assert (csv["url"], csv["package_id"], csv["mimetype"]) == (uri, package["id"], "text/csv")
    assert (csv["size"], csv["hash"]) == (1031, "0" * 64)
    assert csv["last_modified"] == "2026-11-30T17:00:00"


def test_resource_show_finds_a_file_by_its_id(client, catalogue):
    _, body = call(client, "package_show", id="xep-hang-tn")
    json_file = body["result"]["resources"][1]

    status, shown = call(client, "resource_show", id=json_file["id"])

    assert status == 200
    assert shown["result"] == json_file


def test_links_come_from_the_configured_address_never_the_request_s_host(
    client, catalogue, settings
):
    settings.ALLOWED_HOSTS = ["noi-bo.proxy.local"]
    response = client.get("/api/3/action/package_show", {"id": "xep-hang-tn"},
                          HTTP_HOST="noi-bo.proxy.local")  # fmt: skip

    assert response.status_code == 200
    assert b"noi-bo.proxy.local" not in response.content
    assert f"{BASE}/du-lieu-mo/xep-hang-tn/".encode() in response.content


def test_post_with_a_json_body_answers_as_get(client, catalogue):
    _, by_get = call(client, "package_search", q="xếp hạng", rows=3)
    status, by_post = call(client, "package_search", "post", q="xếp hạng", rows=3)

    assert status == 200
    assert by_post["result"] == by_get["result"]


def test_the_unversioned_address_is_the_same_api(client, catalogue):
    response = client.get("/api/action/package_show", {"id": "xep-hang-tn"})

    assert response.status_code == 200
    assert response.json()["result"]["name"] == "xep-hang-tn"


def test_organizations_are_the_publishers_with_their_counts(client, catalogue):
    _, names = call(client, "organization_list")
    _, full = call(client, "organization_list", all_fields="true")

    assert {"000-00-00-h26", "000-00-10-h26", "000-00-15-h26", "000-00-20-h26"} <= set(
        names["result"]
    )
    by_name = {o["name"]: o for o in full["result"]}
    assert by_name["000-00-00-h26"]["package_count"] >= 2
    assert by_name["000-00-15-h26"]["title"] == "Sở Tư pháp thành phố Hà Nội"
    titles = [o["title"] for o in full["result"]]
    assert titles == sorted(titles, key=fold)  # "title asc", without diacritics


def test_organization_show_takes_its_name_id_or_electronic_id(client, catalogue):
    _, by_name = call(client, "organization_show", id="000-00-15-h26", include_datasets=True)
    organization = by_name["result"]
    _, by_id = call(client, "organization_show", id=organization["id"])
    _, by_eid = call(client, "organization_show", id="000.00.15.H26")

    assert by_id["result"]["name"] == by_eid["result"]["name"] == "000-00-15-h26"
    assert [p["name"] for p in organization["packages"]] == ["csdl-ho-tich-tn"]
    assert organization["package_count"] == 1
    assert {"key": "electronic_id", "value": "000.00.15.H26", "state": "active"} in organization[
        "extras"
    ]


def test_groups_are_the_themes(client, catalogue):
    _, names = call(client, "group_list")
    _, full = call(client, "group_list", all_fields=True, sort="package_count desc")
    _, shown = call(client, "group_show", id="just")

    assert {"gove", "soci", "regi", "just", "envi"} <= set(names["result"])
    counts = [g["package_count"] for g in full["result"]]
    assert counts == sorted(counts, reverse=True)
    assert shown["result"]["title"] == "Tư pháp, hệ thống pháp luật và an toàn công cộng"
    assert shown["result"]["id"] == str(
        uuid.uuid5(
            uuid.NAMESPACE_URL, "http://publications.europa.eu/resource/authority/data-theme/JUST"
        )
    )


def test_tag_list_gives_the_keywords_and_filters_without_diacritics(client, catalogue):
    _, everything = call(client, "tag_list")
    _, found = call(client, "tag_list", query="chi so")
    _, full = call(client, "tag_list", query="hộ tịch", all_fields=True)

    assert {"thủ tục hành chính", "hộ tịch", "đất đai"} <= set(everything["result"])
    assert found["result"] == ["chỉ số phục vụ"]
    assert full["result"][0]["name"] == "hộ tịch"
    assert full["result"][0]["vocabulary_id"] is None


def test_help_show_explains_each_action(client, catalogue):
    _, body = call(client, "help_show", name="package_search")

    assert "1.000" in body["result"]


def test_an_unknown_dataset_is_not_found(client, catalogue):
    status, body = call(client, "package_show", id="khong-co")

    assert status == 404
    assert body["success"] is False
    assert body["error"] == {"__type": "Not Found Error", "message": "Không tìm thấy"}
    assert body["help"] == f"{BASE}/api/3/action/help_show?name=package_show"


@pytest.mark.parametrize("name", ["resource_show", "organization_show", "group_show"])
def test_an_unknown_id_is_not_found_for_any_show(client, catalogue, name):
    status, body = call(client, name, id="00000000-0000-0000-0000-000000000000")

    assert (status, body["error"]["__type"]) == (404, "Not Found Error")


def test_a_missing_id_is_a_validation_error_naming_the_field(client, catalogue):
    status, body = call(client, "package_show")

    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"]["id"] == ["Thiếu giá trị"]


def test_an_unknown_action_is_a_bad_request_in_ckan_s_words(client, catalogue):
    status, body = call(client, "package_explode")

    assert status == 400
    assert body == "Bad request - Action name not known: package_explode"


@pytest.mark.parametrize("name", ["package_create", "resource_update", "package_patch",
                                  "dataset_purge", "organization_member_delete"])  # fmt: skip
def test_every_write_action_is_refused(client, catalogue, name):
    status, body = call(client, name, "post", name="mot-bo-du-lieu-moi", title="Mới")

    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"
    assert call(client, "package_show", id="mot-bo-du-lieu-moi")[0] == 404


def test_a_body_that_is_not_a_json_object_is_a_bad_request(client, catalogue):
    for body in (
        b"{not json",
        b"[1, 2]",
        b"\xff\xfe",
        b'{"q": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ):
        response = client.post("/api/3/action/package_search", body,
                               content_type="application/json")  # fmt: skip

        assert response.status_code == 400
        assert response.json().startswith("Bad request - ")


def test_errors_are_in_english_for_an_english_reader(client, catalogue):
    response = client.get("/api/3/action/package_show", {"id": "khong-co"},
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip

    assert response.json()["error"]["message"] == "Not found"


def test_read_answers_are_cached_for_visitors_and_writes_never(client, catalogue):
    read = client.get("/api/3/action/package_list")
    write = client.post("/api/3/action/package_create", "{}", content_type="application/json")

    assert "public" in read["Cache-Control"]
    assert "no-store" not in read["Cache-Control"]
    assert "public" not in write["Cache-Control"]
    assert "private" in write["Cache-Control"]


def test_a_package_s_organization_is_the_one_organization_show_gives(client, catalogue):
    _, package = call(client, "package_show", id="thu-tuc-hanh-chinh-tn")
    _, shown = call(client, "organization_show", id="000-00-00-h26")

    inside = package["result"]["organization"]
    assert inside == {k: v for k, v in shown["result"].items() if k in inside}
    # Created with its first dataset (so-lieu-hang-thang-tn's), not this one.
    assert inside["created"] == "2025-12-01T01:00:00"


def test_head_answers_as_get_and_other_methods_are_refused(client, catalogue):
    head = client.head("/api/3/action/package_list")
    put = client.put("/api/3/action/package_list", "{}", content_type="application/json")

    assert head.status_code == 200
    assert put.status_code == 405
    assert put["Allow"] == "GET, HEAD, POST"


def test_a_form_post_is_read_as_ckan_reads_it(client, catalogue):
    as_form = client.post("/api/3/action/package_show", {"id": "xep-hang-tn"})
    # CKAN's old clients: the JSON object as the only field's name.
    as_key = client.post("/api/3/action/package_show", '{"id": "xep-hang-tn"}=1',
                         content_type="application/x-www-form-urlencoded")  # fmt: skip

    assert as_form.json()["result"]["name"] == as_key.json()["result"]["name"] == "xep-hang-tn"


def test_the_api_s_own_address_gives_its_version(client, catalogue):
    # The DCAT catalogue names /api/3/action/ as this API's endpoint.
    response = client.get("/api/3/action/")

    assert response.status_code == 200
    assert response.json() == {"version": 3}


def test_the_api_s_paths_are_public_for_caches():
    from django.test import RequestFactory

    from motcua.core.headers import is_public

    for path in ("/api/3/action/", "/api/3/action/package_search", "/api/action/package_show"):
        assert is_public(RequestFactory().get(path)), path
    assert not is_public(RequestFactory().get("/api/3/action/a/b"))
