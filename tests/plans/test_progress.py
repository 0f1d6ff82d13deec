"""A plan's progress: index targets against each unit's figure, free measures, overdue tasks
(motcua.plans.selectors). The index's figures are given here; tests/plans/test_tracking.py
reads them from the real index."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from motcua.plans import selectors, services
from motcua.plans.models import TaskStatus
from motcua.plans.selectors import TargetState
from motcua.plans.tracking import Reading


def reader(ratios, calls=None):
    def read(agency, indicator, start, end):
        if calls is not None:
            calls.append((agency.pk, indicator, start, end))
        ratio = ratios.get(agency.pk)
        return Reading(None if ratio is None else Decimal(ratio), None, None, f"{start}..{end}")

    return read


def _progress(world, plan, today, ratios, calls=None):
    plan = selectors.plan_for(world["approver"], plan.pk)
    return selectors.plan_progress(plan, today, reader(ratios, calls))


def test_an_index_target_is_met_when_every_unit_meets_it(world, plan):
    target = plan.targets.get(indicator="2.1")
    target.agencies.set([world.committee, world.committee2])
    today = date(2026, 5, 10)
    calls: list = []
    progress = _progress(world, plan, today, {world.committee.pk: 97, world.committee2.pk: 90},
                         calls)  # fmt: skip
    first = progress.targets[0]
    assert first.state == TargetState.NOT_MET and first.label == "Chưa đạt"
    assert [u.met for u in first.units] == [True, False]
    # The period runs from the plan's start to today (the deadline is later).
    assert {(c[2], c[3]) for c in calls} == {(date(2026, 1, 1), today)}
    met = _progress(world, plan, today, {world.committee.pk: 97, world.committee2.pk: 95})
    assert met.targets[0].state == TargetState.MET and met.targets_met == 1


def test_no_figure_means_no_data_until_the_deadline_then_overdue(world, plan):
    assert _progress(world, plan, date(2026, 5, 10), {}).targets[0].state == TargetState.NO_DATA
    late = _progress(world, plan, date(2027, 1, 5), {world.committee.pk: 80}).targets[0]
    assert late.state == TargetState.OVERDUE and late.label == "Quá hạn"


def test_after_the_deadline_the_period_stops_at_the_deadline(world, plan):
    calls: list = []
    _progress(world, plan, date(2027, 3, 1), {world.committee.pk: 99}, calls)
    assert {c[3] for c in calls} == {date(2026, 12, 31)}


def test_an_at_most_target_is_met_below_its_value(world, plan):
    target = plan.targets.get(indicator="2.1")
    target.comparison, target.value = "at_most", Decimal(5)
    target.save()
    assert _progress(world, plan, date(2026, 5, 1), {world.committee.pk: 3}).targets[0].met


def test_a_free_measure_shows_its_entered_value(world, plan):
    free = plan.targets.get(indicator="")
    assert _progress(world, plan, date(2026, 5, 1), {}).targets[1].state == TargetState.NO_DATA
    services.enter_value(target=free, value=Decimal(41), by=world["approver"])
    assert _progress(world, plan, date(2026, 5, 1), {}).targets[1].state == TargetState.MET


def test_a_task_past_due_and_not_done_is_overdue(world, plan):
    services.add_task(plan=plan, by=world["approver"], fields=services.TaskFields(
        name="Tập huấn", owner=world.committee, due_on=date(2026, 3, 1)))  # fmt: skip
    progress = _progress(world, plan, date(2026, 7, 1), {})
    assert [t.overdue for t in progress.tasks] == [True, True]
    assert progress.tasks_overdue == 2
    police, training = plan.tasks.all()
    services.update_task(task=police, status=TaskStatus.DONE, note="Xong", uploads=[],
                         by=world["police_specialist"])  # fmt: skip
    services.update_task(task=training, status=TaskStatus.CANCELLED, note="Bỏ", uploads=[],
                         by=world["approver"])  # fmt: skip
    progress = _progress(world, plan, date(2026, 7, 1), {})
    assert progress.tasks_overdue == 0 and progress.tasks_done == 1
    assert len(progress.tasks_counted) == 1


def test_a_figure_is_read_once_for_targets_sharing_it(world, plan):
    services.add_target(plan=plan, by=world["approver"], fields=services.TargetFields(
        name="Đúng hạn (nhắc lại)", indicator="2.1", value=Decimal(90),
        deadline=date(2026, 12, 31)))  # fmt: skip
    calls: list = []
    _progress(world, plan, date(2026, 5, 1), {world.committee.pk: 96}, calls)
    assert len(calls) == 1
