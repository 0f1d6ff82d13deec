"""The waiting-room burst's own arithmetic (bench/room.py): Spearman's rank correlation with
ties, the lost and duplicated counts, recovery, and reading the room's forms."""

from __future__ import annotations

import pytest

from bench.room import Page, Visitor, average_ranks, duplicated, report, spearman


def test_average_ranks_share_ties() -> None:
    assert average_ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]
    assert average_ranks([5, 5, 5]) == [2.0, 2.0, 2.0]
    assert average_ranks([]) == []


def test_spearman_perfect_reversed_and_known_value() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # One swap among five: 1 - 6·Σd²/(n(n²-1)) = 1 - 6·2/120 = 0.9
    assert spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5]) == pytest.approx(0.9)


def test_spearman_with_ties_is_pearson_on_average_ranks() -> None:
    # Admitted in batches: ranks y = [1.5, 1.5, 3.5, 3.5]; x = [1, 2, 3, 4].
    # Pearson: cov = 4, var_x = 5, var_y = 4 -> 4 / sqrt(20)
    assert spearman([1, 2, 3, 4], [7.0, 7.0, 9.0, 9.0]) == pytest.approx(4 / 20**0.5)


def test_spearman_undefined_cases() -> None:
    assert spearman([1], [1]) is None
    assert spearman([1, 2, 3], [5, 5, 5]) is None
    with pytest.raises(ValueError):
        spearman([1, 2], [1])


def visitor(rank: int, **kw: object) -> Visitor:
    v = Visitor(rank, "/thu-tuc/", scheduled=float(rank))
    v.arrived = float(rank)
    for key, value in kw.items():
        setattr(v, key, value)
    return v


def test_duplicates_two_tickets_one_holder_shared_ticket_and_double_entry() -> None:
    assert duplicated([visitor(0, tickets=["A"]), visitor(1, tickets=["B"])]) == 0
    assert duplicated([visitor(0, tickets=["A", "A"])]) == 0  # the same ticket read twice
    assert duplicated([visitor(0, tickets=["A", "B"])]) == 1
    assert duplicated([visitor(0, tickets=["A"]), visitor(1, tickets=["A"])]) == 1
    assert duplicated([visitor(0, tickets=["A"], entered=2)]) == 1


def test_report_counts_lost_queued_and_order() -> None:
    people = [
        visitor(0, done=0.1, first_ms=10.0),  # before the burst, served directly
        visitor(1, done=0.2, first_ms=12.0),
        visitor(2, queued=True, tickets=["A"], admitted=20.0, done=21.0),
        visitor(3, queued=True, tickets=["B"], admitted=25.0, done=26.0),
        visitor(4, queued=True, tickets=["C"], admitted=24.0, done=24.5),  # overtook 3
        visitor(5, queued=True, tickets=["D"]),  # never let in: lost
        visitor(6, queued=True, by_nginx=True),  # nginx's 503, never got a ticket: lost too
        visitor(40, done=40.1, first_ms=11.0),  # after the burst, directly
        visitor(41, done=41.1, first_ms=11.0),
    ]
    r = report(people, burst_end=30.0, normal_p95_ms=12.0)
    assert (r.visitors, r.queued, r.direct, r.admitted, r.ticket_holders) == (9, 5, 4, 3, 4)
    assert r.lost == 2
    assert (r.by_nginx, r.by_nginx_ticket) == (1, 0)
    assert r.duplicated == 0
    assert r.spearman == pytest.approx(0.5)  # x ranks 1,2,3 against 1,3,2
    assert r.spearman_ticket is None  # no ticket time recorded
    people[3].ticket_at, people[2].ticket_at, people[4].ticket_at = 1.0, 2.0, 3.0
    # Ticket times (2, 1, 3) against admissions (20, 25, 24): ranks (2,1,3) against (1,3,2),
    # Σd² = 6: 1 - 6·6/24 = -0.5.
    assert report(people, 30.0, 12.0).spearman_ticket == pytest.approx(-0.5)
    assert r.room_p50_s == pytest.approx(20.0)  # waits 18, 22, 20
    assert r.recovery_s is not None and r.recovery_s <= 10.0 + 1e-9


def test_recovery_waits_for_newcomers_to_be_served_directly() -> None:
    people = [visitor(0, done=0.1, first_ms=10.0)]
    people += [visitor(10 + i, queued=True, tickets=[f"T{i}"], admitted=50.0, done=51.0)
               for i in range(5)]  # fmt: skip
    people += [visitor(20 + i, done=20.5 + i, first_ms=10.0) for i in range(5)]
    r = report(people, burst_end=10.0, normal_p95_ms=10.0)
    assert r.recovery_s == pytest.approx(9.0)  # the queued ones until 14, then direct from 20


