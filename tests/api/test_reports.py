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


def test_a_closed_months_answer_is_kept_and_a_move_on_its_days_renews_it(
    world, as_user, django_capture_on_commit_callbacks
):
    import time_machine

    from motcua.dossiers.services import decide_dossier, forward_dossier

    params = {"agency": world.committee.electronic_id, "month": "2026-11"}
    at = local(2026, 11, 23, 8, 0)
    dossier = accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
    with time_machine.travel(local(2026, 12, 10, 9, 0), tick=False):
        leader = as_user(world["approver"])
        first = leader.get("/reports/monthly", params).json()
        assert first["total"]["resolved"] == 0
        assert leader.get("/reports/monthly", params).json() == first  # kept
        with django_capture_on_commit_callbacks(execute=True):  # recorded late, for November
            forward_dossier(dossier=dossier, officer=world["receiver"], at=at)
            dossier.refresh_from_db()
            forward_dossier(dossier=dossier, officer=world["specialist"], at=at)
            dossier.refresh_from_db()
            decide_dossier(dossier=dossier, officer=world["approver"], approve=True, at=at)
        renewed = leader.get("/reports/monthly", params).json()
    assert renewed["total"]["resolved"] == 1
    assert renewed["procedures"][0]["on_time_rate"] == "100.0"


def test_a_client_that_accepts_gzip_gets_the_same_report_compressed(world, as_user):
    """Read by httpx (a client somebody else wrote) through the WSGI application: it asks
    for gzip as every HTTP library does and decodes the answer by its Content-Encoding."""
    import httpx
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    at = local(2026, 11, 23, 8, 0)
    accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
    leader = as_user(world["approver"])
    params = {"agency": world.committee.electronic_id, "month": "2026-11"}
    plain = leader.get("/reports/monthly", params)
    assert not plain.has_header("Content-Encoding") and "Accept-Encoding" in plain["Vary"]
    # As Django's test client does: the request's ends must not close the test's connection
    # (its transaction holds the test's rows; on PostgreSQL closing it loses them).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with httpx.Client(
            transport=httpx.WSGITransport(app=get_wsgi_application()),
            base_url="http://testserver",
        ) as client:
            answer = client.get("/api/v1/reports/monthly", params=params, headers=leader.headers)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert answer.status_code == 200 and answer.headers["content-encoding"] == "gzip"
    assert "gzip" in answer.request.headers["accept-encoding"]
    assert answer.json() == plain.json()


def test_a_closed_months_compressed_answer_is_kept_too(world, as_user, monkeypatch):
    import gzip

    import time_machine

    from motcua.api import reports

    made = []

    def counted(body: bytes) -> bytes:
        made.append(len(body))
        return gzip.compress(body)

    monkeypatch.setattr(reports, "gzipped", counted)
    params = {"agency": world.committee.electronic_id, "month": "2026-11"}
    at = local(2026, 11, 23, 8, 0)
    accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
    with time_machine.travel(local(2026, 12, 10, 9, 0), tick=False):
        leader = as_user(world["approver"])
        headers = {**leader.headers, "Accept-Encoding": "gzip"}
        answers = [
            leader.client.get("/api/v1/reports/monthly", params, headers=headers) for _ in range(3)
        ]
    assert len(made) == 1  # compressed once, then read as kept
    assert {gzip.decompress(a.content) for a in answers} == {gzip.decompress(answers[0].content)}
