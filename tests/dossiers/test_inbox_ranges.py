"""The inbox read as index ranges (access.visible_ranges, selectors.inbox_ranges and
InboxRows): the same dossiers as the one rule of who sees what, each once, in the inbox
order, a page at a time."""

from __future__ import annotations

import pytest
from django.db import connection

from motcua.dossiers.access import visible_dossiers, visible_ranges
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import Box, InboxRows, inbox, inbox_ranges
from motcua.dossiers.services import accept_dossier, consult_unit, forward_dossier
from motcua.identity.models import OneStopDesk, User

from .world import local

PEOPLE = ["receiver", "specialist", "land_specialist", "police_specialist", "receiver2"]


@pytest.fixture
def spread(world):
    """Dossiers each officer reaches a different way: their unit's own, held for another
    unit (a ward dossier forwarded to a city department), consulted on, another ward's;
    several dated, one new (undated), some due at the same time."""
    at = local(2026, 11, 23, 8, 0)
    for minute in range(4):
        world.submit(at=local(2026, 11, 23, 8, minute))
    for _ in range(3):
        dossier = accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
        forward_dossier(dossier=dossier, officer=world["receiver"], at=at)
    sent = accept_dossier(dossier=world.submit("1.000004", at=at), officer=world["receiver"])
    forward_dossier(dossier=sent, officer=world["receiver"])
    forward_dossier(dossier=sent, officer=world["specialist"], to_agency=world.land_dept)
    asked = Dossier.objects.filter(handler=world["specialist"]).first()
    consult_unit(dossier=asked, officer=world["specialist"], to_agency=world.police, question="?")
    world.submit(agency=world.committee2, at=at)
    OneStopDesk.objects.get().agencies.add(world.police)
    return world


def _fresh(world, name):
    return User.objects.get(pk=world[name].pk)  # the desk changed: no cached scope


def _order(dossiers):
    return sorted(dossiers, key=lambda d: (d.due_at is None, d.due_at, d.submitted_at, d.pk))


@pytest.mark.parametrize("name", PEOPLE)
def test_the_ranges_are_disjoint_and_together_what_the_officer_may_see(spread, name):
    user = _fresh(spread, name)
    ids = [pk for r in visible_ranges(user) for pk in r.values_list("pk", flat=True)]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(visible_dossiers(user).values_list("pk", flat=True))


def test_each_way_of_reaching_a_dossier_has_its_range(spread):
    land = visible_ranges(_fresh(spread, "land_specialist"))
    police = visible_ranges(_fresh(spread, "police_specialist"))
    assert [r.count() for r in land] == [0, 1, 0]  # held for the ward
    assert [r.count() for r in police] == [0, 0, 1]  # consulted


@pytest.mark.parametrize("box", [Box.MINE, Box.POOL, Box.NEW, Box.CONSULT, Box.ALL])
@pytest.mark.parametrize("name", PEOPLE)
def test_pages_follow_the_inbox_order_and_add_up_to_the_box(spread, name, box):
    user = _fresh(spread, name)
    expected = _order(inbox(user, box))
    rows = InboxRows.of(user, box)
    pages = [list(rows[start : start + 3]) for start in range(0, len(expected) + 3, 3)]
    assert [d.pk for page in pages for d in page] == [d.pk for d in expected]
    assert rows[:1000].count() == len(expected)
    assert rows[: max(len(expected) - 1, 0)].count() == max(len(expected) - 1, 0)


def test_a_search_narrows_every_range(spread):
    user = _fresh(spread, "receiver")
    code = Dossier.objects.filter(agency=spread.committee).first().code
    found = list(InboxRows.of(user, Box.ALL, q=code[-6:])[:25])
    assert [d.code for d in found] == [code]
    assert all(code[-6:] in d.code for r in inbox_ranges(user, Box.ALL, q=code[-6:]) for d in r)


def test_a_page_brings_its_related_rows_in_one_query(spread, django_assert_num_queries):
    user = _fresh(spread, "receiver")
    rows = InboxRows.of(user, Box.ALL)  # reads the officer's scope once
    with django_assert_num_queries(2):  # the page's ids, then those rows with their joins
        page = list(rows[:25])
    with django_assert_num_queries(0):
        assert all(str(d.version.procedure) and str(d.agency) for d in page)


def test_a_box_is_compiled_once_for_its_officer_and_scope(spread, monkeypatch):
    from motcua.dossiers import selectors
    from motcua.identity.models import OfficerRole

    selectors._COMPILED.clear()
    built = []
    real = selectors.inbox_ranges
    monkeypatch.setattr(selectors, "inbox_ranges", lambda *a, **k: built.append(a) or real(*a, **k))
    user = _fresh(spread, "police_specialist")
    first = [d.pk for d in InboxRows.of(user, Box.ALL)[:100]]
    assert first  # the dossier the police were consulted on
    again = InboxRows.of(_fresh(spread, "police_specialist"), Box.ALL)  # the next request's
    assert [d.pk for d in again[:100]] == first
    assert again[:1000].count() == len(first)
    assert [r["id"] for r in again[:100].values()] == first
    assert len(built) == 1  # the second request reused the compiled ranges
    # The role taken away: the scope, read afresh, is another key; the box empties at once.
    OfficerRole.objects.filter(user=user).delete()
    user = _fresh(spread, "police_specialist")
    assert [d.pk for d in InboxRows.of(user, Box.ALL)[:100]] == []
    assert InboxRows.of(user, Box.ALL)[:1000].count() == 0
    assert not visible_dossiers(user).exists()


def test_only_a_box_of_one_range_without_a_search_is_prepared(spread):
    """A box of one index range is planned alike for every officer, so its statements are
    prepared (planned once a connection on PostgreSQL); ``all``, several ranges and a search
    are planned at each read (issue 18)."""
    specialist, desk = _fresh(spread, "specialist"), _fresh(spread, "receiver")
    assert InboxRows.of(specialist, Box.MINE).prepared
    assert InboxRows.of(specialist, Box.MINE)[:20].prepared  # a page keeps it
    assert InboxRows.of(_fresh(spread, "police_specialist"), Box.CONSULT).prepared
    assert not InboxRows.of(specialist, Box.ALL).prepared
    assert not InboxRows.of(specialist, Box.MINE, q="H26").prepared
    assert len(InboxRows.of(desk, Box.POOL)._compiled) == 2  # the desk's two units
    assert not InboxRows.of(desk, Box.POOL).prepared


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_prepared_box_gives_the_same_pages_and_prepares_only_its_own(spread):
    def inbox_statements() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall() if "dossiers_dossier" in row[0]}

    user = _fresh(spread, "specialist")
    before = inbox_statements()
    rows = InboxRows.of(user, Box.MINE)
    expected = [d.pk for d in _order(inbox(user, Box.MINE))]
    assert [r["id"] for r in rows[:20].values()] == expected[:20]
    assert rows[:1000].count() == len(expected) and [d.pk for d in rows[:20]] == expected[:20]
    made = inbox_statements() - before
    assert len(made) == 3 and all("$1" in s for s in made)  # count, page, ids: values bound
    list(InboxRows.of(user, Box.ALL)[:20].values())
    InboxRows.of(user, Box.ALL)[:1000].count()
    assert inbox_statements() - before == made  # the box of several ranges: none
