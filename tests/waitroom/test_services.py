"""The waiting room's domain: arrival order, the draw at an event's opening, expiry, admission
at the measured rate, eligibility before queueing, one place per person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection

from motcua.waitroom import capacity, services
from motcua.waitroom.models import Queue, Ticket, TicketState
from tests.dossiers.world import local

NOON = local(2026, 12, 7, 12, 0)


def event(world, *, opens_at=NOON, deadline=None, slug="tuyen-sinh") -> Queue:
    queue = Queue.objects.create(
        slug=slug, name="Tuyển sinh lớp 1", opens_at=opens_at, deadline=deadline
    )
    queue.procedures.add(world.version("1.000001").procedure)
    return queue


def people(world, count: int, start: int = 0):
    from motcua.identity.models import User

    return [
        User.objects.create_user(username=f"nguoi{i}", password="x", kind=User.Kind.CITIZEN)
        for i in range(start, start + count)
    ]


def take(queue, at, **kwargs):
    return services.take_ticket(queue=queue, holder=None, at=at, **kwargs)


def arrive(world, queue, at, number: int = 1):
    """``number`` people, each signed in, taking a ticket for the event's procedure at ``at``."""
    procedure = world.version("1.000001").procedure
    start = Ticket.objects.count()
    return [
        services.take_ticket(queue=queue, holder=person, procedure=procedure, at=at)
        for person in people(world, number, start)
    ]


def test_the_general_queue_ranks_people_in_arrival_order(world):
    queue = services.general_queue()
    tickets = [take(queue, NOON + timedelta(seconds=i)) for i in range(5)]
    assert [t.sequence for t in tickets] == [1, 2, 3, 4, 5]
    assert [t.rank for t in tickets] == [1, 2, 3, 4, 5]
    assert len({t.code for t in tickets}) == 5 and len({t.secret for t in tickets}) == 5
    assert all(len(t.code) == 8 and set(t.code) <= set(services.CODE_ALPHABET) for t in tickets)


def test_people_are_let_in_in_rank_order_at_the_share_of_capacity(world):
    queue = services.general_queue()
    tickets = [take(queue, NOON) for _ in range(10)]
    services.admit_due(queue, NOON)  # starts the clock
    assert services.admit_due(queue, NOON + timedelta(seconds=2)) == 6  # 3 a second
    admitted = Ticket.objects.filter(state=TicketState.ADMITTED).order_by("rank")
    assert [t.pk for t in admitted] == [t.pk for t in tickets[:6]]
    assert services.admit_due(queue, NOON + timedelta(seconds=3)) == 3


def test_nobody_is_let_in_while_the_platform_already_serves_its_capacity(world):
    queue = services.general_queue()
    take(queue, NOON)
    services.admit_due(queue, NOON)
    later = NOON + timedelta(seconds=5)
    # 40 requests a second served during the last 10 s: no capacity left free.
    second = int(later.timestamp())
    cache.set_many({f"{capacity.PREFIX}:done:{s}": 40 for s in range(second - 10, second)})
    assert services.admit_due(queue, later) == 0


def test_saturated_seconds_pull_the_capacity_down_each_once(world):
    """Seconds with refusals are samples, each taken once; the seconds between them, when
    newcomers were sent to the room without being served, are not."""
    start = int(NOON.timestamp())
    for i in range(10):  # alternately saturated (20 served, refusals) and redirecting (none)
        second = start + i
        cache.set(f"{capacity.PREFIX}:done:{second}", 20 if i % 2 == 0 else 0)
        if i % 2 == 0:
            cache.set(f"{capacity.PREFIX}:shed:{second}", 50)
        capacity.measure(second + 2.5)  # once a second, the second before last settled
    expected = 20 + (40 - 20) * 0.8**5  # five saturated seconds, a fifth of the way each
    assert capacity.capacity() == pytest.approx(expected)
    for _again in range(30):  # measured again in the same second: nothing new to take
        capacity.measure(start + 11.5)
    assert capacity.capacity() == pytest.approx(expected)


def line(queue: Queue, number: int) -> None:
    """``number`` more people waiting in ``queue``, checking in time all along the
    simulation."""
    start = Ticket.objects.filter(queue=queue).count()
    Ticket.objects.bulk_create(
        Ticket(
            queue=queue,
            secret=f"ve-{i:06d}",
            code=f"M{i:07d}",
            sequence=i,
            rank=i,
            taken_at=NOON,
            checked_at=NOON + timedelta(days=1),
        )
        for i in range(start + 1, start + number + 1)
    )


