from __future__ import annotations

import sys

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from motcua import __main__ as entry_point
from motcua.audit import context, recording
from motcua.audit.models import Entry
from motcua.core.security import announce
from motcua.identity.models import OfficerRole, User
from tests.backoffice.conftest import UserFactory
from tests.factories import make_hanoi

pytestmark = pytest.mark.django_db


def _latest(event: str) -> Entry:
    return Entry.objects.filter(event=event).order_by("-sequence").first()


def test_an_announced_security_event_is_kept_with_who_and_from_where(rf):
    officer = UserFactory()
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    request.user = officer
    request.session = Client().session
    request.session.save()
    announce("otp.enrolled", request=request, user=officer, detail={"device": 3})
    entry = _latest("otp.enrolled")
    assert (entry.actor_id, entry.actor, entry.address) == (officer.pk, officer.username,
                                                            "203.0.113.9")  # fmt: skip
    assert entry.target == f"user:{officer.pk}"
    assert entry.detail == {"device": 3}
    assert entry.session and request.session.session_key not in entry.session  # a hash only


def test_a_failed_sign_in_keeps_the_name_tried_and_never_the_password(client):
    officer = UserFactory()
    client.post(reverse("backoffice:login"), {"username": officer.username, "password": "sai!"})
    entry = _latest("signin.failed")
    assert entry.detail == {"username": officer.username}
    assert "sai!" not in str(entry.detail) and "sai!" not in entry.actor


def test_a_sign_in_and_a_sign_out_are_kept(client):
    citizen = UserFactory(citizen=True)
    client.force_login(citizen)
    assert _latest("signin.succeeded").target == f"user:{citizen.pk}"
    client.post(reverse("backoffice:logout"))
    assert _latest("signout").actor_id == citizen.pk


def test_a_refused_page_is_recorded_as_denied_access(client):
    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("backoffice:inbox")).status_code == 403
    entry = _latest("access.denied")
    assert entry.target == "GET " + reverse("backoffice:inbox")
    assert entry.detail == {"status": 403}


def test_a_refusal_with_its_own_entry_is_recorded_once():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(reverse("portal:lookup"), {"code": "x"}).status_code == 403
    denials = Entry.objects.filter(event="access.denied")
    assert [entry.detail.get("check") for entry in denials] == ["csrf"]


def test_a_refused_api_call_is_recorded(client):
    assert client.get("/api/v1/dossiers/H26", HTTP_AUTHORIZATION="Bearer mc_x").status_code == 401
    assert _latest("access.denied").detail == {"status": 401}


def test_an_administrators_change_keeps_the_values_before_and_after_with_secrets_masked(client):
    staff = UserFactory(admin=True)
    officer = UserFactory()
    client.force_login(staff)
    with context.acting_request(_request_of(client, staff)):
        officer.full_name = "Lê Văn Mới"
        officer.set_password("mot-mat-khau-moi-rat-dai")
        officer.save()
    entry = _latest("record.changed")
    assert entry.target == f"identity.user:{officer.pk}"
    assert entry.detail["before"]["full_name"] == "Nguyễn Thị Hoa"
    assert entry.detail["after"]["full_name"] == "Lê Văn Mới"
    assert entry.detail["after"]["password"] == recording.MASK
    assert entry.actor_id == staff.pk


def test_a_citizens_own_changes_are_not_recorded_row_by_row(rf):
    citizen = UserFactory(citizen=True)
    before = Entry.objects.count()
    request = rf.get("/")
    request.user = citizen
    with context.acting_request(request):
        citizen.full_name = "Trần Văn Khác"
        citizen.save()
    assert Entry.objects.count() == before


def test_a_deletion_by_an_officer_keeps_the_row(rf):
    _, _, agency = make_hanoi()
    officer = UserFactory()
    role = OfficerRole.objects.create(user=officer, role="receiver", agency=agency)
    request = rf.get("/")
    request.user = UserFactory(admin=True)
    with context.acting_request(request):
        role.delete()
    entry = _latest("record.deleted")
    assert entry.detail["before"]["role"] == "receiver"


def test_a_command_records_each_row_it_changes_with_its_name():
    command = context.CommandRun(name="fix_agency", arguments=["--yes"])
    token = context.current_command.set(command)
    try:
        _, _, agency = make_hanoi()
        agency.name = "UBND Phường Hoàn Kiếm"
        agency.save()
    finally:
        context.current_command.reset(token)
    entry = _latest("record.changed")
    assert entry.actor == "command:fix_agency"
    assert entry.detail["after"]["name"] == "UBND Phường Hoàn Kiếm"


def test_a_bulk_loader_keeps_one_count_per_model_instead_of_each_row():
    command = context.CommandRun(name="load_units", arguments=[])
    before = Entry.objects.count()
    token = context.current_command.set(command)
    try:
        make_hanoi()
    finally:
        context.current_command.reset(token)
    assert Entry.objects.count() == before
    recording.command_finished(command, status=0)
    entry = _latest("command.finished")
    assert entry.detail["rows"]["identity.administrativeunit"] == {"created": 2}
    assert entry.detail["rows"]["identity.agency"] == {"created": 1}


def test_the_entry_point_records_the_command_its_arguments_and_its_status(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["motcua", "check", "--database", "default"])
    # A command closes its connections when it ends; that would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    entry_point.main()
    started, finished = _latest("command.run"), _latest("command.finished")
    assert started.actor == "command:check"
    assert started.detail == {"arguments": ["--database", "default"]}
    assert finished.detail == {"status": 0, "rows": {}}


def test_secret_looking_arguments_are_hidden():
    assert context.masked_arguments(["--password", "x", "--token=y", "--name", "z"]) == [
        "--password", "***", "--token=***", "--name", "z",
    ]  # fmt: skip


def _request_of(client: Client, user: User):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_technical_tables_are_not_recorded(rf):
    assert "sessions.session" in recording.SKIPPED_MODELS
    request = rf.get("/")
    request.user = UserFactory(admin=True)
    before = Entry.objects.count()
    with context.acting_request(request):
        Client().force_login(request.user)  # writes a session row and last_login
    recorded = Entry.objects.filter(sequence__gt=before).values_list("target", flat=True)
    assert not [target for target in recorded if target.startswith("sessions.")]


def test_tables_the_log_skips_keep_djangos_fast_bulk_delete():
    from django.contrib.sessions.models import Session
    from django.db.models.deletion import Collector

    from motcua.core.models import OutboxMessage

    collector = Collector(using="default")
    assert collector.can_fast_delete(Session.objects.all())
    assert collector.can_fast_delete(OutboxMessage.objects.all())


def test_a_refusal_stays_a_403_when_the_log_cannot_be_written(client, monkeypatch):
    from django.db import DatabaseError

    from motcua.audit import middleware

    def broken(request, status):
        raise DatabaseError("disk full")

    monkeypatch.setattr(middleware, "record_denial", broken)
    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("backoffice:inbox")).status_code == 403
