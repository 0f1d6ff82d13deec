"""The door: a portal visitor the platform cannot serve is sent to the waiting room, follows it
without JavaScript (redirects, "Kiểm tra lại", the pass) and gets in; the API still gets 503;
a draft being filled in is never interrupted."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from motcua.identity.models import User
from motcua.waitroom.middleware import forming
from motcua.waitroom.models import Ticket, TicketState
from tests.core import blocking_urls

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.core.blocking_urls")]


# What a browser says when a person opens a page: only such a request gets a place at the door.
BROWSER = {"Sec-Fetch-Dest": "document"}


@pytest.fixture
def client() -> Client:
    return Client(headers=BROWSER)


@pytest.fixture
def one_slot(settings, db):
    settings.PAGE_CACHE_SECONDS = 0
    blocking_urls.allow_one_request(settings)


@pytest.fixture
def slot_taken(one_slot, client):
    """The only slot is held by a request in another thread until the slot is released."""
    with blocking_urls.slot_held(client) as holder:
        yield holder


def free(holder: threading.Thread) -> None:
    blocking_urls.release.set()
    holder.join(timeout=10)
    forming.forget()


def test_a_page_beyond_capacity_gives_the_visitor_a_place_at_once(slot_taken, client):
    """The place is taken as the visitor is turned away, so the line keeps the order of
    arrival (not of who next reaches the room's page to ask for one)."""
    response = client.get("/thu-tuc/?q=khai+sinh")
    assert response.status_code == 303
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/hang-cho/{ticket.secret}/"
    assert ticket.next_path == "/thu-tuc/?q=khai+sinh" and ticket.holder is None
    page = client.get(response["Location"])  # the room answers although the slot is taken
    assert page.status_code == 200 and "Kiểm tra lại" in page.content.decode()
    # Asking again (or another page) while waiting: the same place, not a second one.
    assert client.get("/")["Location"] == response["Location"]
    assert (
        client.post("/hang-cho/", {"hang": "chung", "tiep": "/"})["Location"]
        == (response["Location"])
    )
    # Others arriving after get the places after, in the order they came (each test client
    # has its own slots: they meet the queue formed).
    forming.forget()
    later = [Client(headers=BROWSER).get(f"/thu-tuc/?lan={n}")["Location"] for n in range(3)]
    tickets = [Ticket.objects.get(secret=url.split("/")[2]) for url in later]
    assert [t.sequence for t in tickets] == [2, 3, 4] and [t.rank for t in tickets] == [2, 3, 4]
    # A client that is not a browser opening a page (a load tool, a crawler) is given no
    # place: it would never check it and would hold the line formed for nothing.
    tool = Client().get("/thu-tuc/")
    assert tool["Location"].startswith("/hang-cho/?tiep=") and Ticket.objects.count() == 4
    # The room's own page still offers a ticket (nginx's 503 page links to it).
    room = Client(headers=BROWSER).get("/hang-cho/?tiep=/thu-tuc/").content.decode()
    assert "Lấy lượt" in room and 'name="tiep" value="/thu-tuc/"' in room


def test_what_a_browser_fetches_by_itself_takes_no_place(slot_taken, client):
    # The icon a browser asks for beside the room's page: no ticket in the person's name.
    client.get("/favicon.ico")
    client.get("/thu-tuc/", headers={"Sec-Fetch-Dest": "image"})
    assert Ticket.objects.count() == 0
    # Someone who came to resume a ticket by its code still sees the room's forms.
    page = client.get("/thu-tuc/")
    room = client.get("/hang-cho/").content.decode()
    assert "Mã lượt của bạn" in room and page["Location"] in room  # and their own place


def test_a_ticket_at_the_door_leads_back_to_this_site_only(slot_taken, client):
    client.get("//evil.example/")
    assert Ticket.objects.get().next_path == "/"


def test_past_the_address_bound_the_door_offers_the_room_page(slot_taken, client, settings):
    settings.WAITROOM_TICKETS_PER_ADDRESS = 3
    client.get("/thu-tuc/")
    forming.forget()
    places = [Client(headers=BROWSER).get("/thu-tuc/")["Location"] for _ in range(3)]
    assert [p.startswith("/hang-cho/?tiep=") for p in places] == [False, False, True]
    assert Ticket.objects.count() == 3


def test_the_api_and_a_form_beyond_capacity_still_get_503(slot_taken, client):
    api = client.get("/api/v1/procedures")
    assert api.status_code == 503 and api.json()["retry_after"] == int(api["Retry-After"])
    form = client.post("/tai-khoan/dang-nhap/", {"identifier": "a", "password": "b"})
    assert form.status_code == 503 and "chưa được lưu" in form.content.decode()
    assert Ticket.objects.count() == 0


def _take(client: Client, next_path: str = "/thu-tuc/") -> str:
    response = client.post("/hang-cho/", {"hang": "chung", "tiep": next_path, "contact": ""})
    assert response.status_code == 302
    return response["Location"]


def test_a_client_without_javascript_follows_the_room_and_gets_in(slot_taken, client):
    """What a browser does: the redirect, take a ticket, "Kiểm tra lại" (a GET form), then the
    link in, which sets the pass and goes where the person was going."""
    room = client.get(client.get("/thu-tuc/")["Location"])
    assert room.status_code == 200
    ticket_page = _take(client)
    free(slot_taken)
    # A newcomer, while the queue has people in it, goes behind them.
    assert Client(headers=BROWSER).get("/").status_code == 303
    start = timezone.now()
    for second in range(1, 30):
        # Admission runs at most once a second: each check a few seconds later (tests never
        # wait on wall time).
        with time_machine.travel(start + timedelta(seconds=2 * second), tick=False):
            page = client.get(ticket_page).content.decode()
        if "Vào cổng dịch vụ công" in page:
            break
        assert "Kiểm tra lại" in page and "người trước bạn" in page
    enter = re.search(r'href="(/hang-cho/[^"]+/vao/)"', page)
    assert enter, page
    inside = client.get(enter.group(1))
    assert inside.status_code == 302 and inside["Location"] == "/thu-tuc/"
    assert client.get("/thu-tuc/").status_code == 200  # the pass lets them through
    assert Ticket.objects.get(secret=ticket_page.split("/")[2]).state == TicketState.USED


def test_the_ticket_is_resumed_by_its_code_from_another_device(slot_taken, client):
    ticket_page = _take(client)
    code = Ticket.objects.get().code
    client.cookies.clear()  # another device
    other = client
    found = other.get("/hang-cho/tim/", {"ma": code.lower()})
    assert found.status_code == 302 and found["Location"] == ticket_page
    assert other.get("/hang-cho/tim/", {"ma": "ZZZZZZZZ"}).status_code == 400


def test_the_page_refreshes_only_when_asked(slot_taken, client):
    ticket_page = _take(client)
    plain = client.get(ticket_page)
    assert "Refresh" not in plain and "http-equiv" not in plain.content.decode()
    assert "no-store" in plain["Cache-Control"]
    asked = client.get(ticket_page, {"lam-moi": "30"})
    assert asked["Refresh"] == "30"
    assert 'name="lam-moi" value="30"' in asked.content.decode()  # "check again" keeps it


def test_a_draft_being_filled_in_is_never_sent_to_the_room(one_slot, client):
    person = User.objects.create_user(username="dang-lam", password="x", kind=User.Kind.CITIZEN)
    client.force_login(person)
    _take(Client(headers=BROWSER))  # a queue has formed
    forming.forget()
    assert client.get("/").status_code == 303
    response = client.get("/ho-so-nhap/")
    assert response.status_code == 200


def test_a_ticket_page_that_does_not_exist_is_404(one_slot, client):
    assert client.get("/hang-cho/khong-co/").status_code == 404
    assert client.get("/hang-cho/khong-co/vao/").status_code == 404


def test_the_next_address_stays_on_this_site(one_slot, client):
    client.post("/hang-cho/", {"hang": "chung", "tiep": "https://evil.example/"})
    assert Ticket.objects.get().next_path == "/"
    assert parse_qs(urlsplit("/hang-cho/?tiep=%2F").query) == {"tiep": ["/"]}


def test_someone_signed_in_finds_their_ticket_after_signing_in_elsewhere(one_slot, client):
    person = User.objects.create_user(username="o-dau", password="x", kind=User.Kind.CITIZEN)
    client.force_login(person)
    ticket_page = _take(client)
    laptop = Client(headers=BROWSER)
    laptop.force_login(person)
    room = laptop.get("/hang-cho/").content.decode()
    assert f'href="{ticket_page}"' in room and "Lượt của bạn" in room
    assert _take(laptop) == ticket_page  # one place each: taking again gives the same ticket


def test_one_address_cannot_fill_the_line_with_anonymous_tickets(one_slot, client, settings):
    """Anyone may take a ticket without signing in, so a script could push everybody back by
    taking thousands: an address gets a bounded number; signed-in people have one place each."""
    settings.WAITROOM_TICKETS_PER_ADDRESS = 3
    for _ in range(3):
        client.cookies.clear()  # a script keeps no cookie (a browser would get its place back)
        assert client.post("/hang-cho/", {"hang": "chung", "tiep": "/"}).status_code == 302
    client.cookies.clear()
    refused = client.post("/hang-cho/", {"hang": "chung", "tiep": "/"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "quá nhiều lượt" in refused.content.decode()
    assert Ticket.objects.count() == 3
    person = User.objects.create_user(username="co-ten", password="x", kind=User.Kind.CITIZEN)
    client.force_login(person)  # the same address, signed in: one place of their own
    assert client.post("/hang-cho/", {"hang": "chung", "tiep": "/"}).status_code == 302
    assert Ticket.objects.count() == 4


@pytest.fixture
def nginx_door(db, settings):
    """No slot is taken here: nginx turned the request away, and the door is all the
    application sees of it."""
    settings.PAGE_CACHE_SECONDS = 0
    forming.forget()
    yield
    forming.forget()


def test_a_page_nginx_turned_away_gets_its_place_at_the_rooms_door(nginx_door, client):
    from motcua.waitroom import capacity

    capacity.refused.flush()  # what earlier tests in this process left uncounted
    before = capacity._sum("shed", time.time() + 1)
    response = client.get("/hang-cho/cua/thu-tuc/?q=khai+sinh")
    assert response.status_code == 303
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/hang-cho/{ticket.secret}/"
    assert ticket.next_path == "/thu-tuc/?q=khai+sinh" and ticket.holder is None
    capacity.refused.flush()
    # Not a refusal for the capacity's samples: under a line, most of what nginx turns away
    # is newcomers being given places, not pages the platform failed to serve.
    assert capacity._sum("shed", time.time() + 1) == before
    # The same browser again (its ticket's cookie): the same place.
    assert client.get("/hang-cho/cua/")["Location"] == response["Location"]
    # The root page turned away leads back to the root; another site, never.
    other = Client(headers=BROWSER)
    other.get("/hang-cho/cua//evil.example/")
    assert Ticket.objects.order_by("-pk").first().next_path == "/"


def test_at_the_door_what_may_not_queue_gets_the_503_it_would_have_had(nginx_door, client):
    for path in ("/hang-cho/cua/can-bo/", "/hang-cho/cua/api/v1/procedures",
                 "/hang-cho/cua/hang-cho/abc/"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 503 and answer.has_header("Retry-After"), path
    # A tool that is not a browser opening a page: the room's page, which offers a place.
    tool = Client().get("/hang-cho/cua/thu-tuc/")
    assert tool.status_code == 303 and tool["Location"] == "/hang-cho/?tiep=%2Fthu-tuc%2F"
    assert Ticket.objects.count() == 0


def test_with_the_room_turned_off_nginx_door_answers_the_503(nginx_door, client, settings):
    settings.WAITROOM = False
    answer = client.get("/hang-cho/cua/thu-tuc/")
    assert answer.status_code == 503 and answer.has_header("Retry-After")
    assert Ticket.objects.count() == 0


def test_an_icon_nginx_turned_away_takes_no_place_at_the_door(nginx_door, client):
    client.get("/hang-cho/cua/favicon.ico")
    assert Ticket.objects.count() == 0