def simulate(
    queue,
    seconds: int,
    *,
    serves: float,
    burst: dict[int, float] | None = None,
    arriving: int = 0,
):
    """The room's admission once a second on a platform that serves ``serves`` requests a
    second: each person let in makes the visit's requests in the next second, ``burst``
    adds other requests in given seconds; what exceeds ``serves`` is refused; ``arriving``
    people join the line each second. Returns, per second, (people let in, the capacity
    measured)."""
    from django.conf import settings

    burst = burst or {}
    start = int(NOON.timestamp())
    history: list[tuple[int, float]] = []
    previous = 0
    for i in range(seconds):
        if arriving:
            line(queue, arriving)
        let_in = services.admit_due(queue, NOON + timedelta(seconds=i, milliseconds=500))
        asked = previous * settings.WAITROOM_REQUESTS_PER_VISIT + burst.get(i, 0.0)
        cache.set(f"{capacity.PREFIX}:done:{start + i}", int(min(asked, serves)))
        if asked > serves:
            cache.set(f"{capacity.PREFIX}:shed:{start + i}", int(asked - serves))
        history.append((let_in, capacity.capacity()))
        previous = let_in
    return history


def test_a_burst_of_redirects_does_not_collapse_the_capacity(world):
    """Three seconds refused, then 40 s during which newcomers go to the room unserved: the
    window's average falls, the capacity must not (it fell to its minimum, and the room let
    almost nobody in)."""
    queue = services.general_queue()
    line(queue, 400)
    history = simulate(queue, 43, serves=40, burst={0: 100, 1: 100, 2: 100})
    assert min(known for _in, known in history) >= 0.8 * 40
    later = [let_in for let_in, _known in history[13:]]  # the refusals out of the window
    # Its share of the 40 requests a second, 10 a visit: 3 people a second, at least 80 %.
    assert sum(later) / len(later) >= 0.8 * 0.75 * 40 / 10


def test_with_no_other_traffic_the_room_lets_in_its_whole_share(world):
    """Its own flow is not other traffic: it let in K / 2 (F = K − F), not 0.75 × K."""
    queue = services.general_queue()
    line(queue, 400)
    simulate(queue, 20, serves=1000)
    now = (NOON + timedelta(seconds=20)).timestamp()
    assert capacity.admissions_per_second(now) == pytest.approx(0.75 * capacity.capacity() / 10)


def test_a_line_the_room_empties_at_every_admission_does_not_raise_the_capacity(world):
    """One arrival a second, 3 let in a second at most: the room's rate held nobody back, so
    nothing says the platform could take more."""
    queue = services.general_queue()
    history = simulate(queue, 60, serves=1000, arriving=1)
    assert sum(let_in for let_in, _known in history) >= 55
    assert history[-1][1] == pytest.approx(40.0)


def test_an_underestimate_grows_while_people_wait_and_settles_at_what_is_served(world):
    """Started at 40 requests a second on a platform that serves 200: nothing is refused, so
    the room probes upwards; once it lets in too many, refusals bring it back."""
    queue = services.general_queue()
    line(queue, 2500)
    history = simulate(queue, 150, serves=200)
    assert history[60][1] >= 2 * 40
    known = [k for _in, k in history[100:]]
    assert min(known) >= 0.8 * 200 and max(known) <= 1.6 * 200
    later = [let_in for let_in, _known in history[100:]]
    assert sum(later) / len(later) >= 0.8 * 0.75 * 200 / 10


def test_counts_from_every_process_are_summed_once_the_second_is_over(world):
    start = float(int(NOON.timestamp()))
    for i in range(30):
        capacity.completed.hit(start + i / 30)
    capacity.completed.hit(start + 1.2)  # the next second: the first one goes to the cache
    assert capacity._sum("done", start + 2) == 30
    capacity.completed.flush()  # what reading the rate does first
    assert capacity._sum("done", start + 2) == 31


def test_an_event_shuffles_everyone_who_came_before_the_opening(world):
    queue = event(world)
    early = [arrive(world, queue, NOON - timedelta(minutes=30 - i))[0] for i in range(30)]
    assert all(t.rank is None for t in early)
    services.admit_due(queue, NOON - timedelta(seconds=1))  # not open yet: no draw
    assert Ticket.objects.filter(rank__isnull=False).count() == 0

    (late,) = arrive(
        world, queue, NOON + timedelta(seconds=5)
    )  # the first arrival after the opening
    ranks = dict(Ticket.objects.values_list("pk", "rank"))
    assert sorted(ranks[t.pk] for t in early) == list(range(1, 31))
    assert [ranks[t.pk] for t in early] != list(range(1, 31))  # 1 chance in 30! to fail
    assert ranks[late.pk] == 31
    assert Queue.objects.get(pk=queue.pk).shuffled_at is not None


def test_the_draw_at_the_opening_happens_once(world):
    queue = event(world)
    arrive(world, queue, NOON - timedelta(minutes=1), 2)
    services.admit_due(queue, NOON)
    first = dict(Ticket.objects.values_list("pk", "rank"))
    services.admit_due(queue, NOON + timedelta(seconds=1))
    arrive(world, queue, NOON + timedelta(seconds=2))
    assert {k: v for k, v in Ticket.objects.values_list("pk", "rank") if k in first} == first


def test_a_ticket_nobody_checks_expires_and_checking_keeps_it(world):
    queue = services.general_queue()
    forgotten = take(queue, NOON)
    kept = take(queue, NOON)
    services.check_ticket(kept, NOON + timedelta(minutes=6))
    services.admit_due(queue, NOON + timedelta(minutes=10, seconds=30))
    assert Ticket.objects.get(pk=forgotten.pk).state == TicketState.EXPIRED
    assert Ticket.objects.get(pk=kept.pk).state != TicketState.EXPIRED


