"""GET /api/v1/reports/monthly."""

from __future__ import annotations

from motcua.dossiers.services import accept_dossier
from tests.dossiers.world import local


def test_an_officer_gets_the_units_month_as_json(world, as_user):
    at = local(2026, 11, 23, 8, 0)
    accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
    response = as_user(world["approver"]).get(
        "/reports/monthly", {"agency": world.committee.electronic_id, "month": "2026-11"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == "2026-11" and body["agency"] == "000.01.99.H26"
    [row] = body["procedures"]
    assert row["procedure_code"] == "1.000001"
    assert (row["received"], row["received_online"], row["in_process"]) == (1, 1, 1)
    assert row["on_time_rate"] is None and body["total"]["received"] == 1


def test_bad_requests_get_a_vietnamese_reason(world, as_user):
    officer = as_user(world["specialist2"])
    code = world.committee.electronic_id
    cases = [
        ({"agency": code, "month": "11/2026"}, 400, "YYYY-MM"),
        ({"agency": code, "month": "2026-13"}, 400, "YYYY-MM"),
        ({"agency": "000.99.99.H26", "month": "2026-11"}, 404, "Không tìm thấy đơn vị"),
        ({"agency": code, "month": "2026-11"}, 403, "không xem được báo cáo"),
    ]
    for params, status, message in cases:
        response = officer.get("/reports/monthly", params)
        assert response.status_code == status, params
        assert message in response.json()["detail"]
    citizen = as_user(world["citizen"]).get(
        "/reports/monthly", {"agency": code, "month": "2026-11"}
    )
    assert citizen.status_code == 403
