"""Many people taking tickets at the same moment, on several connections (as on several web
nodes): every one gets a place, none twice, numbers neither repeated nor skipped."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from motcua.identity.models import User
from motcua.waitroom import services
from motcua.waitroom.models import Queue, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(count: int, work) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            work(index)
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.fixture(autouse=True)
def _shared_database():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a database they share: PostgreSQL or a SQLite file")


def test_tickets_taken_at_once_get_each_a_distinct_place(db):
    queue = services.general_queue()

    def five(_index: int) -> None:
        for _ticket in range(5):
            services.take_ticket(queue=queue, holder=None)

    assert _in_threads(8, five) == []
    tickets = list(Ticket.objects.filter(queue=queue))
    assert sorted(t.sequence for t in tickets) == list(range(1, 41))
    assert sorted(t.rank for t in tickets) == list(range(1, 41))
    assert len({t.code for t in tickets}) == 40
    assert Queue.objects.get(pk=queue.pk).last_sequence == 40


def test_the_opening_draw_and_arrivals_at_the_same_moment_lose_nobody(db):
    from tests.dossiers.world import build_world

    world = build_world()
    procedure = world.version("1.000001").procedure
    opens = timezone.now() + timedelta(hours=1)
    queue = Queue.objects.create(slug="su-kien", name="Sự kiện", opens_at=opens)
    queue.procedures.add(procedure)
    people = [
        User.objects.create_user(username=f"p{i}", password="x", kind=User.Kind.CITIZEN)
        for i in range(16)
    ]
    before = opens - timedelta(minutes=5)
    for person in people[:8]:
        services.take_ticket(queue=queue, holder=person, procedure=procedure, at=before)

    def at_the_opening(index: int) -> None:
        at = opens + timedelta(milliseconds=index)
        if index % 2:
            services.admit_due(queue, at)
        person = people[8 + index // 2] if index % 2 == 0 else None
        if person is not None:
            services.take_ticket(queue=queue, holder=person, procedure=procedure, at=at)

    assert _in_threads(16, at_the_opening) == []
    ranks = sorted(Ticket.objects.filter(queue=queue).values_list("rank", flat=True))
    assert ranks == list(range(1, 17))
    early = Ticket.objects.filter(queue=queue, sequence__lte=8).values_list("rank", flat=True)
    assert sorted(early) == list(range(1, 9))  # the draw's ranks come before every newcomer
