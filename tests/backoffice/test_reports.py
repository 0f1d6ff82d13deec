"""The monthly report page and its CSV file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.dossiers.services import accept_dossier

from .dossier_helpers import MONDAY_8, make_world, travel

URL = reverse("backoffice:report")


@pytest.fixture
def world(db, settings):
    world = make_world(settings)
    accept_dossier(dossier=world.submit(at=MONDAY_8), officer=world["receiver"], at=MONDAY_8)
    return world


def test_the_report_shows_the_units_month_per_procedure(client, world):
    client.force_login(world["specialist"])
    with travel(MONDAY_8):
        response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Báo cáo tháng" in text and "UBND Phường Hoàn Kiếm" in text
    assert "1.000001" in text and "tháng 11/2026" in text
    assert response.context["report"].total.received == 1


def test_the_report_downloads_as_csv(client, world):
    client.force_login(world["specialist"])
    response = client.get(URL, {"don-vi": world.committee.electronic_id, "thang": "11/2026",
                                "dinh-dang": "csv"})  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('bao-cao-000.01.99.H26-2026-11.csv"')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Mã thủ tục,Thủ tục,Kỳ trước chuyển qua")
    assert lines[1].startswith("1.000001,") and lines[-1].startswith(",Tổng cộng,0,1,0")


def test_a_bad_month_and_another_units_report_are_refused_with_a_message(client, world):
    client.force_login(world["specialist2"])
    response = client.get(URL, {"don-vi": world.committee.electronic_id, "thang": "11/2026"})
    assert response.status_code == 403
    assert "không xem được báo cáo" in response.content.decode()
    response = client.get(URL, {"thang": "2026/13"})
    assert response.status_code == 400
    assert "tháng/năm" in response.content.decode()
