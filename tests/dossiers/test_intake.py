import re
import threading

import pytest
import time_machine
from django.db import connection, transaction

from motcua.core.models import OutboxMessage
from motcua.dossiers.codes import next_dossier_code
from motcua.dossiers.models import Dossier, DossierCodeSequence
from motcua.dossiers.services import (
    accept_dossier,
    provide_supplement,
    refuse_dossier,
    refuse_expired_supplements,
    request_supplement,
)
from motcua.dossiers.workflow import Status, WorkflowError

from .world import local


def test_submitting_creates_status_1_with_a_code_of_the_agency_and_day(world):
    dossier = world.submit(at=local(2026, 11, 23, 9, 0))
    assert dossier.status == Status.SUBMITTED
    assert dossier.code == "000.01.99.H26-261123-0001"
    assert re.fullmatch(r"[0-9A-Z.]+-\d{6}-\d{4}", dossier.code)
    assert [e.action for e in dossier.events.all()] == ["submit"]


def test_codes_count_per_agency_and_restart_each_day(world):
    first = world.submit(at=local(2026, 11, 23, 9, 0))
    second = world.submit(at=local(2026, 11, 23, 9, 5))
    other = world.submit(agency=world.committee2, at=local(2026, 11, 23, 9, 6))
    next_day = world.submit(at=local(2026, 11, 24, 9, 0))
    assert [first.code[-4:], second.code[-4:]] == ["0001", "0002"]
    assert other.code == "000.02.99.H26-261123-0001"
    assert next_day.code == "000.01.99.H26-261124-0001"


@pytest.mark.django_db(transaction=True)
def test_a_code_takes_one_statement_whether_the_day_has_begun_or_not(
    world, django_assert_num_queries
):
    day = local(2026, 11, 25, 9, 0).date()
    codes = []
    for _ in range(2):  # the day's counter is created, then incremented
        with transaction.atomic(), django_assert_num_queries(1):
            codes.append(next_dossier_code(world.committee, day))
    assert [c[-4:] for c in codes] == ["0001", "0002"]
    assert DossierCodeSequence.objects.get(agency=world.committee, day=day).last == 2


def test_it_refuses_an_agency_that_does_not_handle_the_procedure(world):
    with pytest.raises(WorkflowError, match="không giải quyết thủ tục này"):
        world.submit(agency=world.police)
    assert not Dossier.objects.exists()


def test_it_refuses_answers_that_do_not_fit_the_form(world):
    with pytest.raises(WorkflowError):
        world.submit(data={})
    assert not Dossier.objects.exists()


def test_a_crash_mid_submission_leaves_no_dossier_and_no_message_and_skips_its_number(
    world, monkeypatch
):
    first = world.submit(at=local(2026, 11, 23, 9, 0))

    def boom(*args, **kwargs):
        raise RuntimeError("crash")

    monkeypatch.setattr("motcua.dossiers.followups.notify_applicant", boom)
    with pytest.raises(RuntimeError):
        world.submit(at=local(2026, 11, 23, 9, 1))
    assert list(Dossier.objects.all()) == [first]
    assert OutboxMessage.objects.count() == 3  # the first dossier's: e-mail, SMS, sync
    monkeypatch.undo()
    # The crashed submission's number was taken before its transaction (ADR 0010): it is
    # skipped, never handed out again.
    assert world.submit(at=local(2026, 11, 23, 9, 2)).code.endswith("-0003")


@pytest.mark.django_db(transaction=True)
def test_a_submission_does_not_hold_its_units_code_counter_while_it_runs(world, monkeypatch):
    """While one submission is inside its transaction, another to the same unit goes through:
    the counter row is locked for one statement only. (SQLite has one writer at a time.)"""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writing transactions; the row lock is PostgreSQL's")
    from motcua.dossiers import followups

    inside, release = threading.Event(), threading.Event()
    real_notify = followups.notify_applicant

    def held(dossier, event):
        if dossier.data.get("ho_ten_tre") == "Bé chờ":
            inside.set()
            assert release.wait(30)
        real_notify(dossier, event)

    monkeypatch.setattr(followups, "notify_applicant", held)
    codes: list[str] = []

    def slow_submission():
        codes.append(world.submit(data={"ho_ten_tre": "Bé chờ"}).code)
        connection.close()

    first = threading.Thread(target=slow_submission)
    first.start()
    try:
        assert inside.wait(30)
        done = threading.Thread(target=lambda: (codes.append(world.submit().code),
                                                connection.close()))  # fmt: skip
        done.start()
        done.join(timeout=15)
        assert not done.is_alive(), "the second submission waited for the first one's commit"
    finally:
        release.set()
        first.join(timeout=30)
    assert sorted(c[-4:] for c in codes) == ["0001", "0002"]
    assert Dossier.objects.count() == 2


