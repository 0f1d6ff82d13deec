from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse

from motcua.core import outbox
from motcua.core.models import OutboxMessage
from motcua.core.outbox import (
    DeliveryError,
    DeliveryReport,
    OutboxError,
    backoff,
    deliver_due,
    deliver_message,
    enqueue,
    release_held,
    schedule_now,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VN)
EMAIL = {"subject": "Hồ sơ đã được tiếp nhận", "body": "Mã hồ sơ: 000.00.01.H26-260302-0001",
         "html": "<p>Mã hồ sơ: <strong>000.00.01.H26-260302-0001</strong></p>"}  # fmt: skip
SYNC = {"MaHoSo": "000.00.01.H26-260302-0001", "TrangThaiHoSo": "2",
        "NgayTiepNhan": "20260302090000"}  # fmt: skip

Pending = OutboxMessage.Status.PENDING
Sent = OutboxMessage.Status.SENT
Held = OutboxMessage.Status.HELD


class FlakySender:
    """A channel that refuses until told to accept, and counts what it was given."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.failing = True

    def __call__(self, message: OutboxMessage) -> None:
        self.calls.append(message.pk)
        if self.failing:
            raise DeliveryError("Máy chủ đang bận")


@pytest.fixture
def flaky(monkeypatch) -> FlakySender:
    sender = FlakySender()
    monkeypatch.setitem(outbox._CHANNELS, "flaky", outbox.Channel("flaky", sender))
    return sender


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Enqueue in a transaction that commits, running the after-commit attempt."""

    def enqueue_and_commit(**kwargs) -> OutboxMessage:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            message = enqueue(**kwargs)
        message.refresh_from_db()
        return message

    return enqueue_and_commit


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(channel="email", recipient="dan@example.vn", payload=EMAIL)
        raise RuntimeError("the state change failed")

    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_committed_message_is_emailed_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            message = enqueue(channel="email", recipient="dan@example.vn", payload=EMAIL)
        assert mail.outbox == [], "nothing may leave before the commit"

    assert len(callbacks) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Sent, 1)
    [email] = mail.outbox
    assert (email.subject, email.to, email.body) == (EMAIL["subject"], ["dan@example.vn"],
                                                     EMAIL["body"])  # fmt: skip
    assert email.alternatives[0][0] == EMAIL["html"]


@pytest.mark.django_db
def test_an_email_without_html_is_plain_text(committed):
    committed(channel="email", recipient="dan@example.vn", payload={**EMAIL, "html": None})

    assert mail.outbox[0].alternatives == []


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_enqueue_outside_a_transaction():
    with pytest.raises(OutboxError, match="giao dịch"):
        enqueue(channel="email", recipient="dan@example.vn", payload=EMAIL)


@pytest.mark.django_db
def test_it_rejects_an_unknown_channel():
    with pytest.raises(OutboxError, match="fax"), transaction.atomic():
        enqueue(channel="fax", recipient="024 3825 3536", payload={"text": "…"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "recipient", "payload"),
    [
        ("email", "dan@example.vn", {"subject": "Thiếu nội dung"}),
        ("email", "", EMAIL),
        ("email", "dan@example.vn", {**EMAIL, "subject": "Hai\ndòng"}),
        ("sms", "0912345678", {"text": ""}),
        ("sms", "", {"text": "Hồ sơ đã được tiếp nhận"}),
        ("national_portal", "", {}),
    ],
)
def test_it_rejects_a_message_its_channel_could_never_send(channel, recipient, payload):
    with pytest.raises(OutboxError), transaction.atomic():
        enqueue(channel=channel, recipient=recipient, payload=payload)

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"at": datetime(2026, 3, 2, 9, 0)}, ""),
        (["not", "an", "object"], ""),
        ({"text": "…"}, "k" * 201),
    ],
)
def test_it_rejects_a_payload_that_is_not_json_or_a_key_too_long(flaky, payload, key):
    with pytest.raises(OutboxError), transaction.atomic():
        enqueue(channel="flaky", recipient="x", payload=payload, key=key)


def test_backoff_doubles_from_one_minute_up_to_an_hour():
    minutes = [backoff(attempts) / timedelta(minutes=1) for attempts in range(1, 9)]

    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60]
    assert backoff(10_000) == timedelta(hours=1)


