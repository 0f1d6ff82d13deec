"""Changing plans, targets and tasks (motcua.plans.services)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from motcua.demo.pdf import one_page_pdf
from motcua.dossiers.files import NewUpload
from motcua.plans import services
from motcua.plans.models import Plan, TaskEvidence, TaskStatus, TaskUpdate
from motcua.plans.services import PlanError, PlanFields, TargetFields, TaskFields


def test_a_leader_creates_a_plan_only_for_the_agency_they_lead(world):
    fields = PlanFields(name="Kế hoạch", reference="", starts_on=date(2026, 1, 1),
                        ends_on=date(2026, 12, 31), owner=world.police)  # fmt: skip
    with pytest.raises(PlanError) as refused:
        services.create_plan(fields=fields, by=world["approver"])
    assert refused.value.field == "owner"
    with pytest.raises(PlanError):
        services.create_plan(fields=fields, by=world["police_specialist"])
    assert services.create_plan(fields=fields, by=world["police_approver"]).owner == world.police
    assert Plan.objects.count() == 1


def test_a_period_that_ends_before_it_starts_is_refused(world):
    fields = PlanFields(name="Kế hoạch", reference="", starts_on=date(2026, 6, 1),
                        ends_on=date(2026, 1, 1), owner=world.committee)  # fmt: skip
    with pytest.raises(PlanError) as refused:
        services.create_plan(fields=fields, by=world["approver"])
    assert refused.value.field == "ends_on" and not Plan.objects.exists()


def test_index_targets_are_percentages_and_free_measures_need_a_unit(world, plan):
    bad = [
        (TargetFields(name="x", indicator="2.1", value=Decimal(120), deadline=date(2026, 12, 1)),
         "value"),
        (TargetFields(name="x", indicator="", value=Decimal(3), deadline=date(2026, 12, 1)),
         "unit_of_measure"),
        (TargetFields(name="x", indicator="2.1", value=Decimal(90), deadline=date(2025, 12, 1)),
         "deadline"),
    ]  # fmt: skip
    for fields, field in bad:
        with pytest.raises(PlanError) as refused:
            services.add_target(plan=plan, fields=fields, by=world["approver"])
        assert refused.value.field == field
    assert plan.targets.count() == 2
    with pytest.raises(PlanError):
        services.add_target(plan=plan, fields=bad[0][0], by=world["specialist"])


def test_targets_and_tasks_are_numbered_in_order(world, plan):
    task = services.add_task(
        plan=plan, by=world["approver"],
        fields=TaskFields(name="Tập huấn", owner=world.committee, due_on=date(2026, 3, 1)),
    )  # fmt: skip
    assert [t.position for t in plan.targets.all()] == [1, 2]
    assert task.position == 2


def test_the_task_owner_reports_with_a_note_and_evidence(world, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = plan.tasks.get()
    pdf = NewUpload(io.BytesIO(one_page_pdf("Biên bản")), name="bien-ban.pdf", key="files")
    services.update_task(task=task, status=TaskStatus.DONE, note="Đã số hóa 1.200 trang.",
                         uploads=[pdf], by=world["police_specialist"])  # fmt: skip
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_at is not None
    assert "Đã số hóa 1.200 trang." in task.notes
    [evidence] = task.evidence.all()
    assert (
        evidence.original_name == "bien-ban.pdf"
        and evidence.uploaded_by == world["police_specialist"]
    )
    last = task.updates.last()
    assert (last.from_status, last.to_status, last.details) == (
        TaskStatus.NOT_STARTED,
        TaskStatus.DONE,
        {"files": ["bien-ban.pdf"]},
    )


def test_a_refused_file_changes_nothing_and_leaves_no_file(world, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = plan.tasks.get()
    good = NewUpload(io.BytesIO(one_page_pdf("Biên bản")), name="a.pdf", key="files")
    bad = NewUpload(io.BytesIO(b"MZ not a pdf"), name="virus.exe", key="files")
    updates = TaskUpdate.objects.count()
    with pytest.raises(PlanError) as refused:
        services.update_task(task=task, status=TaskStatus.DONE, note="x", uploads=[good, bad],
                             by=world["police_specialist"])  # fmt: skip
    assert refused.value.field == "files" and "virus.exe" in refused.value.message
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED and not TaskEvidence.objects.exists()
    assert TaskUpdate.objects.count() == updates
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_an_officer_of_another_unit_cannot_update_the_task(world, plan):
    task = plan.tasks.get()
    with pytest.raises(PlanError):
        services.update_task(task=task, status=TaskStatus.DONE, note="", uploads=[],
                             by=world["specialist"])  # fmt: skip
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_an_update_that_changes_nothing_is_refused(world, plan):
    task = plan.tasks.get()
    with pytest.raises(PlanError):
        services.update_task(task=task, status=task.status, note="  ", uploads=[],
                             by=world["police_specialist"])  # fmt: skip


def test_a_free_measure_keeps_who_entered_its_value(world, plan):
    free = plan.targets.get(indicator="")
    services.enter_value(target=free, value=Decimal(25), by=world["approver"])
    free.refresh_from_db()
    assert free.current_value == Decimal(25) and free.current_value_by == world["approver"]
    assert free.current_value_at is not None
