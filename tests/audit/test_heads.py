from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from motcua.audit import chain, heads
from motcua.audit.models import SignedHead
from motcua.audit.verify import verify
from motcua.documents import pki
from tests.factories import make_hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    _hanoi, _ward, ward_committee = make_hanoi()
    return ward_committee


def _some_entries() -> None:
    for number in range(3):
        chain.append("test.event", actor=chain.SYSTEM, detail={"n": number})


def test_the_head_is_signed_with_the_top_agencys_key_and_verifies(agency):
    _some_entries()
    signed = heads.sign_head()
    assert signed.key_name == agency.electronic_id
    assert heads.check_signature(signed).valid
    assert verify().intact


def test_the_daily_job_signs_once_a_day(agency):
    _some_entries()
    # Local noon: "five minutes later" must stay the same local day whenever the suite runs.
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    assert heads.sign_daily(now) is not None
    assert heads.sign_daily(now + timedelta(minutes=5)) is None
    assert heads.sign_daily(now + timedelta(days=1)) is not None
    assert SignedHead.objects.count() == 2


def test_sign_audit_head_signs_by_hand(agency):
    _some_entries()
    call_command("sign_audit_head")
    assert SignedHead.objects.count() == 1


def test_without_any_agency_there_is_no_key_and_the_command_says_so():
    _some_entries()
    with pytest.raises(CommandError):
        call_command("sign_audit_head")


def _tamper(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_signed_head DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_signed_head_no_update")
        cursor.execute(sql, params)


def test_a_forged_signature_is_reported(agency):
    _some_entries()
    signed = heads.sign_head()
    forged = base64.b64encode(b"\0" * 256).decode()
    _tamper("UPDATE audit_signed_head SET signature = %s WHERE id = %s", [forged, signed.pk])
    problems = verify().problems
    assert [(p.kind, p.sequence) for p in problems] == [("signature", signed.sequence)]


def test_a_head_signed_with_a_key_of_the_attackers_own_is_reported(agency, tmp_path):
    _some_entries()
    signed = heads.sign_head()
    # A whole other PKI: its certificate is not under the trusted root.
    pki.init_signing(tmp_path, [(agency.electronic_id, agency.name)])
    other = (tmp_path / "agencies" / f"{agency.electronic_id}.pem").read_text()
    _tamper("UPDATE audit_signed_head SET certificate = %s WHERE id = %s", [other, signed.pk])
    problems = verify().problems
    assert [(p.kind, p.sequence) for p in problems] == [("signature", signed.sequence)]


def test_a_rewritten_chain_no_longer_matches_its_signed_head(agency):
    _some_entries()
    signed = heads.sign_head()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
        # The attacker rewrites the signed entry and recomputes its hash.
        cursor.execute(
            "UPDATE audit_entry SET hash = %s WHERE sequence = %s", ["f" * 64, signed.sequence]
        )
    kinds = {(p.kind, p.sequence) for p in verify().problems}
    assert ("head", signed.sequence) in kinds


def test_the_daily_signature_is_a_periodic_job_like_the_others():
    from motcua.celery import beat_schedule
    from motcua.core.jobs import registered_jobs

    assert "sign_audit_head" in {job.name for job in registered_jobs()}
    assert beat_schedule()["sign_audit_head"]["args"] == ("sign_audit_head",)


def test_the_reads_waiting_to_be_chained_are_under_the_signature(agency):
    from motcua.audit.models import ChainHead, WaitingEntry
    from motcua.core.security import announce

    _some_entries()
    announce("data.exported", target="report:x", detail={"format": "json"})
    signed = heads.sign_head()
    assert not WaitingEntry.objects.exists()
    assert signed.sequence == ChainHead.objects.get(pk=1).sequence - 1  # then its own entry
    assert verify().intact