@pytest.mark.django_db
def test_a_failing_sender_leaves_the_message_pending_with_a_backoff(flaky, committed, frozen):
    message = committed(channel="flaky", recipient="x", payload={"n": 1})

    assert (message.status, message.attempts) == (Pending, 1)
    assert message.last_error == "Máy chủ đang bận"
    assert message.next_attempt_at == NOW + timedelta(minutes=1)
    assert message.sent_at is None


@pytest.mark.django_db
def test_a_failed_message_is_sent_by_a_later_round_and_never_twice(flaky, committed, frozen):
    message = committed(channel="flaky", recipient="x", payload={"n": 1})

    frozen.shift(timedelta(seconds=30))
    assert deliver_due() == DeliveryReport(), "not due before its backoff"
    frozen.shift(timedelta(seconds=30))
    assert deliver_due() == DeliveryReport(failed=1)
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (2, NOW + timedelta(minutes=3))

    flaky.failing = False
    frozen.shift(timedelta(minutes=2))
    assert deliver_due() == DeliveryReport(sent=1)
    frozen.shift(timedelta(hours=2))
    assert deliver_due() == DeliveryReport()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Sent, 3)
    assert message.sent_at == NOW + timedelta(minutes=3)
    assert flaky.calls == [message.pk] * 3


@pytest.mark.django_db
def test_deliver_due_takes_an_explicit_time(flaky, committed, frozen):
    committed(channel="flaky", recipient="x", payload={"n": 1})
    flaky.failing = False

    assert deliver_due(now=NOW + timedelta(seconds=59)) == DeliveryReport()
    assert deliver_due(now=NOW + timedelta(minutes=1)) == DeliveryReport(sent=1)


@pytest.mark.django_db
def test_a_round_sends_at_most_its_limit(flaky, committed, frozen):
    for n in range(3):
        committed(channel="flaky", recipient="x", payload={"n": n})
    flaky.failing = False
    later = NOW + timedelta(minutes=1)

    assert deliver_due(now=later, limit=2) == DeliveryReport(sent=2)
    assert deliver_due(now=later, limit=2) == DeliveryReport(sent=1)


