"""Idempotency-Key on the API's submissions and dossier actions (api/idempotency.py)."""

from __future__ import annotations

import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from motcua.core.models import IdempotentRequest
from motcua.dossiers.models import Dossier, DossierEvent, IdempotencyRecord

from .caller import ApiCaller
from .test_dossiers import BIRTH

pytestmark = pytest.mark.usefixtures("monday_morning")


def in_payment(people):
    response = people["citizen"].post("/dossiers", BIRTH)
    code = response.json()["code"]
    assert people["receiver"].act(code, "accept").status_code == 200
    assert people["receiver"].act(code, "forward").status_code == 200
    return code


def test_the_same_key_with_another_body_is_refused_and_does_nothing(people):
    key = {"Idempotency-Key": "one-request-only"}
    assert people["citizen"].post("/dossiers", BIRTH, headers=key).status_code == 201
    other = {**BIRTH, "data": {"ho_ten_tre": "Trần Thị Khác"}}
    refused = people["citizen"].post("/dossiers", other, headers=key)
    assert refused.status_code == 422
    assert "Idempotency-Key" in refused.json()["detail"]
    assert Dossier.objects.count() == 1


def test_the_same_body_spaced_or_ordered_otherwise_is_the_same_request(people):
    key = {"Idempotency-Key": "reordered"}
    first = people["citizen"].post("/dossiers", BIRTH, headers=key)
    reordered = json.dumps(dict(reversed(list(BIRTH.items()))), indent=2, ensure_ascii=False)
    again = people["citizen"].client.post(
        "/api/v1/dossiers",
        data=reordered,
        content_type="application/json",
        headers={**people["citizen"].headers, **key},
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"]


def test_a_refused_request_is_not_remembered_so_the_client_may_correct_it(people):
    key = {"Idempotency-Key": "fix-and-retry"}
    wrong = people["citizen"].post("/dossiers", {**BIRTH, "procedure": "9.999999"}, headers=key)
    assert wrong.status_code == 404
    assert not IdempotentRequest.objects.exists() and not IdempotencyRecord.objects.exists()
    assert people["citizen"].post("/dossiers", BIRTH, headers=key).status_code == 201


def test_a_submissions_key_is_one_row_the_dossiers_record_with_the_requests_fingerprint(people):
    key = {"Idempotency-Key": "one-row"}
    first = people["citizen"].post("/dossiers", BIRTH, headers=key)
    again = people["citizen"].post("/dossiers", BIRTH, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()  # nothing moved since: the same dossier, as it is
    record = IdempotencyRecord.objects.get(key="one-row")
    assert record.dossier.code == first.json()["code"] and len(record.fingerprint) == 64
    assert not IdempotentRequest.objects.exists()  # no second record of the answer
    assert Dossier.objects.count() == 1


def test_a_submissions_key_is_refused_on_another_request_and_the_other_way_round(people):
    code = people["citizen"].post("/dossiers", BIRTH).json()["code"]
    submitted = {"Idempotency-Key": "submitted-with"}
    assert people["citizen"].post("/dossiers", BIRTH, headers=submitted).status_code == 201
    path = f"/dossiers/{code}/actions/withdraw"
    refused = people["citizen"].post(path, {"reason": "Nộp nhầm"}, headers=submitted)
    assert refused.status_code == 422 and "Idempotency-Key" in refused.json()["detail"]

    withdrawn = {"Idempotency-Key": "withdrawn-with"}
    done = people["citizen"].post(path, {"reason": "Nộp nhầm"}, headers=withdrawn)
    assert done.status_code == 200
    refused = people["citizen"].post("/dossiers", BIRTH, headers=withdrawn)
    assert refused.status_code == 422 and "Idempotency-Key" in refused.json()["detail"]
    assert Dossier.objects.count() == 2


def test_a_key_recorded_without_its_request_answers_its_dossier_and_nothing_else(people):
    """A portal draft's or the desk's key, or an API submission's from before the dossier's
    record kept the fingerprint (its remembered answer forgotten after a week): a retry of
    the submission answers the dossier, as before; another request is refused."""
    first = people["citizen"].post("/dossiers", BIRTH, headers={"Idempotency-Key": "old"})
    IdempotencyRecord.objects.update(fingerprint="")
    again = people["citizen"].post("/dossiers", BIRTH, headers={"Idempotency-Key": "old"})
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    path = f"/dossiers/{first.json()['code']}/actions/withdraw"
    other = people["citizen"].post(path, {"reason": "x"}, headers={"Idempotency-Key": "old"})
    assert other.status_code == 422
    assert Dossier.objects.count() == 1


def test_the_migration_gives_a_key_whose_answer_is_remembered_its_fingerprint(people):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("motcua.dossiers.migrations.0008_idempotency_fingerprint")
    key = {"Idempotency-Key": "before"}
    answer = people["citizen"].post("/dossiers", BIRTH, headers=key)
    people["other_citizen"].post("/dossiers", BIRTH, headers=key)
    remembered = IdempotencyRecord.objects.get(dossier__code=answer.json()["code"])
    fingerprint = remembered.fingerprint
    IdempotencyRecord.objects.update(fingerprint="")  # as the column was added
    IdempotentRequest.objects.create(  # the answer the API remembered then (for 7 days)
        user=remembered.user, key="before", fingerprint=fingerprint, status=201, body={}
    )
    migration.fingerprints_remembered(apps, None)
    assert IdempotencyRecord.objects.get(pk=remembered.pk).fingerprint == fingerprint
    assert IdempotencyRecord.objects.exclude(pk=remembered.pk).get().fingerprint == ""


def test_a_payment_request_retried_with_its_key_is_answered_again_not_refused(people):
    code = in_payment(people)
    key = {"Idempotency-Key": "pay-8000"}
    ask = people["specialist"].post(
        f"/dossiers/{code}/actions/request_payment", {"amount": 8000}, headers=key
    )
    again = people["specialist"].post(
        f"/dossiers/{code}/actions/request_payment", {"amount": 8000}, headers=key
    )
    assert ask.status_code == again.status_code == 200
    assert again.json() == ask.json() and ask.json()["status"]["code"] == 6
    # Without the key the retry would meet a dossier already waiting for payment.
    assert people["specialist"].act(code, "request_payment", {"amount": 8000}).status_code == 409
    other = people["specialist"].post(
        f"/dossiers/{code}/actions/request_payment", {"amount": 9000}, headers=key
    )
    assert other.status_code == 422
    assert DossierEvent.objects.filter(dossier__code=code, to_status=6).count() == 1


def test_a_payment_confirmation_retried_with_its_key_confirms_once(people):
    code = in_payment(people)
    assert people["specialist"].act(code, "request_payment", {"amount": 8000}).status_code == 200
    key = {"Idempotency-Key": "BL-0001"}
    path = f"/dossiers/{code}/actions/confirm_payment"
    paid = people["receiver"].post(path, {"reference": "BL-0001"}, headers=key)
    again = people["receiver"].post(path, {"reference": "BL-0001"}, headers=key)
    assert paid.status_code == again.status_code == 200
    assert again.json() == paid.json() and paid.json()["status"]["code"] == 4
    assert DossierEvent.objects.filter(dossier__code=code, from_status=6).count() == 1


def test_a_key_belongs_to_its_user(people):
    key = {"Idempotency-Key": "shared-name"}
    assert people["citizen"].post("/dossiers", BIRTH, headers=key).status_code == 201
    assert people["other_citizen"].post("/dossiers", BIRTH, headers=key).status_code == 201
    assert Dossier.objects.count() == 2


# --- two requests with one key at the same moment, on a real database -----------------------


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_one_key_make_one_dossier(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN; the race needs PostgreSQL")
    from motcua.dossiers import intake

    real_next_code = intake.next_dossier_code
    codes = []

    def slow_next_code(*args, **kwargs):
        code = real_next_code(*args, **kwargs)
        codes.append(code)
        time.sleep(0.3)  # both have passed the key check and taken a code: both go on
        return code

    monkeypatch.setattr(intake, "next_dossier_code", slow_next_code)
    citizen = world.people["citizen"]
    callers = [ApiCaller.for_user(Client(), citizen) for _ in range(2)]
    start = threading.Barrier(2)
    answers: list = [None, None]

    def send(n):
        start.wait()
        answers[n] = callers[n].post("/dossiers", BIRTH, headers={"Idempotency-Key": "race"})
        connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(codes) == 2  # both really started a dossier; one was rolled back
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json()["code"] == answers[1].json()["code"]
    assert Dossier.objects.count() == 1
    assert IdempotencyRecord.objects.filter(key="race").count() == 1
    assert not IdempotentRequest.objects.exists()


def test_remembered_answers_are_forgotten_after_a_week(people, monday_morning):
    from datetime import timedelta

    from django.utils import timezone

    from motcua.core.jobs import run_job

    code = in_payment(people)
    key = {"Idempotency-Key": "old"}
    path = f"/dossiers/{code}/actions/request_payment"
    assert people["specialist"].post(path, {"amount": 8000}, headers=key).status_code == 200
    assert run_job("forget_old_idempotency_keys", timezone.now() + timedelta(days=6)) == 0
    assert run_job("forget_old_idempotency_keys", timezone.now() + timedelta(days=8)) == 1
    # A week later the key is a new request: the move is already made, so 409.
    assert people["specialist"].post(path, {"amount": 8000}, headers=key).status_code == 409