def test_submission_queues_email_sms_and_the_national_portal_sync(world):
    dossier = world.submit(at=local(2026, 11, 23, 9, 0))
    channels = sorted(OutboxMessage.objects.values_list("channel", flat=True))
    assert channels == ["email", "national_portal", "sms"]
    sync = OutboxMessage.objects.get(channel="national_portal").payload
    assert sync["MaHoSo"] == dossier.code
    assert sync["TrangThaiHoSo"] == "1"
    assert sync["NgayNopHoSo"] == "20261123090000"
    assert sync["KenhThucHien"] == "2"


def test_accepting_sets_the_appointment_from_the_working_calendar(world):
    dossier = world.submit(at=local(2026, 11, 23, 9, 0))
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 10, 0))
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED
    assert dossier.due_at == local(2026, 11, 24, 10, 0)  # one working day
    assert dossier.handler == world["receiver"]


def test_a_receipt_after_the_cutoff_counts_from_the_next_working_day(world):
    dossier = world.submit(at=local(2026, 11, 27, 15, 30))  # a Friday
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 27, 15, 30))
    dossier.refresh_from_db()
    assert dossier.counting_from == local(2026, 11, 30, 8, 0)  # Monday morning
    assert dossier.due_at == local(2026, 11, 30, 17, 0)


def test_only_a_receiver_of_the_agency_can_accept(world):
    dossier = world.submit()
    for someone in ("specialist", "receiver2", "citizen"):
        with pytest.raises(WorkflowError):
            accept_dossier(dossier=dossier, officer=world[someone])
    assert Dossier.objects.get().status == Status.SUBMITTED


def test_refusing_needs_reasons_and_closes_the_dossier(world):
    dossier = world.submit()
    with pytest.raises(WorkflowError, match="lý do"):
        refuse_dossier(dossier=dossier, officer=world["receiver"], reasons=["  "])
    refuse_dossier(dossier=dossier, officer=world["receiver"], reasons=["Không thuộc thẩm quyền"])
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert dossier.handler is None and dossier.closed_at is not None
    assert dossier.events.last().details == {"reasons": ["Không thuộc thẩm quyền"]}


def test_a_supplement_is_asked_once_and_pauses_the_clock(world):
    dossier = world.submit(at=local(2026, 11, 23, 8, 0))
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 8, 0))
    request_supplement(
        dossier=dossier,
        officer=world["receiver"],
        at=local(2026, 11, 23, 9, 0),
        items=[{"name": "Giấy chứng sinh", "reason": "Ảnh mờ"}],
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    provide_supplement(dossier=dossier, by=world["citizen"], at=local(2026, 11, 24, 9, 0))
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED
    # Eight working hours waited, so the due date moved by one working day.
    assert dossier.due_at == local(2026, 11, 24, 17, 0)
    with pytest.raises(WorkflowError, match="một lần"):
        request_supplement(dossier=dossier, officer=world["receiver"], items=[{"name": "Tờ khai"}])


def test_a_supplement_at_intake_returns_the_dossier_to_the_desk(world):
    dossier = world.submit()
    request_supplement(dossier=dossier, officer=world["receiver"], items=[{"name": "Tờ khai"}])
    provide_supplement(dossier=dossier, by=world["citizen"])
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_another_citizen_cannot_supply_the_supplement(world):
    dossier = world.submit()
    request_supplement(dossier=dossier, officer=world["receiver"], items=[{"name": "Tờ khai"}])
    with pytest.raises(WorkflowError):
        provide_supplement(dossier=dossier, by=world["other_citizen"])


def test_the_dossier_is_refused_when_the_supplement_deadline_passes(world):
    dossier = world.submit(at=local(2026, 11, 23, 9, 0))
    request_supplement(
        dossier=dossier,
        officer=world["receiver"],
        items=[{"name": "Tờ khai"}],
        at=local(2026, 11, 23, 9, 0),
        deadline=local(2026, 11, 25, 17, 0),
    )
    assert refuse_expired_supplements(local(2026, 11, 25, 16, 0)) == 0
    assert refuse_expired_supplements(local(2026, 11, 25, 17, 1)) == 1
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert dossier.events.last().action == "auto_refuse"
    assert refuse_expired_supplements(local(2026, 11, 26, 9, 0)) == 0


def test_time_machine_is_available_for_now_based_checks(world):
    with time_machine.travel(local(2026, 11, 23, 9, 0), tick=False):
        dossier = world.submit()
    assert dossier.submitted_at == local(2026, 11, 23, 9, 0)