def test_page_reads_the_ticket_form_and_links() -> None:
    page = Page(
        '<form method="post" action="/hang-cho/"><input type="hidden" '
        'name="csrfmiddlewaretoken" value="abc"><input name="hang" type="hidden" value="chung">'
        '<input name="contact"></form><form method="get" action="/hang-cho/tim/">'
        '<input name="ma"></form><a href="/hang-cho/xyz/vao/">Vào</a>'
    )
    assert [f.method for f in page.forms] == ["post", "get"]
    assert page.forms[0].fields == {"csrfmiddlewaretoken": "abc", "hang": "chung", "contact": ""}
    assert page.links == ["/hang-cho/xyz/vao/"]


def test_the_ticket_form_is_the_rooms_not_the_language_switch() -> None:
    from bench.room import ticket_form

    page = Page(
        '<form method="post" action="/i18n/setlang/"><input name="next" value="/"></form>'
        '<form method="post" action="/hang-cho/"><input name="hang" value="chung"></form>'
    )
    form = ticket_form(page)
    assert form is not None and form.fields == {"hang": "chung"}
    assert ticket_form(Page('<form method="post" action="/i18n/setlang/"></form>')) is None


def test_the_ledger_finds_tickets_nobody_saw_and_the_recorded_order() -> None:
    from bench.room import ledger

    people = [visitor(0, tickets=["A"]), visitor(1, tickets=["C"])]
    rows = [
        {"code": "A", "sequence": 1, "admitted_at": "2026-12-07 09:00:01.5+00:00"},
        {"code": "B", "sequence": 2, "admitted_at": None},  # taken, its answer never read
        {"code": "C", "sequence": 3, "admitted_at": "2026-12-07 09:00:01+00:00"},
        {"code": "D", "sequence": 4, "admitted_at": "2026-12-07 09:00:03+00:00"},
    ]
    books = ledger(people, rows)
    assert (books.tickets, books.unseen) == (4, 2)
    # Admitted: sequences 1, 3, 4 at 1.5 s, 1 s, 3 s: ranks (1,2,3) against (2,1,3).
    assert books.spearman == pytest.approx(0.5)


def test_the_ledger_orders_arrivals_by_the_recorded_admission_and_counts_places_lost() -> None:
    from bench.room import ledger

    people = [
        visitor(0, tickets=["A"], done=5.0),
        visitor(1, tickets=["B"], done=6.0),
        visitor(2, tickets=["C"], done=4.0),  # let in before B: order broken once
        visitor(3, tickets=["D"]),  # not served by the end, still in line: not lost
        visitor(4, tickets=["E"]),  # not served, its ticket expired: lost
        visitor(5),  # not served, never had a ticket: lost
    ]
    rows = [
        {"code": "A", "sequence": 1, "state": "used", "admitted_at": "2026-12-07 09:00:01+00:00"},
        {"code": "B", "sequence": 2, "state": "used", "admitted_at": "2026-12-07 09:00:03+00:00"},
        {"code": "C", "sequence": 3, "state": "used", "admitted_at": "2026-12-07 09:00:02+00:00"},
        {"code": "D", "sequence": 4, "state": "waiting", "admitted_at": None},
        {"code": "E", "sequence": 5, "state": "expired", "admitted_at": None},
    ]
    books = ledger(people, rows)
    # Arrivals 0, 1, 2 let in at 1 s, 3 s, 2 s: ranks (1,2,3) against (1,3,2).
    assert books.spearman_arrival == pytest.approx(0.5)
    assert (books.in_line, books.stranded) == (1, 2)


def test_a_place_held_by_nginx_stamp_is_the_visitors_even_unseen() -> None:
    """A visitor nginx turned away holds its place by the stamp (a cookie the server's ticket
    answers to) before it gets through to read the ticket's page: that ticket is neither
    unseen nor the visitor lost, and its admission counts in the arrival order."""
    from bench.room import ledger

    people = [
        visitor(0, tickets=["A"], done=5.0),
        visitor(1, stamp="s1"),  # never got through to its ticket's page: still in line
        visitor(2, stamp="s2", done=7.0),
        visitor(3, stamp="made-up"),  # a stamp no ticket answers to: lost
    ]
    rows = [
        {"code": "A", "sequence": 1, "state": "used", "admitted_at": "2026-12-07 09:00:01+00:00"},
        {"code": "B", "sequence": 2, "state": "admitted", "stamp": "s1",
         "admitted_at": "2026-12-07 09:00:02+00:00"},
        {"code": "C", "sequence": 3, "state": "used", "stamp": "s2",
         "admitted_at": "2026-12-07 09:00:03+00:00"},
    ]  # fmt: skip
    books = ledger(people, rows)
    assert (books.unseen, books.in_line, books.stranded) == (0, 1, 1)
    assert books.spearman_arrival == pytest.approx(1.0)
    assert books.spearman_recorded is None  # no arrival recorded by the platform: not read
    # The platform's record of the arrival (nginx's clock) against the admission, and the
    # client's own arrival against that record: B's recorded arrival after C's.
    for row, taken in zip(rows, ("09:00:00.1", "09:00:00.9", "09:00:00.5"), strict=True):
        row["taken_at"] = f"2026-12-07 {taken}+00:00"
    books = ledger(people, rows)
    assert books.spearman_recorded == pytest.approx(0.5)
    assert books.spearman_client_record == pytest.approx(0.5)


