"""GET /api/v1/plans and /api/v1/plans/{id}."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from motcua.plans import services
from motcua.plans.models import TaskStatus
from tests.dossiers.world import local


@pytest.fixture
def world(plan_world):
    return plan_world


def test_an_officer_lists_the_plans_they_read(world, plan, as_user):
    listed = as_user(world["police_specialist"]).get("/plans")
    assert listed.status_code == 200
    assert [p["name"] for p in listed.json()] == [plan.name]
    assert listed.json()[0]["owner"]["electronic_id"] == world.committee.electronic_id
    assert as_user(world["specialist2"]).get("/plans").json() == []


def test_a_plan_shows_its_progress_and_overdue_tasks(world, plan, as_user):
    free = plan.targets.get(indicator="")
    services.enter_value(target=free, value=42, by=world["approver"])
    services.update_task(task=plan.tasks.get(), status=TaskStatus.IN_PROGRESS, note="Bắt đầu",
                         uploads=[], by=world["police_specialist"])  # fmt: skip
    with time_machine.travel(local(2026, 7, 2, 9, 0), tick=False):
        body = as_user(world["city_leader"]).get(f"/plans/{plan.pk}").json()
    assert body["progress"] == {"as_of": "2026-07-02", "targets_met": 1, "targets_total": 2,
                                "tasks_done": 0, "tasks_total": 1, "tasks_overdue": 1}  # fmt: skip
    index_target, measure = body["targets"]
    assert index_target["indicator"] == "2.1" and index_target["state"] == "no_data"
    [unit] = index_target["units"]
    assert unit["agency"]["electronic_id"] == world.committee.electronic_id
    assert unit["ratio"] is None and unit["period"]
    assert measure["state"] == "met" and measure["current_value"] == "42.00"
    [task] = body["tasks"]
    assert task["overdue"] is True and task["status"] == "in_progress"
    assert date.fromisoformat(task["due_on"]) == date(2026, 6, 30)


def test_a_plan_not_visible_is_404(world, plan, as_user):
    for path in (f"/plans/{plan.pk}", "/plans/999999", "/plans/0", "/plans/99999999999999999999"):
        response = as_user(world["specialist2"]).get(path)
        assert response.status_code in (404, 422), path
        assert response.json()["detail"]
    assert as_user(world["specialist2"]).get(f"/plans/{plan.pk}").status_code == 404
    assert as_user(world["citizen"]).get("/plans").status_code == 403
