import threading

import pytest
from django.db import connection, connections

from motcua.core.models import OutboxMessage
from motcua.dossiers.models import Dossier, LateMark
from motcua.dossiers.services import (
    accept_dossier,
    claim_dossier,
    decide_dossier,
    forward_dossier,
    issue_apology,
    mark_late_dossiers,
    return_result,
)
from motcua.dossiers.workflow import Status, WorkflowError

from .world import build_world, local


def test_a_3_in_1_dossier_runs_its_children_at_three_agencies(world):
    at = local(2026, 11, 23, 8, 0)
    parent = world.submit("2.000003", at=at)
    accept_dossier(dossier=parent, officer=world["receiver"], at=at)
    parent.refresh_from_db()
    assert parent.status == Status.PROCESSING
    children = {c.version.procedure.code: c for c in parent.children.all()}
    assert set(children) == {"1.000001", "1.000002", "H26-BHYT-01"}
    assert children["1.000002"].agency == world.police
    assert children["H26-BHYT-01"].agency == world.health_insurance
    assert children["1.000002"].code.startswith("000.01.98.H26-261123-")
    assert all(c.due_at == parent.due_at for c in children.values())
    with pytest.raises(WorkflowError, match="chờ các hồ sơ con"):
        forward_dossier(dossier=parent, officer=world["receiver"])
    # Each child runs its own steps in its own agency.
    for code, (specialist, approver) in {
        "1.000001": ("specialist", "approver"),
        "1.000002": ("police_specialist", "police_approver"),
        "H26-BHYT-01": ("bhxh_specialist", "bhxh_approver"),
    }.items():
        child = Dossier.objects.get(pk=children[code].pk)
        assert child.handler == world[specialist]
        forward_dossier(dossier=child, officer=world[specialist])
        parent.refresh_from_db()
        assert parent.status == Status.PROCESSING
        decide_dossier(
            dossier=Dossier.objects.get(pk=child.pk), officer=world[approver], approve=True
        )
    parent.refresh_from_db()
    assert parent.status == Status.DECIDED
    assert parent.handler == world["receiver"]
    timeline = [e.action for e in parent.events.all()]
    assert timeline.count("child_update") == 3
    return_result(dossier=parent, officer=world["receiver"], method="online")
    assert set(parent.children.values_list("status", flat=True)) == {Status.RETURNED}


def test_the_citizen_is_told_once_not_once_per_child(world):
    parent = world.submit("2.000003")
    accept_dossier(dossier=parent, officer=world["receiver"])
    emails = OutboxMessage.objects.filter(channel="email", recipient="an@example.vn")
    assert emails.count() == 2  # submitted, accepted


def test_late_marks_are_set_once_and_the_handler_is_told(world):
    at = local(2026, 11, 23, 8, 0)
    dossier = world.submit(at=at)
    accept_dossier(dossier=dossier, officer=world["receiver"], at=at)  # due 17:00
    report = mark_late_dossiers(local(2026, 11, 23, 10, 0))
    assert report.due_soon == 1
    assert Dossier.objects.get().late_mark == LateMark.DUE_SOON
    assert mark_late_dossiers(local(2026, 11, 23, 11, 0)).due_soon == 0  # told once
    assert mark_late_dossiers(local(2026, 11, 23, 17, 30)).overdue == 1
    assert Dossier.objects.get().late_mark == LateMark.OVERDUE
    told = OutboxMessage.objects.filter(channel="email", recipient="motcua@example.vn")
    assert told.count() == 2


def test_an_apology_moves_the_appointment_and_tells_the_citizen(world):
    at = local(2026, 11, 23, 8, 0)
    dossier = world.submit(at=at)
    accept_dossier(dossier=dossier, officer=world["receiver"], at=at)
    with pytest.raises(WorkflowError, match="sau ngày hẹn"):
        issue_apology(
            dossier=dossier,
            officer=world["receiver"],
            reason="Chờ xác minh",
            new_due_at=local(2026, 11, 23, 12, 0),
            at=local(2026, 11, 23, 9, 0),
        )
    issue_apology(
        dossier=dossier,
        officer=world["receiver"],
        reason="Chờ xác minh",
        new_due_at=local(2026, 11, 26, 17, 0),
        at=local(2026, 11, 23, 9, 0),
    )
    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 11, 26, 17, 0)
    assert dossier.original_due_at == local(2026, 11, 23, 17, 0)
    sms = OutboxMessage.objects.filter(channel="sms").order_by("-id").first()
    assert "26/11/2026" in sms.payload["text"] and "xin lỗi" in sms.payload["text"]


def test_an_apology_after_the_due_date_is_refused(world):
    at = local(2026, 11, 23, 8, 0)
    dossier = world.submit(at=at)
    accept_dossier(dossier=dossier, officer=world["receiver"], at=at)
    with pytest.raises(WorkflowError, match="trước ngày hẹn"):
        issue_apology(
            dossier=dossier,
            officer=world["receiver"],
            reason="x",
            new_due_at=local(2026, 11, 30, 17, 0),
            at=local(2026, 11, 23, 18, 0),
        )


def test_claiming_from_the_pool_gives_exactly_one_handler(world):
    at = local(2026, 11, 23, 8, 0)
    dossier = world.submit(at=at)
    claim_dossier(dossier=dossier, officer=world["receiver"])
    with pytest.raises(WorkflowError):
        claim_dossier(dossier=Dossier.objects.get(), officer=world["receiver"])


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_codes():
    world = build_world()
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Shared-cache memory databases lock whole tables without waiting; the file database
        # the platform runs on serialises writers with BEGIN IMMEDIATE instead.
        pytest.skip("concurrency is checked on PostgreSQL (CI) and on the SQLite file database")
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def submit() -> None:
        try:
            barrier.wait()
            codes.append(world.submit(at=local(2026, 11, 23, 9, 0)).code)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(codes) == [f"000.01.99.H26-261123-{n:04d}" for n in range(1, 9)]


def test_the_late_and_supplement_jobs_are_registered_for_the_scheduler():
    from motcua.core.jobs import registered_jobs

    names = {job.name for job in registered_jobs()}
    assert {"mark_late_dossiers", "refuse_expired_supplements"} <= names
