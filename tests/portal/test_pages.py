from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from motcua.core.services import seed_holidays
from tests.factories import import_small_catalogue, make_hanoi

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def catalogue():
    seed_holidays(years=[2026])
    import_small_catalogue()


def test_the_home_page_is_vietnamese_and_has_a_skip_link(client, catalogue):
    html = client.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert 'href="#main"' in html
    assert "Hộ tịch" in html


@pytest.mark.parametrize("query", ["dang ky khai sinh", "ĐĂNG KÝ khai sinh", "Dang Ky Khai Sinh"])
def test_catalogue_search_ignores_diacritics_and_case(client, catalogue, query):
    html = client.get(reverse("portal:procedure-list"), {"q": query}).content.decode()
    assert "Đăng ký khai sinh" in html
    assert "giấy phép xây dựng" not in html


def test_search_by_procedure_code(client, catalogue):
    html = client.get(reverse("portal:procedure-list"), {"q": "1.009974"}).content.decode()
    assert "Cấp giấy phép xây dựng" in html


def test_filters_narrow_the_list(client, catalogue):
    response = client.get(reverse("portal:procedure-list"), {"online_level": "partial"})
    assert response.context["page"].paginator.count == 1
    response = client.get(
        reverse("portal:procedure-list"), {"field": "ho-tich", "level": "province"}
    )
    assert response.context["page"].paginator.count == 0


def test_an_unknown_filter_value_shows_an_error_not_a_crash(client, catalogue):
    response = client.get(reverse("portal:procedure-list"), {"level": "galaxy", "page": "abc"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


@time_machine.travel(datetime(2026, 2, 13, 15, 30, tzinfo=VN), tick=False)
def test_the_procedure_page_shows_the_due_date_if_submitted_now_across_tet(client, catalogue):
    html = client.get(reverse("portal:procedure-detail", args=["1.001193"])).content.decode()
    # Received after 15:00 on Friday 13/2: handed over after Tết, 1 working day -> 17:00 23/02.
    assert "17:00 23/02/2026" in html
    assert "8.000 đồng" in html
    assert "Miễn phí" in html
    assert "chưa xác minh" in html


def test_an_unknown_procedure_is_a_friendly_404(client, catalogue):
    response = client.get(reverse("portal:procedure-detail", args=["9.999999"]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_the_unit_directory_lists_provinces_and_a_units_desks(client):
    _hanoi, _ward, _agency = make_hanoi()
    html = client.get(reverse("portal:unit-list")).content.decode()
    assert "Thành phố Hà Nội" in html
    html = client.get(reverse("portal:unit-detail", args=["00070"])).content.decode()
    assert "000.01.99.H26" in html


def test_unit_search_ignores_diacritics(client):
    make_hanoi()
    response = client.get(reverse("portal:unit-list"), {"q": "hoan kiem"})
    assert [u.code for u in response.context["page"].object_list] == ["00070"]


def test_the_due_date_page_computes_across_the_swapped_saturday(client):
    seed_holidays(years=[2026])
    response = client.get(
        reverse("portal:due-date"),
        {"start": "21/08/2026 10:00", "amount": "1", "unit": "working_days"},
    )
    assert "22/08/2026" in response.content.decode()


def test_the_due_date_page_explains_bad_input(client):
    response = client.get(
        reverse("portal:due-date"), {"start": "hôm qua", "amount": "-1", "unit": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("error-message") == 3
    assert 'href="#id_start"' in html


def test_the_english_switch_changes_the_language(client, catalogue):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Administrative procedures" in html


def test_a_fractional_number_of_calendar_days_is_refused(client):
    response = client.get(
        reverse("portal:due-date"),
        {"start": "21/08/2026 10:00", "amount": "1.5", "unit": "calendar_days"},
    )
    assert "số nguyên" in response.content.decode()


def test_a_far_away_start_is_explained_on_the_page(client):
    response = client.get(
        reverse("portal:due-date"),
        {"start": "31/12/9999 08:00", "amount": "3650", "unit": "calendar_days"},
    )
    assert response.status_code == 200
    assert "1990" in response.content.decode()


def test_a_calendar_with_no_working_day_left_is_explained_not_a_crash(client):
    from datetime import date, timedelta

    from motcua.core.models import Holiday

    Holiday.objects.bulk_create(
        Holiday(date=date(2026, 1, 1) + timedelta(days=n), name="Nghỉ") for n in range(400)
    )
    response = client.get(
        reverse("portal:due-date"),
        {"start": "02/01/2026 09:00", "amount": "1", "unit": "working_days"},
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_the_procedure_page_queries_do_not_grow_with_its_agencies(client, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.catalog.models import ProcedureVersion
    from motcua.identity.models import Agency

    _, ward, agency = make_hanoi()
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    url = reverse("portal:procedure-detail", args=["1.001193"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    version.agencies.add(agency)
    queries()  # the first request also builds the cached working calendar
    with_one = queries()
    for n in range(5):
        other = Agency.objects.create(
            electronic_id=f"000.0{n}.98.H26", name=f"Cơ quan {n}", kind="other", unit=ward
        )
        version.agencies.add(other)
    assert queries() == with_one
