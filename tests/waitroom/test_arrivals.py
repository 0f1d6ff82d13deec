"""Arrivals stamped by nginx (motcua.waitroom.arrivals): the places of those nginx turned away
are given from its log, in the order of its clock, whenever the application gets to them."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from motcua.waitroom import arrivals, services
from motcua.waitroom.middleware import forming
from motcua.waitroom.models import Ticket, TicketState
from motcua.waitroom.passes import TICKET_COOKIE

pytestmark = [pytest.mark.django_db]

BROWSER = {"Sec-Fetch-Dest": "document"}


@pytest.fixture
def log(tmp_path: Path, settings) -> Path:
    path = tmp_path / "motcua-arrivals.log"
    path.write_text("")
    settings.WAITROOM_ARRIVALS_LOG = str(path)
    settings.WAITROOM_TICKETS_PER_ADDRESS = 20
    settings.PAGE_CACHE_SECONDS = 0
    cache.delete(arrivals.OFFSET_KEY)
    forming.forget()
    yield path
    cache.delete(arrivals.OFFSET_KEY)
    forming.forget()


def stamp() -> str:
    return secrets.token_hex(16)


def write(log: Path, *lines: tuple[float, str, str, str]) -> None:
    """Lines as nginx's ``log_format motcua_arrival`` writes them."""
    with log.open("a") as out:
        for at, stamped, address, path in lines:
            out.write(f"{at:.3f} {stamped} {address} {path}\n")


def test_places_follow_nginx_clock_not_the_order_the_application_reads_them(log):
    now = time.time()
    a, b, c = stamp(), stamp(), stamp()
    # Two nginx workers write in their own order: the clock decides.
    write(log, (now - 3, b, "10.0.0.2", "/thu-tuc/?q=b"), (now - 5, a, "10.0.0.1", "/thu-tuc/"))
    assert arrivals.ingest() == 2
    write(log, (now - 1, c, "10.0.0.3", "//evil.example/"))
    assert arrivals.ingest() == 1
    assert arrivals.ingest() == 0  # read up to where it got: nothing new
    line = list(Ticket.objects.order_by("rank"))
    assert [t.secret for t in line] == [arrivals.secret_of(s) for s in (a, b, c)]
    assert [t.next_path for t in line] == ["/thu-tuc/", "/thu-tuc/?q=b", "/"]
    assert abs(line[0].taken_at.timestamp() - (now - 5)) < 0.01  # nginx's time, not ours
    assert all(t.holder is None and t.state == TicketState.WAITING for t in line)
    assert cache.get(services.FORMING_KEY)  # a line has formed: newcomers go behind it


def test_a_line_read_twice_makes_no_second_ticket(log):
    write(log, (time.time(), stamp(), "10.0.0.1", "/"))
    assert arrivals.ingest() == 1
    cache.delete(arrivals.OFFSET_KEY)  # the cache lost where the log was read up to
    assert arrivals.ingest() == 0
    assert Ticket.objects.count() == 1


def test_what_is_not_an_arrival_makes_no_place(log, settings):
    now = time.time()
    settings.WAITROOM_TICKET_MINUTES = 10
    old = now - 11 * 60  # its ticket would have expired before anyone read it
    with log.open("a") as out:
        out.write("garbage\n")
        out.write(f"{now:.3f} NOT-A-STAMP 10.0.0.1 /\n")
        out.write(f"{old:.3f} {stamp()} 10.0.0.1 /\n")
        out.write(f"{now:.3f} {stamp()} 10.0.0.1 /half-written")  # no newline yet
    assert arrivals.ingest() == 0
    with log.open("a") as out:
        out.write("\n")
    assert arrivals.ingest() == 1  # the line nginx was still writing, once finished
    assert Ticket.objects.get().next_path == "/half-written"


def test_one_address_gets_its_bound_of_places_as_at_the_door(log, settings):
    settings.WAITROOM_TICKETS_PER_ADDRESS = 3
    now = time.time()
    write(log, *[(now + i / 1000, stamp(), "10.9.9.9", "/") for i in range(5)])
    write(log, (now + 1, stamp(), "10.0.0.1", "/"))
    assert arrivals.ingest() == 4
    assert Ticket.objects.count() == 4


def test_a_rotated_log_is_read_from_its_beginning(log):
    write(log, (time.time(), stamp(), "10.0.0.1", "/"))
    assert arrivals.ingest() == 1
    log.rename(log.with_name("motcua-arrivals.log.1"))
    write(log, (time.time(), stamp(), "10.0.0.2", "/"))  # a new file, shorter than the offset
    assert os.stat(log).st_size > 0
    assert arrivals.ingest() == 1