def test_a_place_held_by_its_redirect_and_a_pass_still_trying_are_not_lost() -> None:
    """The redirect that gave a place names its ticket (the secret in its address): held,
    even if its page was never read; one let in who has not got the page yet is not lost."""
    from bench.room import ledger

    people = [
        visitor(0, secret="sec-A"),  # its ticket's page refused until the end
        visitor(1, tickets=["B"]),  # let in, pass taken, its page still refused at the end
        visitor(2),  # nothing: lost
    ]
    rows = [
        {"code": "A", "sequence": 1, "state": "waiting", "secret": "sec-A", "admitted_at": None},
        {"code": "B", "sequence": 2, "state": "used", "admitted_at": "2026-12-07 09:00:02+00:00"},
    ]
    books = ledger(people, rows)
    assert (books.unseen, books.in_line, books.passed, books.stranded) == (0, 1, 1, 1)


def test_arrival_is_when_the_first_request_left_not_when_the_visit_began() -> None:
    """A client process short of CPU begins a visit and sends it later; another process's
    visitor, begun after it, was sent before: the network saw that one first."""
    from bench.room import ledger

    people = [visitor(0, tickets=["A"], sent=2.0), visitor(1, tickets=["B"], sent=1.5)]
    rows = [
        {"code": "A", "sequence": 2, "state": "used", "admitted_at": "2026-12-07 09:00:02+00:00"},
        {"code": "B", "sequence": 1, "state": "used", "admitted_at": "2026-12-07 09:00:01+00:00"},
    ]
    assert ledger(people, rows).spearman_arrival == pytest.approx(1.0)
    people[0].sent = people[1].sent = None  # not known: when the visit began
    assert ledger(people, rows).spearman_arrival == pytest.approx(-1.0)


def test_a_batch_let_in_at_once_is_ordered_by_the_line_not_tied() -> None:
    """Four people let in by one admission (one time) in the line's order, then two more: the
    order is the arrival order (ρ = 1), not six people tied in two groups."""
    from bench.room import ledger

    people = [visitor(i, tickets=[code], done=9.0) for i, code in enumerate("ABCDEF")]
    rows = [
        {"code": code, "sequence": i + 1, "state": "used",
         "admitted_at": "2026-12-07 09:00:01+00:00" if i < 4 else "2026-12-07 09:00:02+00:00"}
        for i, code in enumerate("ABCDEF")
    ]  # fmt: skip
    assert ledger(people, rows).spearman_arrival == pytest.approx(1.0)
    rows[0]["sequence"], rows[3]["sequence"] = 4, 1  # within the batch, A after D
    assert ledger(people, rows).spearman_arrival < 0.8


def test_the_schedule_gives_each_phase_its_rate_and_marks() -> None:
    from bench.room import Phase, schedule

    offsets, marks = schedule([Phase("before", 2, 2), Phase("burst", 1, 10), Phase("after", 1, 1)])
    assert len(offsets) == 4 + 10 + 1
    assert offsets[:5] == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert offsets[4:14] == pytest.approx([2 + i / 10 for i in range(10)])
    assert marks == {"before": 0.0, "burst": 2.0, "after": 3.0, "end": 4.0}
    assert offsets == sorted(offsets)


def test_processes_deal_the_ranks_between_them_once_each() -> None:
    from bench.room import CLIENT_PROCESSES, deal, processes_for

    parts = [deal(10, 3, i) for i in range(3)]
    assert parts == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]
    assert sorted(r for part in parts for r in part) == list(range(10))
    assert processes_for(100) == 1
    assert processes_for(3 * 680) == 6  # 2,040 a second, 400 each
    assert processes_for(10**6) == CLIENT_PROCESSES


