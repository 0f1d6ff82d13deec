"""The hot queries read the dossier table through their indexes, in their order, on both
databases: the plan of the very queryset each screen uses (tests/plans.py says how)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from motcua.backoffice.ledger import ledger_dossiers
from motcua.dossiers.access import visible_dossiers
from motcua.dossiers.late import RUNNING
from motcua.dossiers.models import CLOCK_IS_RUNNING, CLOCK_STATUSES, Dossier
from motcua.dossiers.selectors import (
    INBOX_ORDER,
    Box,
    InboxRows,
    dossier_detail,
    inbox,
    inbox_ranges,
    my_dossiers,
    public_lookup,
)
from motcua.dossiers.services import accept_dossier, forward_dossier
from motcua.dossiers.workflow import Status
from motcua.identity.models import OneStopDesk, User
from tests.plans import plan_of, plan_of_sql

from .world import local

DOSSIERS = "dossiers_dossier"


@pytest.fixture
def moving(world):
    """A few dossiers at each stage: new, waiting in the specialists' pool, held."""
    at = local(2026, 11, 23, 8, 0)
    for _ in range(3):
        world.submit(at=at)
    for _ in range(3):
        dossier = accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
        forward_dossier(dossier=dossier, officer=world["receiver"], at=at)
    return world


def _by_code(plan):
    # SQLite keeps a unique constraint inside the table, as an automatic index.
    return plan.uses("dossier_code_unique") or any(
        step.startswith("SEARCH dossiers_dossier USING INDEX sqlite_autoindex")
        and "(code=?)" in step
        for step in plan.steps
    )


def _page(queryset):
    return queryset[:25]


def _ranges_read(queryset):
    """A page's read of one range: its ids in the inbox order, as ``InboxRows`` reads it."""
    return queryset.order_by(*INBOX_ORDER).values("id", "due_at", "submitted_at")[:25]


@pytest.fixture
def desk_receiver(moving):
    """A receiver at a desk that serves two units: every box reads two units' ranges."""
    OneStopDesk.objects.get().agencies.add(moving.police)
    return User.objects.get(pk=moving["receiver"].pk)  # no cached scope


@pytest.mark.parametrize(
    ("who", "box", "index"),
    [
        ("specialist", Box.MINE, "dossier_inbox_mine"),
        ("receiver", Box.NEW, "dossier_inbox_new"),
        ("desk_receiver", Box.NEW, "dossier_inbox_new"),
        ("police_specialist", Box.POOL, "dossier_inbox_pool"),
        ("desk_receiver", Box.POOL, "dossier_inbox_pool"),
    ],
)
def test_each_range_of_a_box_is_read_in_order_from_its_index(
    moving, desk_receiver, who, box, index
):
    user = desk_receiver if who == "desk_receiver" else moving[who]
    ranges = inbox_ranges(user, box)
    assert ranges
    for queryset in ranges:
        plan = plan_of(_ranges_read(queryset), keep_order=True)
        assert plan.uses(index), plan
        assert not plan.scans(DOSSIERS), plan
        assert not plan.sorts, plan


def test_the_all_tab_reads_each_unit_in_order_from_its_index(moving, desk_receiver):
    """Per unit: its own dossiers, then those it holds for another unit, each in order; the
    ones reached through hand-over events and consultations come from those indexes."""
    *ordered, earlier = inbox_ranges(desk_receiver, Box.ALL)
    assert len(ordered) == 4  # two units, two ranges each
    for queryset, index in zip(
        ordered, ["dossier_all_agency"] * 2 + ["dossier_all_held"] * 2, strict=True
    ):
        plan = plan_of(_ranges_read(queryset), keep_order=True)
        assert plan.uses(index), plan
        assert not plan.scans(DOSSIERS), plan
        assert not plan.sorts, plan
    plan = plan_of(_ranges_read(earlier))
    assert plan.uses("event_to_agency"), plan
    assert not plan.scans(DOSSIERS), plan


@pytest.mark.parametrize("box", [Box.MINE, Box.POOL, Box.NEW, Box.CONSULT, Box.ALL])
@pytest.mark.parametrize("who", ["specialist", "desk_receiver"])
def test_a_page_and_a_capped_count_of_every_box_never_read_the_dossier_table(
    moving, desk_receiver, who, box
):
    rows = InboxRows.of(desk_receiver if who == "desk_receiver" else moving[who], box)
    if not rows._compiled:
        assert (who, box) == ("specialist", Box.NEW)  # a specialist has no desk
        return
    for sql, params in (rows[25:50].page_query(), rows[:1000].count_query()):
        plan = plan_of_sql(sql, params)
        assert not plan.scans(DOSSIERS), plan
        assert any(step.startswith(("SEARCH", "Index", "Bitmap")) for step in plan.steps)


