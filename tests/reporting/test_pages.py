"""The index and the ranking as people meet them: the public pages and files, and the back
office's dossiers behind a figure."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

RANKING = reverse("portal:rankings")


@pytest.fixture
def officers(settings):
    settings.OFFICER_2FA_REQUIRED = False


def test_the_public_ranking_lists_the_wards_of_the_month(client, world, month, city):
    response = client.get(RANKING, {"cha": city.electronic_id, "ky": "11/2026"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tháng 11/2026" in text and world.committee.name in text
    assert "Chưa xếp hạng (dưới 10 hồ sơ tiếp nhận trong kỳ)" in text
    assert "2.1. Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn" in text  # its definition on the page


def test_the_ranking_downloads_as_csv_and_xlsx(client, world, month, city, settings):
    settings.MOTCUA_RANKINGS = [f"{city.electronic_id}:commune"]
    query = {"cha": city.electronic_id, "ky": "2026-11"}
    response = client.get(RANKING, {**query, "dinh-dang": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        f'xep-hang-commune-{city.electronic_id}-2026-11.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Hạng", "Hạng kỳ trước", "Mã định danh", "Đơn vị"]
    ours = next(r for r in rows if r[2] == world.committee.electronic_id)
    assert ours[7] == "6"  # received
    assert ours[-1].startswith("Chưa xếp hạng")
    response = client.get(RANKING, {**query, "dinh-dang": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[2][2] == "Mã định danh"
    assert world.committee.electronic_id in {row[2] for row in values[3:]}


def test_a_bad_period_or_level_is_refused_with_a_message(client, world, city):
    response = client.get(RANKING, {"ky": "2026-13"})
    assert response.status_code == 400
    assert "Kỳ không hợp lệ" in response.content.decode()
    assert client.get(RANKING, {"cap": "tinh"}).status_code == 400
    response = client.get(RANKING, {"cha": "000.99.99.H99"})
    assert response.status_code == 400
    assert "Không có đơn vị" in response.content.decode()


def test_a_units_public_page_shows_its_figures_and_where_it_lost_points(client, world, month):
    url = reverse("portal:index-unit", args=[world.committee.electronic_id])
    response = client.get(url, {"ky": "2026-11"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mất điểm ở đâu" in text and "3 / 5" in text  # 2.1's numerator and denominator
    assert "Tháng 10/2026" in text  # the trend
    assert client.get(reverse("portal:index-unit", args=["000.00.00.X00"])).status_code == 404


def test_an_officer_follows_a_figure_down_to_its_dossiers(client, world, month, officers):
    client.force_login(world["specialist"])
    unit = reverse("backoffice:index-unit", args=[world.committee.electronic_id])
    response = client.get(unit, {"ky": "2026-11"})
    assert response.status_code == 200
    assert f"{unit}2.1/?ky=2026-11" in response.content.decode()
    listed = client.get(f"{unit}2.1/", {"ky": "2026-11", "danh-sach": "outside"})
    assert listed.status_code == 200
    text = listed.content.decode()
    assert month["late"].code in text and month["unfinished, past due"].code in text
    assert month["early"].code not in text
    left_out = client.get(f"{unit}2.1/", {"ky": "2026-11", "danh-sach": "excluded"})
    assert "Công dân rút hồ sơ" in left_out.content.decode()


def test_another_units_officer_cannot_see_its_dossiers_behind_a_figure(
    client, world, month, officers
):
    client.force_login(world["specialist2"])
    unit = reverse("backoffice:index-unit", args=[world.committee.electronic_id])
    assert client.get(unit).status_code == 404
    assert client.get(f"{unit}2.1/").status_code == 404
    client.logout()
    assert client.get(f"{unit}2.1/").status_code == 302  # to the sign-in page


def test_a_figure_not_made_of_dossiers_has_no_list(client, world, month, officers):
    client.force_login(world["specialist"])
    unit = reverse("backoffice:index-unit", args=[world.committee.electronic_id])
    assert client.get(f"{unit}3.1/").status_code == 404
    assert client.get(f"{unit}9.9/").status_code == 404


def test_the_monthly_report_gives_the_same_on_time_figure_as_the_index(
    client, world, month, officers
):
    client.force_login(world["specialist"])
    response = client.get(
        reverse("backoffice:report"), {"don-vi": world.committee.electronic_id, "thang": "11/2026"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "2.1: 3 / 5 = 60,00%" in text
    # The per-procedure column counts decided dossiers only, by the same rule: early in time,
    # late late.
    assert response.context["report"].total.on_time_rate == 50