@pytest.mark.django_db
def test_a_crash_after_the_commit_loses_nothing(django_capture_on_commit_callbacks, frozen):
    # The process dies after the commit, before the after-commit attempt runs.
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        message = enqueue(channel="email", recipient="dan@example.vn", payload=EMAIL)
    assert mail.outbox == []

    assert deliver_due() == DeliveryReport(sent=1)
    message.refresh_from_db()
    assert message.status == Sent
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failing_immediate_attempt_never_reaches_the_caller(committed, monkeypatch, frozen):
    def broken(message_id: int) -> None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(outbox, "deliver_message", broken)

    message = committed(channel="email", recipient="dan@example.vn", payload=EMAIL)

    assert message.status == Pending
    monkeypatch.undo()
    assert deliver_due() == DeliveryReport(sent=1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_immediate_attempt_can_be_left_to_the_delivery_loop(committed, settings, frozen):
    settings.OUTBOX_DELIVER_ON_COMMIT = False

    message = committed(channel="email", recipient="dan@example.vn", payload=EMAIL)

    assert (message.status, mail.outbox) == (Pending, [])
    assert deliver_due() == DeliveryReport(sent=1)


@pytest.mark.django_db
def test_a_second_worker_skips_a_message_being_sent(monkeypatch, committed, frozen):
    seen: list[DeliveryReport] = []

    def sender_racing_another_worker(message: OutboxMessage) -> None:
        seen.append(deliver_due())

    monkeypatch.setitem(
        outbox._CHANNELS, "racy", outbox.Channel("racy", sender_racing_another_worker)
    )
    message = committed(channel="racy", recipient="x", payload={"n": 1})

    assert seen == [DeliveryReport()]
    assert message.status == Sent


@pytest.mark.django_db
def test_a_message_whose_worker_died_mid_send_is_due_again_when_its_claim_expires(
    flaky, frozen, django_capture_on_commit_callbacks
):
    flaky.failing = False
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        message = enqueue(channel="flaky", recipient="x", payload={"n": 1})
    outbox._claim(now=NOW)  # claimed by a worker that then died

    assert deliver_message(message.pk) is None
    assert deliver_due(now=NOW + timedelta(minutes=4)) == DeliveryReport()
    assert deliver_due(now=NOW + outbox.claim_time()) == DeliveryReport(sent=1)
    assert flaky.calls == [message.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_workers_running_at_once_never_send_a_message_twice(monkeypatch, settings):
    settings.OUTBOX_DELIVER_ON_COMMIT = False
    sent: list[int] = []
    guard = threading.Lock()

    def slow_sender(message: OutboxMessage) -> None:
        time.sleep(0.01)  # long enough for the other workers to reach the same rows
        with guard:
            sent.append(message.pk)

    monkeypatch.setitem(outbox._CHANNELS, "slow", outbox.Channel("slow", slow_sender))
    with transaction.atomic():
        ids = [enqueue(channel="slow", recipient="x", payload={"n": n}).pk for n in range(20)]
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        try:
            deliver_due()
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker) for _ in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    assert sorted(sent) == sorted(ids)
    assert OutboxMessage.objects.filter(status=Sent).count() == 20


@pytest.mark.django_db
def test_a_key_already_used_returns_the_existing_message(committed):
    first = committed(channel="email", recipient="dan@example.vn", payload=EMAIL, key="tiep-nhan:1")
    again = committed(
        channel="email", recipient="dan@example.vn", payload={**EMAIL, "body": "…"},
        key="tiep-nhan:1",
    )  # fmt: skip

    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_keyed_message_is_one_statement_and_a_taken_key_leaves_the_transaction_usable(
    django_assert_num_queries,
):
    with transaction.atomic():
        with django_assert_num_queries(1):  # no look-up first, no savepoint
            first = enqueue(channel="email", recipient="a@example.vn", payload=EMAIL, key="k:1")
        again = enqueue(channel="email", recipient="b@example.vn", payload=EMAIL, key="k:1")
        other = enqueue(channel="email", recipient="c@example.vn", payload=EMAIL, key="k:2")

    assert again.pk == first.pk and again.recipient == "a@example.vn"
    assert OutboxMessage.objects.get(pk=first.pk).payload == EMAIL
    assert OutboxMessage.objects.filter(key="k:2").get().pk == other.pk


@pytest.mark.django_db
def test_messages_without_a_key_are_never_merged(committed):
    committed(channel="email", recipient="dan@example.vn", payload=EMAIL)
    committed(channel="email", recipient="dan@example.vn", payload=EMAIL)

    assert OutboxMessage.objects.count() == 2


@pytest.mark.django_db
def test_a_sync_message_is_held_while_no_national_portal_is_configured(committed, frozen):
    message = committed(channel="national_portal", recipient="", payload=SYNC)

    assert message.status == Held
    assert deliver_due(now=NOW + timedelta(days=30)) == DeliveryReport()
    with pytest.raises(OutboxError, match="chưa được cấu hình"):
        release_held("national_portal")
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Held, 0)


@pytest.mark.django_db
def test_held_messages_are_released_and_sent_once_the_portal_is_configured(
    committed, settings, frozen, national_portal
):
    settings.NATIONAL_PORTAL_URL = ""
    message = committed(channel="national_portal", recipient="", payload=SYNC)
    settings.NATIONAL_PORTAL_URL = national_portal.url

    assert release_held("national_portal") == 1
    assert deliver_due() == DeliveryReport(sent=1)

    message.refresh_from_db()
    assert message.status == Sent
    assert [request.json() for request in national_portal.received] == [SYNC]


@pytest.mark.django_db
def test_a_pending_message_of_a_channel_that_lost_its_settings_is_held(
    committed, settings, frozen, national_portal
):
    national_portal.answer.status = 503
    message = committed(channel="national_portal", recipient="", payload=SYNC)
    settings.NATIONAL_PORTAL_URL = ""

    assert deliver_due(now=NOW + timedelta(hours=1)) == DeliveryReport(held=1)
    message.refresh_from_db()
    assert message.status == Held


@pytest.mark.django_db
def test_the_national_portal_receives_the_payload_as_json_with_the_token(
    committed, national_portal
):
    message = committed(channel="national_portal", recipient="", payload=SYNC)

    assert message.status == Sent
    [request] = national_portal.received
    assert request.path == "/dvcqg/dong-bo-ho-so"
    assert request.json() == SYNC
    assert request.headers["Authorization"] == "Bearer ma-bi-mat-thu-nghiem"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.django_db
def test_no_authorization_header_is_sent_without_a_token(committed, national_portal, settings):
    settings.NATIONAL_PORTAL_TOKEN = ""

    committed(channel="national_portal", recipient="", payload=SYNC)

    assert "Authorization" not in national_portal.received[0].headers


