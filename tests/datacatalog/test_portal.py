import io
from datetime import date

from openpyxl import load_workbook

from motcua.datacatalog import services

from .conftest import at, civil_status, first_version


def _second_version(city):
    leader = city["justice_leader"]
    spec = civil_status(city.justice, name="Cơ sở dữ liệu hộ tịch", frequency="daily")
    proposal = services.create_proposal(kind="change", agency=city.justice, code="CSDL-HT",
                                        spec=spec, reason="Đổi tên", by=leader)  # fmt: skip
    services.submit_proposal(proposal=proposal, by=leader)
    services.review_proposal(proposal=proposal, decision="accept", note="Đạt", by=city["reviewer"])
    return services.approve_version(by=city["city_leader"], effective_from=date(2026, 7, 1),
                                    at=at(2026, 7, 1, 9))  # fmt: skip


def test_the_catalogue_page_lists_the_current_version_for_anonymous_visitors(
    client, city, django_capture_on_commit_callbacks, settings
):
    settings.PAGE_CACHE_SECONDS = 60
    assert "chưa có phiên bản" in client.get("/danh-muc-csdl/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the approval renews cached pages
        first_version(city)
    response = client.get("/danh-muc-csdl/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "CSDL-HT" in page and "Sở Tư pháp" in page and "10/07/2026" in page
    assert city["city_leader"].full_name not in page  # the decision is named, not the person
    assert "public" in response["Cache-Control"]


def test_a_new_version_shows_what_changed_from_the_previous_one(client, city):
    first_version(city)
    _second_version(city)
    page = client.get("/danh-muc-csdl/phien-ban/2/").content.decode()
    assert "Thay đổi so với phiên bản 1" in page
    assert "Cơ sở dữ liệu hộ tịch điện tử" in page and "Liên tục" in page and "Hằng ngày" in page
    first = client.get("/danh-muc-csdl/phien-ban/1/").content.decode()
    assert "Phiên bản đầu tiên" in first and "không phải phiên bản hiện hành" in first


def test_a_databases_page_lists_its_fields(client, city):
    first_version(city)
    page = client.get("/danh-muc-csdl/CSDL-HT/").content.decode()
    assert "Số định danh cá nhân" in page and "Loại sự kiện hộ tịch" in page


def test_unknown_databases_and_versions_answer_404(client, city):
    first_version(city)
    for path in ("/danh-muc-csdl/CSDL-KHAC/", "/danh-muc-csdl/phien-ban/9/",
                 "/danh-muc-csdl/phien-ban/9/danh-muc-csdl.xlsx"):  # fmt: skip
        assert client.get(path).status_code == 404


def test_a_version_and_the_whole_catalogue_download_as_xlsx(client, city):
    first_version(city)
    _second_version(city)
    one = client.get("/danh-muc-csdl/phien-ban/1/danh-muc-csdl.xlsx")
    assert one["Content-Type"].startswith("application/vnd.openxmlformats")
    every = load_workbook(io.BytesIO(client.get("/danh-muc-csdl/danh-muc-csdl.xlsx").content))
    versions = {row[0] for row in every.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert versions == {1, 2}


def test_each_catalogue_address_resolves_to_the_view_that_serves_it(settings):
    from urllib.parse import urlsplit

    from django.urls import resolve

    from motcua.core import public_urls

    settings.PUBLIC_URL = "https://dichvucong.example.vn"
    expected = {
        public_urls.data_catalogue_url(): ("portal:data-catalogue", {}),
        public_urls.data_catalogue_url(xlsx=True): ("portal:data-catalogue-export", {}),
        public_urls.data_catalogue_url(number=3): ("portal:data-catalogue-version",
                                                   {"number": 3}),
        public_urls.data_catalogue_url(number=3, xlsx=True): (
            "portal:data-catalogue-version-export", {"number": 3}),
        public_urls.data_catalogue_url(code="CSDL-HT"): ("portal:data-catalogue-database",
                                                         {"code": "CSDL-HT"}),
        public_urls.absolute(public_urls.fill(public_urls.BACKOFFICE_DATA_CATALOGUE)): (
            "backoffice:data-catalogue", {}),
    }  # fmt: skip
    for url, (name, kwargs) in expected.items():
        assert url.startswith("https://dichvucong.example.vn/")
        match = resolve(urlsplit(url).path)
        assert (match.view_name, match.kwargs) == (name, kwargs), url
