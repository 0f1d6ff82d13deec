"""The open-data pages and files as a visitor meets them."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from django.core.files.storage import default_storage

from motcua.opendata import entries
from motcua.opendata.entries import Entry
from motcua.opendata.models import PublishedFile
from motcua.opendata.publish import publish_all
from tests.test_html import nu_errors


@pytest.fixture
def published(figures, december):
    publish_all()


def test_the_list_shows_every_dataset_with_its_files(client, published):
    response = client.get("/du-lieu-mo/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Số liệu giải quyết hồ sơ hằng tháng của từng đơn vị" in page
    assert "Hằng tháng" in page and "07/12/2026" in page
    assert "/du-lieu-mo/so-lieu-hang-thang/so-lieu-hang-thang.csv" in page
    assert "/du-lieu-mo/catalog.ttl" in page or "catalog.ttl" in page
    assert 'href="/du-lieu-mo/"' in client.get("/").content.decode()


def test_a_dataset_page_shows_its_columns_and_first_rows(client, published):
    response = client.get("/du-lieu-mo/so-lieu-hang-thang/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<code>tiep_nhan</code>" in page and "Tổng số hồ sơ tiếp nhận" in page
    assert 'data-label="thang">2026-10<' in page
    assert "<caption>" in page and 'scope="col"' in page


def test_an_english_visitor_reads_the_english_titles(client, published):
    client.cookies["django_language"] = "en"
    page = client.get("/du-lieu-mo/so-lieu-hang-thang/", HTTP_ACCEPT_LANGUAGE="en").content
    assert b"Each unit&#x27;s monthly dossier figures" in page or b"Each unit's monthly" in page


def test_a_file_is_served_with_its_type_hash_and_cache_headers(client, published):
    response = client.get("/du-lieu-mo/co-quan-don-vi/co-quan-don-vi.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    assert "max-age=3600" in response["Cache-Control"]
    assert body.startswith(b"ma_dinh_danh,ten,")
    again = client.get(
        "/du-lieu-mo/co-quan-don-vi/co-quan-don-vi.csv", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304
    package = client.get("/du-lieu-mo/co-quan-don-vi/datapackage.json")
    assert package["Content-Type"] == "application/json; charset=utf-8"
    xlsx = client.get("/du-lieu-mo/co-quan-don-vi/co-quan-don-vi.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    "path",
    [
        "/du-lieu-mo/khong-co/",
        "/du-lieu-mo/khong-co/khong-co.csv",
        "/du-lieu-mo/co-quan-don-vi/khac.csv",
        "/du-lieu-mo/co-quan-don-vi/..%2F..%2Fsettings.py",
    ],
)
def test_an_unknown_dataset_or_file_is_404(client, published, path):
    assert client.get(path).status_code == 404


def test_nothing_published_yet_is_said_not_an_error(client, db):
    response = client.get("/du-lieu-mo/")
    assert response.status_code == 200
    assert "Chưa có bộ dữ liệu nào được công bố." in response.content.decode()


def test_a_catalogue_entry_without_files_links_its_landing_page(client, db):
    entry = Entry(
        slug="ho-tich", source="catalogue", title="Cơ sở dữ liệu hộ tịch", title_en="Civil status",
        description="Mô tả", description_en="About", keywords=(), keywords_en=(),
        publisher_id="000.00.00.H26", publisher_name="UBND", frequency="IRREG",
        landing_page="https://example.vn/danh-muc/ho-tich/",
    )  # fmt: skip
    entries.register("test-catalogue", lambda: [entry])
    try:
        page = client.get("/du-lieu-mo/").content.decode()
        assert "Cơ sở dữ liệu hộ tịch" in page and "https://example.vn/danh-muc/ho-tich/" in page
        detail = client.get("/du-lieu-mo/ho-tich/")
        assert detail.status_code == 200 and "Không định kỳ" in detail.content.decode()
        assert client.get("/du-lieu-mo/ho-tich/ho-tich.csv").status_code == 404
    finally:
        entries._SOURCES.pop("test-catalogue")


@pytest.mark.html
@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML checker needs Java")
def test_the_pages_are_valid_html(client, published, tmp_path):
    pages = {
        "list": client.get("/du-lieu-mo/").content.decode(),
        "dataset": client.get("/du-lieu-mo/so-lieu-hang-thang/").content.decode(),
        "catalogue": client.get("/du-lieu-mo/thu-tuc-hanh-chinh/").content.decode(),
    }
    assert nu_errors(pages, tmp_path) == []


def test_a_link_checker_may_ask_for_the_headers_only(client, published):
    response = client.head("/du-lieu-mo/xep-hang/xep-hang.csv")
    assert response.status_code == 200
    assert response["ETag"].startswith('"') and int(response["Content-Length"]) > 0
    assert client.post("/du-lieu-mo/xep-hang/xep-hang.csv").status_code == 405


def test_a_file_not_modified_since_the_last_visit_answers_304(client, published):
    """What harvesters, link checkers and proxies send: a weak ETag (a proxy that compressed
    the file), "*", If-Modified-Since; a changed file still answers 200."""
    url = "/du-lieu-mo/co-quan-don-vi/co-quan-don-vi.csv"
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    for headers in (
        {"HTTP_IF_NONE_MATCH": "W/" + etag},
        {"HTTP_IF_NONE_MATCH": f'"other", {etag}'},
        {"HTTP_IF_NONE_MATCH": "*"},
        {"HTTP_IF_MODIFIED_SINCE": modified},
    ):
        again = client.get(url, **headers)
        assert again.status_code == 304, headers
        assert again["ETag"] == etag and again["Cache-Control"] == first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    earlier = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_a_file_whose_stored_copy_vanished_is_404_not_500(client, published):
    url = "/du-lieu-mo/co-quan-don-vi/co-quan-don-vi.csv"
    stored = PublishedFile.objects.get(file_name="co-quan-don-vi.csv")
    default_storage.delete(stored.storage_name)
    assert client.get(url).status_code == 404
    assert client.head(url).status_code == 404