def test_several_client_processes_follow_one_schedule_and_merge_their_visitors() -> None:
    """Two processes against a server that serves every page: every rank once, each arriving
    at its time on the one schedule (time.monotonic is system-wide)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from bench.room import Phase, crowd

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        visitors, marks = crowd(
            base, ["/"], [Phase("burst", 1.0, 40)], processes=2, drain_s=5, start_in=3.0
        )
    finally:
        server.shutdown()
    assert [v.rank for v in visitors] == list(range(40))
    assert all(v.ok and v.direct for v in visitors)
    assert marks["end"] - marks["burst"] == pytest.approx(1.0)
    assert visitors[0].scheduled == pytest.approx(marks["burst"])
    # Started on time, whichever process started it (a loaded machine may slip a little).
    assert all(-0.01 <= v.arrived - v.scheduled < 1.0 for v in visitors)


def test_the_admission_rate_counts_the_admissions_that_left_people_waiting() -> None:
    from bench.room import admission_rate

    # A let in at 10, B at 12 while C waits, C and D (ticket at 12.5) at 13, leaving nobody;
    # E, ticket at 29, let in at once at 30. Only the admission at 12 left someone waiting:
    # 1 let in over the 2 s since the one before.
    admissions = [10.0, 12.0, 13.0, 13.0, 30.0]
    waits = [(9.0, 10.0), (9.1, 12.0), (9.2, 13.0), (12.5, 13.0), (29.0, 30.0)]
    assert admission_rate(admissions, waits) == (pytest.approx(0.5), 1)
    # Someone waiting all along: every admission after the first counts, 20 s at most 10 each.
    assert admission_rate(admissions, [(9.0, None)]) == (pytest.approx(4 / 13), 3)
    assert admission_rate([], waits) == (None, 0)
    assert admission_rate([20.5], [(20.2, None)]) == (None, 0)


def test_the_ledger_gives_the_rooms_rate_from_the_recorded_admissions() -> None:
    from datetime import datetime

    from bench.room import ledger

    def at(seconds: float) -> str:
        return datetime.fromtimestamp(1_800_000_000 + seconds).astimezone().isoformat()

    people = [
        visitor(0, tickets=["A"], ticket_wall=1_800_000_000.0),
        visitor(1, tickets=["B"], ticket_wall=1_800_000_000.1),
    ]
    rows = [
        {"code": "A", "sequence": 1, "state": "used", "admitted_at": at(1.5)},
        {"code": "B", "sequence": 2, "state": "used", "admitted_at": at(3.5)},
        {"code": "C", "sequence": 3, "state": "used", "admitted_at": at(2.5)},  # nobody saw it
    ]
    # Admissions at 1.5 (A), 2.5 (C, B still waiting: 1 over 1 s), 3.5 (B, nobody left).
    books = ledger(people, rows)
    assert (books.admission_rate, books.held_back) == (pytest.approx(1.0), 1)


def test_s6_room_is_met_without_recovery_and_missed_when_the_room_collapses() -> None:
    from bench.room import Ledger, report, shortfalls

    people = [visitor(i, queued=True, admitted=float(i), done=float(i)) for i in range(20)]
    found = report(people, burst_end=100.0, normal_p95_ms=None)
    assert found.recovery_s is None  # the line had not emptied: not a shortfall
    books = Ledger(20, 0, 1.0, 0.99, admission_rate=90, held_back=5)
    assert shortfalls(found, books, share_rate=100) == []
    slow = Ledger(20, 0, 1.0, 0.99, admission_rate=30, held_back=5)
    assert shortfalls(found, slow, share_rate=100) == ["the room let in < 80 % of its share"]
    never_held = Ledger(20, 0, 1.0, 0.99, admission_rate=None, held_back=0)
    assert shortfalls(found, never_held, share_rate=100) == []
    bad = Ledger(20, 2, 1.0, 0.5, stranded=1, admission_rate=10, held_back=3)
    assert shortfalls(found, bad, share_rate=100) == [
        "arrival order ρ < 0.95",
        "1 lost",
        "2 tickets unseen",
        "the room let in < 80 % of its share",
    ]


def test_the_capacity_believed_is_summed_up_over_the_wait() -> None:
    from bench.room import capacity_summary

    samples = [
        (9.0, 500.0, 400, 0, 0),  # before: not counted
        (10.0, 480.0, 450, 30, 0),
        (11.0, 300.0, 300, 10, 5),
        (12.0, None, 0, 0, 0),  # Redis not answering
        (13.0, 420.0, 10, 0, 150),
    ]
    assert capacity_summary(samples, 10.0, 13.0) == {
        "first": 480.0,
        "min": 300.0,
        "max": 480.0,
        "last": 420.0,
        "refusing_seconds": 2.0,
    }
    assert capacity_summary(samples, 20.0, 30.0)["first"] is None
