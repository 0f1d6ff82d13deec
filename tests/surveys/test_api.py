"""The evaluation in API v1: the applicant's own dossier, and officers' aggregates."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from motcua.surveys.models import Evaluation, EvaluationChannel, Overall
from motcua.surveys.services import Answer, evaluate_dossier
from tests.api.caller import ApiCaller
from tests.dossiers.world import local

from .helpers import decided, returned

BODY = {"overall": "very_satisfied", "attitude": 2, "asked_for_more": False, "comment": "Tốt"}


def caller(user) -> ApiCaller:
    return ApiCaller.for_user(Client(), user)


def put(user, code, body):
    api = caller(user)
    return api.client.put(
        f"/api/v1/dossiers/{code}/evaluation",
        data=body,
        content_type="application/json",
        headers=api.headers,
    )


def test_the_applicant_evaluates_and_reads_back_their_own_dossier(world):
    dossier = returned(world)
    response = put(world["citizen"], dossier.code, BODY)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["overall"] == "very_satisfied" and body["can_evaluate"] is True
    assert body["scores"]["contacts"] == 2 and body["scores"]["attitude"] == 2
    assert Evaluation.objects.get(dossier=dossier).channel == "api"
    read = caller(world["citizen"]).get(f"/dossiers/{dossier.code}/evaluation").json()
    assert read["comment"] == "Tốt" and read["answered_at"].endswith("+07:00")


def test_someone_else_or_an_officer_gets_a_404(world):
    dossier = returned(world)
    assert put(world["other_citizen"], dossier.code, BODY).status_code == 404
    assert put(world["receiver"], dossier.code, BODY).status_code == 404
    path = f"/dossiers/{dossier.code}/evaluation"
    assert caller(world["receiver"]).get(path).status_code == 404
    assert not Evaluation.objects.exists()


def test_an_open_dossier_is_refused_with_409_and_a_bad_value_with_422(world):
    dossier = world.submit()
    response = put(world["citizen"], dossier.code, BODY)
    assert response.status_code == 409 and "giải quyết xong" in response.json()["detail"]
    done = decided(world, start=local(2026, 11, 24, 8, 0))
    assert put(world["citizen"], done.code, {**BODY, "attitude": 3}).status_code == 422
    assert put(world["citizen"], done.code, {**BODY, "overall": "meh"}).status_code == 422


def test_the_figures_hide_groups_under_five_answers(world):
    for n in range(5):
        dossier = decided(world, start=local(2026, 11, 23 + n, 8, 0))
        answer = Answer(overall=Overall.SATISFIED, attitude=2, asked_for_more=False)
        evaluate_dossier(
            dossier=dossier,
            answer=answer,
            channel=EvaluationChannel.QR,
            at=dossier.decided_at + timedelta(hours=1),
        )
    Evaluation.objects.filter(pk=Evaluation.objects.first().pk).delete()
    api = caller(world["approver"])
    query = {"agency": "000.01.99.H26", "month": "2026-11", "group": "officer"}
    body = api.get("/evaluations/figures", query).json()
    assert body["minimum_answers"] == 5
    assert all(g["count"] is None and g["shares"] is None for g in body["groups"])
    assert body["satisfaction_5_4"]["dossiers"] == 5
    last = decided(world, start=local(2026, 11, 30, 8, 0))
    answer = Answer(overall=Overall.SATISFIED, attitude=2, asked_for_more=False)
    evaluate_dossier(
        dossier=last, answer=answer, channel=EvaluationChannel.QR, at=local(2026, 11, 30, 16, 0)
    )
    body = api.get("/evaluations/figures", {**query, "group": "agency"}).json()
    assert body["groups"][0]["count"] == 5 and body["groups"][0]["shares"]["satisfied"] == "100.0"


def test_citizens_and_other_units_cannot_read_figures(world):
    query = {"agency": "000.01.99.H26", "month": "2026-11"}
    assert caller(world["citizen"]).get("/evaluations/figures", query).status_code == 403
    assert caller(world["receiver2"]).get("/evaluations/figures", query).status_code == 403
    bad = {**query, "month": "11/2026"}
    assert caller(world["approver"]).get("/evaluations/figures", bad).status_code == 400