@pytest.mark.django_db
def test_a_portal_answering_500_leaves_the_message_pending(committed, national_portal, frozen):
    national_portal.answer.status = 500
    national_portal.answer.body = '{"error": "Lỗi hệ thống DVCQG"}'

    message = committed(channel="national_portal", recipient="", payload=SYNC)

    assert (message.status, message.attempts) == (Pending, 1)
    assert "HTTP 500" in message.last_error
    assert "Lỗi hệ thống DVCQG" in message.last_error
    assert message.next_attempt_at == NOW + timedelta(minutes=1)

    national_portal.answer.status = 200
    assert deliver_due(now=NOW + timedelta(minutes=1)) == DeliveryReport(sent=1)
    assert len(national_portal.received) == 2


@pytest.mark.django_db
def test_a_redirect_is_not_a_delivery(committed, national_portal):
    national_portal.answer.status = 302

    message = committed(channel="national_portal", recipient="", payload=SYNC)

    assert message.status == Pending
    assert "HTTP 302" in message.last_error


@pytest.mark.django_db
def test_an_unreachable_portal_leaves_the_message_pending(committed, national_portal, settings):
    url = national_portal.url
    national_portal.shutdown()
    national_portal.server_close()
    settings.NATIONAL_PORTAL_URL = url

    message = committed(channel="national_portal", recipient="", payload=SYNC)

    assert message.status == Pending
    assert "Không kết nối được" in message.last_error


@pytest.mark.django_db
def test_schedule_now_makes_failed_and_released_messages_due(flaky, committed, frozen, settings):
    failed = committed(channel="flaky", recipient="x", payload={"n": 1})
    held = committed(channel="national_portal", recipient="", payload=SYNC)
    sent = committed(channel="email", recipient="dan@example.vn", payload=EMAIL)

    ids = [failed.pk, held.pk, sent.pk]
    assert schedule_now(message_ids=ids) == [failed.pk]
    settings.NATIONAL_PORTAL_URL = "https://dvcqg.example.vn/dong-bo"
    assert sorted(schedule_now(message_ids=ids)) == [failed.pk, held.pk]
    held.refresh_from_db()
    assert (held.status, held.next_attempt_at) == (Pending, NOW)


@pytest.fixture
def admin_client(client, settings, django_user_model):
    # The second factor has its own tests (tests/backoffice); these are about the admin pages.
    settings.OFFICER_2FA_REQUIRED = False
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "x")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_an_admin_retries_a_failed_message_now(admin_client, flaky, committed, frozen):
    message = committed(channel="flaky", recipient="x", payload={"n": 1})
    flaky.failing = False

    response = admin_client.post(
        reverse("admin:core_outboxmessage_changelist"),
        {"action": "retry_now", "_selected_action": [message.pk]},
        follow=True,
    )

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == Sent
    assert "Đã gửi 1 trên 1" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_lists_messages_but_never_edits_them(admin_client, committed):
    message = committed(channel="email", recipient="dan@example.vn", payload=EMAIL)

    listing = admin_client.get(reverse("admin:core_outboxmessage_changelist"))
    detail = admin_client.get(reverse("admin:core_outboxmessage_change", args=[message.pk]))
    adding = admin_client.get(reverse("admin:core_outboxmessage_add"))

    assert "dan@example.vn" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert adding.status_code == 403


@pytest.mark.django_db
def test_the_deliver_command_releases_held_messages_and_sends_them(
    committed, settings, national_portal
):
    settings.NATIONAL_PORTAL_URL = settings.SMS_BACKEND = ""
    committed(channel="national_portal", recipient="", payload=SYNC)
    committed(channel="sms", recipient="0912345678", payload={"text": "Hồ sơ đã tiếp nhận"})
    settings.NATIONAL_PORTAL_URL = national_portal.url  # the portal is configured, SMS is not
    out, err = StringIO(), StringIO()

    call_command("deliver_outbox", "--release-held", stdout=out, stderr=err)

    assert "national_portal: 1 held messages released." in out.getvalue()
    assert "1 sent, 0 failed (will retry), 0 held." in out.getvalue()
    assert "sms:" in err.getvalue()
    assert OutboxMessage.objects.get(channel="sms").status == Held


