"""The catalogue's datasets through the CKAN-compatible API, as a harvester reads them."""

import pytest

from .conftest import first_version


def test_an_open_database_and_the_whole_catalogue_are_ckan_packages(client, city, settings):
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.example"
    first_version(city)
    names = client.get("/api/3/action/package_list").json()["result"]
    assert {"csdl-ht", "danh-muc-co-so-du-lieu"} <= set(names) and "csdl-dd" not in names
    database = client.get("/api/3/action/package_show", {"id": "csdl-ht"}).json()
    assert database["success"] and database["result"]["organization"]["title"] == "Sở Tư pháp"
    whole = client.get("/api/3/action/package_show", {"id": "danh-muc-co-so-du-lieu"}).json()
    (resource,) = whole["result"]["resources"]
    assert resource["format"] == "XLSX" and resource["url"].endswith("/danh-muc-csdl.xlsx")


def test_ckans_own_client_finds_the_catalogues_databases(site, city):
    """Over real HTTP, as tests/ckan/test_ckanapi.py runs it."""
    ckanapi = pytest.importorskip("ckanapi")
    first_version(city)
    with ckanapi.RemoteCKAN(site) as ckan:
        found = ckan.action.package_search(q="hộ tịch")
        shown = ckan.action.package_show(id="csdl-ht")
    assert "csdl-ht" in [r["name"] for r in found["results"]]
    assert shown["title"] == "Cơ sở dữ liệu hộ tịch điện tử"