def test_the_all_tab_counts_from_its_indexes_alone(moving):
    """Counting a unit's dossiers reads the index, not the rows (index-only on PostgreSQL)."""
    rows = InboxRows.of(moving["specialist"], Box.ALL)
    plan = plan_of_sql(*rows[:1000].count_query())
    if connection.vendor == "postgresql":
        # Which of the unit's indexes PostgreSQL picks, and whether it can skip the rows, turn
        # on the table's statistics and visibility map, which the suite's earlier tests (rolled
        # back) leave behind: alone it reads dossier_all_agency index-only, after a few hundred
        # tests sometimes the agency's other index. Either way an index range, never the table.
        assert not plan.scans(DOSSIERS), plan
        assert any(
            s.startswith(("Index Only Scan", "Index Scan", "Bitmap Index Scan"))
            and "dossiers_dossier" in s
            for s in plan.steps
        ), plan
    else:
        assert plan.uses("dossier_all_agency"), plan
        assert any("COVERING INDEX dossier_all_agency" in s for s in plan.steps), plan


def test_the_inbox_rows_come_in_due_order_with_undated_ones_last(moving):
    rows = list(inbox(moving["receiver"], Box.NEW)) + list(inbox(moving["specialist"], Box.MINE))
    dated = [d.due_at for d in rows if d.due_at is not None]
    assert dated == sorted(dated)
    mine = list(inbox(moving["specialist"], Box.MINE))
    assert mine and all(d.handler == moving["specialist"] for d in mine)


def test_a_dossier_is_opened_by_its_code(moving):
    code = Dossier.objects.values_list("code", flat=True).first()
    detail = dossier_detail(moving["specialist"], code)
    assert detail is not None and detail.code == code
    queryset = Dossier.objects.filter(code=code)
    plan = plan_of(visible_dossiers(moving["specialist"]).filter(code=code))
    assert _by_code(plan), plan
    assert not plan.scans(DOSSIERS), plan
    assert _by_code(plan_of(queryset))


def test_the_public_lookup_reads_one_dossier_by_its_code(moving, django_assert_max_num_queries):
    dossier = Dossier.objects.first()
    with django_assert_max_num_queries(1):  # with all that the answer shows
        found = public_lookup(dossier.code, dossier.applicant_phone)
        assert found == dossier
        assert found.version.procedure.code and found.version.name and found.agency.name
    # The dossier row is found by its code; the joins to its version and agency are by primary
    # key. (Planned with the joins, PostgreSQL's estimates on a tiny unanalysed table sometimes
    # start from the agency and reach the dossier through another index, which a large table
    # never does, so the dossier part is planned on its own.)
    plan = plan_of(Dossier.objects.filter(code=dossier.code))
    assert _by_code(plan), plan
    assert not plan.scans(DOSSIERS), plan


def test_my_dossiers_are_read_newest_first_from_their_index(moving):
    plan = plan_of(_page(my_dossiers(moving["citizen"])), keep_order=True)
    assert plan.uses("dossier_my_dossiers"), plan
    assert not plan.scans(DOSSIERS), plan
    assert not plan.sorts, plan


def test_the_periodic_jobs_find_their_dossiers_through_partial_indexes(moving):
    assert sorted(RUNNING) == CLOCK_STATUSES
    due = Dossier.objects.filter(CLOCK_IS_RUNNING, due_at__isnull=False).filter(
        due_at__lte=timezone.now()
    )
    assert plan_of(due).uses("dossier_clock_due")
    expired = Dossier.objects.filter(
        status=Status.SUPPLEMENT_REQUESTED, supplement_deadline__lt=timezone.now()
    )
    assert plan_of(expired).uses("dossier_supplement_deadline")


def test_the_ledger_reads_a_units_days(moving):
    ledger = ledger_dossiers(moving["receiver"], date(2026, 11, 1), date(2026, 11, 30))
    # The dossier part is planned alone, as in the lookup test: with the joins, a tiny
    # unanalysed table may be reached from the version side instead (CI saw it once).
    plan = plan_of(ledger.select_related(None))
    assert plan.uses("dossier_agency_submitted"), plan
    assert not plan.scans(DOSSIERS), plan
