"""The demo plan: the ward's leader opens and edits it, the ward's one-stop officer updates a
task of his unit, one task is overdue, some are done with evidence."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from motcua.demo.plans import seed_demo_plans
from motcua.identity.models import User
from motcua.plans import rules, selectors
from motcua.plans.models import Plan, TaskStatus
from motcua.plans.tracking import Reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_units", verbosity=0)
    from motcua.demo.services import create_demo_accounts, load_demo_agencies

    load_demo_agencies()
    create_demo_accounts()


def _no_figures(agency, indicator, start, end):
    return Reading(None, None, None, f"{start}..{end}")


def test_the_demo_plan_has_the_articles_targets_and_tasks_of_every_kind(demo):
    today = date(2026, 12, 6)
    assert seed_demo_plans(today) == 1 and seed_demo_plans(today) == 0
    plan = Plan.objects.get()
    assert [t.indicator for t in plan.targets.all()] == ["3.1", "5.4", "4.2", "4.3", "2.1", ""]
    progress = selectors.plan_progress(plan, today, _no_figures)
    assert progress.tasks_overdue == 1 and progress.tasks_done == 2
    statuses = {t.status for t in plan.tasks.all()}
    assert statuses == {TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED}
    assert sum(t.evidence.count() for t in plan.tasks.all()) == 2
    leader = User.objects.get(username="lanhdao.hoankiem")
    assert rules.may_read(leader, plan) and rules.may(leader, "edit_plan", plan)
    desk = User.objects.get(username="motcua.hoankiem")
    assert rules.may_read(desk, plan)
    assert any(rules.may(desk, "update_task", t) for t in plan.tasks.all())
    police = User.objects.get(username="chuyenvien.conganhoankiem")
    assert rules.may_read(police, plan)
    assert selectors.visible_plans(User.objects.get(username="lanhdao.badinh")).exists()


def test_the_demo_leader_edits_and_the_desk_officer_updates_through_the_pages(
    demo, client, settings
):
    from django.urls import reverse

    settings.OFFICER_2FA_REQUIRED = False
    seed_demo_plans()
    plan = Plan.objects.get()
    client.force_login(User.objects.get(username="lanhdao.hoankiem"))
    page = client.get(reverse("backoffice:plan", args=[plan.pk]))
    assert page.status_code == 200 and "Sửa kế hoạch" in page.content.decode()
    assert client.get(reverse("backoffice:plan-edit", args=[plan.pk])).status_code == 200
    desk = User.objects.get(username="motcua.hoankiem")
    client.force_login(desk)
    task = next(t for t in plan.tasks.all() if rules.may(desk, "update_task", t))
    url = reverse("backoffice:plan-task-update", args=[plan.pk, task.pk])
    assert client.post(url, {"status": "done", "note": "Xong."}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.updated_by == desk
    assert client.get(reverse("backoffice:plan-edit", args=[plan.pk])).status_code == 403