def test_checking_says_how_many_are_ahead_and_the_wait(world):
    queue = services.general_queue()
    tickets = [take(queue, NOON) for _ in range(400)]
    services.admit_due(queue, NOON)
    place = services.check_ticket(tickets[360], NOON)
    assert place.position == 360
    assert place.wait_minutes == 3  # 361 people at 180 a minute


def test_an_admitted_ticket_gives_one_pass_for_a_limited_time(world):
    queue = services.general_queue()
    ticket = take(queue, NOON)
    services.admit_due(queue, NOON)
    services.admit_due(queue, NOON + timedelta(seconds=1))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ADMITTED
    assert services.enter(ticket, NOON + timedelta(minutes=1))
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.USED
    assert not services.enter(ticket, NOON + timedelta(minutes=16))  # the pass ran out


def test_eligibility_is_checked_before_a_ticket_is_taken(world):
    queue = event(world, deadline=NOON + timedelta(hours=2))
    procedure = world.version("1.000001").procedure
    with pytest.raises(services.TicketRefused, match="đăng nhập"):
        take(queue, NOON, procedure=procedure)
    (person,) = people(world, 1)
    other = world.version("1.000002").procedure if _has(world, "1.000002") else None
    with pytest.raises(services.TicketRefused, match="không thuộc"):
        services.take_ticket(queue=queue, holder=person, procedure=other, at=NOON)
    with pytest.raises(services.TicketRefused, match="hết hạn"):
        services.take_ticket(
            queue=queue, holder=person, procedure=procedure, at=NOON + timedelta(hours=3)
        )
    assert Ticket.objects.count() == 0


def _has(world, code: str) -> bool:
    try:
        world.version(code)
    except Exception:
        return False
    return True


def test_a_person_holds_one_place_per_queue(world):
    queue = event(world, deadline=NOON + timedelta(hours=2))
    procedure = world.version("1.000001").procedure
    (person,) = people(world, 1)
    first = services.take_ticket(queue=queue, holder=person, procedure=procedure, at=NOON)
    again = services.take_ticket(queue=queue, holder=person, procedure=procedure, at=NOON)
    assert first.pk == again.pk
    assert first.before_deadline


def test_a_short_line_counts_exactly_a_long_one_says_about_and_never_fewer(world, settings):
    queue = services.general_queue()
    tickets = [take(queue, NOON) for _ in range(services.EXACT_UP_TO + 50)]
    gone = [t.pk for t in tickets[10:15]]
    Ticket.objects.filter(pk__in=gone).update(state=TicketState.EXPIRED)
    near = services.check_ticket(tickets[100], NOON)
    assert (near.position, near.approximate) == (95, False)  # the 5 who left are not counted
    far = tickets[services.EXACT_UP_TO + 40]
    place = services.check_ticket(far, NOON)
    # The distance in rank to the first one waiting: an upper bound (the 5 who left are in it).
    assert place.approximate
    assert place.position == services.EXACT_UP_TO + 40
    waiting_ahead = Ticket.objects.filter(
        queue=queue, state=TicketState.WAITING, rank__lt=far.rank
    ).count()
    assert waiting_ahead == place.position - 5
    # Once the first ones are in, the distance is from the first still waiting.
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[:100]]).update(
        state=TicketState.ADMITTED, admitted_at=NOON
    )
    far.refresh_from_db()
    assert services.check_ticket(far, NOON).position == services.EXACT_UP_TO + 40 - 100


def test_the_first_in_line_has_nobody_ahead(world):
    queue = services.general_queue()
    tickets = [take(queue, NOON) for _ in range(3)]
    Ticket.objects.filter(pk=tickets[0].pk).update(state=TicketState.EXPIRED)
    assert services.check_ticket(tickets[1], NOON).position == 0
    assert services.check_ticket(tickets[2], NOON).position == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit setting")
def test_a_place_in_the_general_queue_does_not_hold_the_queue_s_lock_through_a_disk_flush(
    world,
):
    """Under a burst every refused page takes its place one at a time under the queue's
    lock; an event's tickets (who tried before a deadline) stay durable."""
    from django.test.utils import CaptureQueriesContext

    def settings_sent(take_one) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            take_one()
        return [q["sql"] for q in queries.captured_queries if "synchronous_commit" in q["sql"]]

    general = services.general_queue()
    assert settings_sent(lambda: take(general, NOON)) == ["SET LOCAL synchronous_commit TO OFF"]
    enrolment = event(world, opens_at=None)
    assert settings_sent(lambda: arrive(world, enrolment, NOON)) == []


def test_the_capacity_an_older_release_stored_alone_is_read(world):
    cache.set(capacity.CAPACITY_KEY, 55.0, None)
    assert capacity.capacity() == 55.0
    assert capacity.measure(NOON.timestamp())[0] == pytest.approx(55.0)