@pytest.mark.django_db
def test_the_deliver_command_loops_until_interrupted(committed, monkeypatch, settings):
    settings.OUTBOX_DELIVER_ON_COMMIT = False
    committed(channel="email", recipient="dan@example.vn", payload=EMAIL)

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("motcua.core.management.commands.deliver_outbox.time.sleep", interrupt)
    out = StringIO()

    call_command("deliver_outbox", "--loop", stdout=out)

    assert out.getvalue() == "1 sent, 0 failed (will retry), 0 held.\n"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_batch_writes_its_keyed_messages_in_one_statement_and_sends_each_after_the_commit(
    django_assert_num_queries,
):
    with transaction.atomic():
        enqueue(channel="email", recipient="a@example.vn", payload=EMAIL, key="k:taken")
    mail.outbox.clear()
    with transaction.atomic():  # committed for real: its messages are sent after the commit
        with django_assert_num_queries(1), outbox.batch():
            enqueue(channel="email", recipient="b@example.vn", payload=EMAIL, key="k:1")
            with outbox.batch():  # inside another: the outer one's
                enqueue(channel="sms", recipient="0912345678", payload={"text": "x"}, key="k:2")
            enqueue(channel="email", recipient="c@example.vn", payload=EMAIL, key="k:taken")
        assert mail.outbox == [], "nothing may leave before the commit"
    by_key = {m.key: m for m in OutboxMessage.objects.all()}
    assert set(by_key) == {"k:taken", "k:1", "k:2"}
    assert by_key["k:taken"].recipient == "a@example.vn"  # left as it was
    assert by_key["k:1"].status == by_key["k:2"].status == Sent
    assert [m.to for m in mail.outbox] == [["b@example.vn"]]


@pytest.mark.django_db
def test_a_batch_that_raises_writes_nothing_and_the_next_writes_again():
    with pytest.raises(RuntimeError), transaction.atomic(), outbox.batch():
        enqueue(channel="email", recipient="a@example.vn", payload=EMAIL, key="k:1")
        raise RuntimeError("the move failed")
    assert not OutboxMessage.objects.exists()
    with transaction.atomic(), outbox.batch():
        enqueue(channel="email", recipient="a@example.vn", payload=EMAIL, key="k:1")
        enqueue(channel="email", recipient="a@example.vn", payload=EMAIL)  # no key: at once
        assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.count() == 2


@pytest.fixture
def queued(settings, monkeypatch) -> list[list[int]]:
    """The tasks sent to the worker (Redis set), each the ids it was given."""
    from motcua.core import tasks

    sent: list[list[int]] = []
    monkeypatch.setattr(tasks.deliver_outbox_messages, "delay", sent.append)
    settings.CELERY_ENABLED = True
    return sent


@pytest.mark.django_db
def test_a_batchs_messages_go_to_the_worker_as_one_task(django_capture_on_commit_callbacks, queued):
    """One task for the messages of one change (issue 18): a task costs the worker and the
    broker more than a message's own sending."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with outbox.batch():
            enqueue(channel="email", recipient="b@example.vn", payload=EMAIL, key="k:1")
            enqueue(channel="sms", recipient="0912345678", payload={"text": "x"}, key="k:2")
        enqueue(channel="email", recipient="c@example.vn", payload=EMAIL)  # outside: its own
    ids = {m.key or m.recipient: m.pk for m in OutboxMessage.objects.all()}
    assert queued == [[ids["k:1"], ids["k:2"]], [ids["c@example.vn"]]]
    assert mail.outbox == [], "the worker sends them, not the request"


@pytest.mark.django_db
def test_the_worker_sends_each_message_of_a_task_even_when_one_fails(
    django_capture_on_commit_callbacks, queued, frozen, flaky
):
    from motcua.core import tasks

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), outbox.batch():
        enqueue(channel="email", recipient="a@example.vn", payload=EMAIL, key="k:1")
        enqueue(channel="flaky", recipient="x", payload={}, key="k:2")
        enqueue(channel="email", recipient="c@example.vn", payload=EMAIL, key="k:3")
    assert tasks.deliver_outbox_messages.run(queued[0]) == ["sent", "failed", "sent"]
    assert [m.to for m in mail.outbox] == [["a@example.vn"], ["c@example.vn"]]
    assert OutboxMessage.objects.get(key="k:2").status == Pending  # for its retry
    assert tasks.deliver_outbox_messages.run(queued[0]) == [None, None, None]  # never twice