def test_the_door_finds_the_place_nginx_stamped_before_later_arrivals(log):
    """The visitor nginx turned away first gets through to the door last: the place is the
    one of their arrival, ahead of those who came after them and reached the door sooner."""
    now = time.time()
    first, second = stamp(), stamp()
    write(log, (now - 2, first, "10.0.0.1", "/thu-tuc/"), (now - 1, second, "10.0.0.2", "/"))
    later = Client(headers=BROWSER)
    later.cookies[arrivals.COOKIE] = second
    to_second = later.get("/hang-cho/cua/")
    assert to_second.status_code == 303
    came_first = Client(headers=BROWSER)
    came_first.cookies[arrivals.COOKIE] = first
    to_first = came_first.get("/hang-cho/cua/thu-tuc/")
    assert to_first.status_code == 303
    mine = Ticket.objects.get(secret=arrivals.secret_of(first))
    assert to_first["Location"] == f"/hang-cho/{mine.secret}/"
    assert to_first.cookies[TICKET_COOKIE].value == mine.secret  # held by the browser now
    assert mine.rank < Ticket.objects.get(secret=arrivals.secret_of(second)).rank
    # And one turned away by the application itself after them queues behind both.
    newcomer = Client(headers=BROWSER).get("/hang-cho/cua/thu-tuc/?q=x")
    newest = Ticket.objects.order_by("-rank").first()
    assert newcomer["Location"] == f"/hang-cho/{newest.secret}/" and newest.rank == 3
    # The same browser again: the same place.
    assert came_first.get("/hang-cho/cua/")["Location"] == to_first["Location"]
    assert Ticket.objects.count() == 3


def test_a_stamp_nginx_never_gave_is_a_place_at_the_time_the_door_is_reached(log):
    early = stamp()
    made_up = Client(headers=BROWSER)
    made_up.cookies[arrivals.COOKIE] = stamp()
    write(log, (time.time() - 30, early, "10.0.0.1", "/"))
    answer = made_up.get("/hang-cho/cua/")
    assert answer.status_code == 303
    ticket = Ticket.objects.get(secret=answer["Location"].split("/")[2])
    honest = Ticket.objects.get(secret=arrivals.secret_of(early))
    assert ticket.rank > honest.rank  # no jumping the line with a cookie of one's own


def test_a_place_taken_before_its_line_was_read_is_not_given_twice(log, settings):
    """The door reached before the application could read nginx's line (a log not readable
    for a moment): the place taken then carries the stamp's secret, so the line, read later,
    finds it."""
    stamped = stamp()
    settings.WAITROOM_ARRIVALS_LOG = str(log.with_name("not-yet"))
    browser = Client(headers=BROWSER)
    browser.cookies[arrivals.COOKIE] = stamped
    first = browser.get("/hang-cho/cua/")
    assert first["Location"] == f"/hang-cho/{arrivals.secret_of(stamped)}/"
    settings.WAITROOM_ARRIVALS_LOG = str(log)
    write(log, (time.time() - 5, stamped, "10.0.0.1", "/"))
    assert arrivals.ingest() == 0
    assert Ticket.objects.count() == 1


def test_the_rooms_form_gives_the_stamped_place_too(log):
    stamped = stamp()
    write(log, (time.time() - 5, stamped, "10.0.0.1", "/thu-tuc/"))
    browser = Client(headers=BROWSER)
    browser.cookies[arrivals.COOKIE] = stamped
    answer = browser.post("/hang-cho/", {"hang": "chung", "tiep": "/", "contact": ""})
    assert answer.status_code == 302
    assert answer["Location"] == f"/hang-cho/{arrivals.secret_of(stamped)}/"
    assert Ticket.objects.count() == 1


def test_a_place_taken_and_a_ticket_checked_read_the_log_first(log):
    """Those nginx turned away before a place is taken rank before it; a ticket's check (the
    admission's tick, once a second) gives the newer ones theirs even before they reach the
    door."""
    now = time.time()
    earlier, later = stamp(), stamp()
    write(log, (now - 2, earlier, "10.0.0.1", "/"))
    holder = services.take_ticket(queue=services.general_queue(), holder=None)
    write(log, (now - 1, later, "10.0.0.2", "/"))
    services.check_ticket(holder)
    ranks = {t.secret: t.rank for t in Ticket.objects.all()}
    assert ranks == {arrivals.secret_of(earlier): 1, holder.secret: 2, arrivals.secret_of(later): 3}


def test_without_the_log_setting_a_stamp_changes_nothing(log, settings):
    settings.WAITROOM_ARRIVALS_LOG = ""
    write(log, (time.time(), stamp(), "10.0.0.1", "/"))
    assert arrivals.ingest() == 0 and arrivals.ticket_of(stamp()) is None
