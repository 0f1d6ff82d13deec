"""The live operational figures, from dossiers and feedback made through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.services import mark_late_dossiers
from motcua.feedback import services as feedback_services
from motcua.feedback.models import ItemChannel, Topic
from motcua.reporting.index import subtrees
from motcua.reporting.operations import (
    city_agency,
    late_rows,
    operations,
    summary_rows,
)
from tests.dossiers.world import build_world, local
from tests.plans import plan_of

from .helpers import accepted, decided, with_city

MONDAY_8 = local(2026, 11, 23, 8, 0)


@pytest.fixture
def world(db, settings):
    """The lifecycle world with a city on top (helpers.with_city)."""
    settings.OFFICER_2FA_REQUIRED = False
    world = build_world()
    world.city = with_city(world)
    return world


def test_the_city_is_the_provinces_peoples_committee_at_the_top(world):
    assert city_agency() == world.city
    trees = subtrees([world.city, world.committee])
    assert trees[world.committee.pk] == {world.committee.pk}
    assert trees[world.city.pk] >= {world.city.pk, world.committee.pk, world.committee2.pk}
    assert world.police.pk not in trees[world.city.pk]  # not under the city in this world


def test_received_today_and_this_month_come_per_unit_and_add_up_under_the_city(world):
    accepted(world, local(2026, 10, 30, 9, 0))  # last month: carried over, in process
    accepted(world, local(2026, 11, 2, 9, 0))
    accepted(world, MONDAY_8)
    accepted(world, MONDAY_8 + timedelta(minutes=5), agency=world.committee2)
    found = operations(
        [world.committee, world.committee2, world.land_dept], now=MONDAY_8 + timedelta(hours=1)
    )
    first, second, land = found.rows
    assert (first.received_today, first.received_month, first.in_process) == (1, 2, 3)
    assert (second.received_today, second.received_month, second.in_process) == (1, 1, 1)
    assert (land.received_month, land.in_process, land.overdue) == (0, 0, 0)
    assert found.rows[0].online_rate == Decimal("100.0")  # the world submits online
    city = operations([world.city], now=MONDAY_8 + timedelta(hours=1))
    assert (city.total.received_today, city.total.received_month, city.total.in_process) == (
        2,
        3,
        4,
    )
    assert city.rows[0].received_month == 3


def test_the_months_on_time_rate_counts_resolved_dossiers(world):
    on_time = local(2026, 11, 2, 8, 0)
    decided(world, on_time, on_time + timedelta(hours=3))
    late = decided(world, local(2026, 11, 3, 8, 0), local(2026, 11, 20, 9, 0))
    assert late.due_at < local(2026, 11, 20, 9, 0)
    [row] = operations([world.committee], now=MONDAY_8).rows
    assert (row.resolved_month, row.in_time_month, row.on_time_rate) == (2, 1, Decimal("50.0"))
    assert row.in_process == 0


def test_overdue_now_and_due_soon_follow_the_appointment(world):
    late = accepted(world, local(2026, 11, 16, 9, 0))
    soon = accepted(world, MONDAY_8)
    accepted(world, MONDAY_8, agency=world.committee2)
    now = soon.due_at - timedelta(hours=1)
    assert late.due_at < now
    first, second = operations([world.committee, world.committee2], now=now).rows
    assert (first.overdue, first.due_soon) == (1, 1)
    assert (second.overdue, second.due_soon) == (0, 1)
    # the same dossiers the periodic check marks
    assert mark_late_dossiers(now).overdue == 1
    after = operations([world.city], now=soon.due_at + timedelta(minutes=1)).total
    assert after.overdue == 3  # both wards


def test_the_feedback_backlog_counts_open_items_and_those_past_their_deadline(world):
    topic, _ = Topic.objects.get_or_create(code="chieu-sang", defaults={"name": "Chiếu sáng"})
    item = feedback_services.submit_feedback(
        topic=topic, title="Đèn hỏng", body="Đèn trước ngõ 5 tắt.", channel=ItemChannel.PORTAL,
        sender=world["citizen"], ward=world.ward, at=MONDAY_8,
    )  # fmt: skip
    assert item.agency == world.committee and item.due_at
    before = operations([world.city], now=MONDAY_8 + timedelta(minutes=1)).total
    assert (before.feedback_open, before.feedback_overdue) == (1, 0)
    after = operations([world.city], now=item.due_at + timedelta(minutes=1)).rows[0]
    assert (after.feedback_open, after.feedback_overdue) == (1, 1)


def test_the_figures_cost_the_same_few_queries_however_many_units(world):
    accepted(world, local(2026, 10, 30, 9, 0))
    accepted(world, MONDAY_8)
    counts = []
    for units in ([world.committee], [world.city, world.committee, world.committee2]):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            operations(units, now=MONDAY_8)
        counts.append(len(queries))
    # the agency tree, this month's summary, the earlier days' (then cached), the working
    # calendar's version, the late dossiers, the feedback backlog
    assert counts == [6, 6]
    with CaptureQueriesContext(connection) as queries:
        operations([world.city, world.committee, world.committee2], now=MONDAY_8)
    assert len(queries) == 5


def test_the_late_and_summary_reads_go_through_their_indexes(world):
    accepted(world, MONDAY_8)
    ids = subtrees([world.city])[world.city.pk]
    assert plan_of(late_rows(MONDAY_8)).uses("dossier_clock_due")
    plan = plan_of(summary_rows(ids, MONDAY_8.date(), MONDAY_8.date().replace(day=1)))
    # SQLite names the unique constraint's index itself
    assert plan.uses("daily_summary_unique") or plan.uses(
        "sqlite_autoindex_dossiers_dailysummary_1"
    ), plan
    assert not plan.scans("dossiers_dailysummary"), plan
