"""Reset by a one-time code: hashed, 10 minutes, 5 tries, one use, throttled, no enumeration."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from motcua.core.admission import RateLimited
from motcua.core.security import security_event
from motcua.core.sms import MemorySmsBackend
from motcua.identity.accounts import AccountError
from motcua.identity.models import PasswordResetCode
from motcua.identity.password_reset import request_reset, reset_password

from .factories import AccountFactory

pytestmark = pytest.mark.django_db
NEW = "Hoa-sen-no-thang-6"


def _code_sent() -> str:
    texts = [m.body for m in mail.outbox] + [s.text for s in MemorySmsBackend.outbox]
    return re.findall(r"\b\d{6}\b", texts[-1])[0]


def test_a_code_goes_to_the_verified_email_and_is_stored_only_hashed():
    user = AccountFactory(email="an@example.vn", email_verified=True)
    request_reset(identifier="AN@example.vn")
    code = _code_sent()
    assert mail.outbox[0].to == ["an@example.vn"]
    record = PasswordResetCode.objects.get(user=user)
    assert record.code_hash != code and len(record.code_hash) == 64  # SHA-256, keyed
    assert record.expires_at - record.created_at == timedelta(minutes=10)


def test_a_phone_typed_gets_the_code_by_sms_when_the_phone_is_verified():
    AccountFactory(phone="0912345678", phone_verified=True, email_verified=True)
    request_reset(identifier="+84 912 345 678")
    assert [s.phone for s in MemorySmsBackend.outbox] == ["0912345678"]
    assert mail.outbox == []


def test_nothing_is_sent_to_an_unverified_address_nor_for_an_unknown_account():
    AccountFactory(email="lan@example.vn")  # typed at sign-up, never verified
    request_reset(identifier="lan@example.vn")
    request_reset(identifier="nobody@example.vn")
    assert mail.outbox == [] and MemorySmsBackend.outbox == []
    assert not PasswordResetCode.objects.exists()


def test_the_code_sets_a_new_password_once_and_clears_a_forced_change():
    user = AccountFactory(email_verified=True, must_change_password=True)
    request_reset(identifier=user.email)
    code = _code_sent()
    reset_password(identifier=user.email, code=code, new_password=NEW)
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.must_change_password
    with pytest.raises(AccountError):
        reset_password(identifier=user.email, code=code, new_password="Hoa-sen-no-thang-7")


def test_the_code_expires_after_10_minutes():
    user = AccountFactory(email_verified=True)
    request_reset(identifier=user.email)
    later = time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1))
    with later, pytest.raises(AccountError):
        reset_password(identifier=user.email, code=_code_sent(), new_password=NEW)


def test_five_wrong_codes_spend_the_code():
    user = AccountFactory(email_verified=True)
    request_reset(identifier=user.email)
    code = _code_sent()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(AccountError):
            reset_password(identifier=user.email, code=wrong, new_password=NEW)
    with pytest.raises(AccountError):
        reset_password(identifier=user.email, code=code, new_password=NEW)


def test_a_refused_password_does_not_spend_the_code():
    user = AccountFactory(email_verified=True)
    request_reset(identifier=user.email)
    code = _code_sent()
    with pytest.raises(AccountError) as refused:
        reset_password(identifier=user.email, code=code, new_password="matkhau12345")
    assert refused.value.field == "new_password"
    reset_password(identifier=user.email, code=code, new_password=NEW)


def test_a_new_request_ends_the_code_before_it():
    user = AccountFactory(email_verified=True)
    request_reset(identifier=user.email)
    first = _code_sent()
    request_reset(identifier=user.email)
    if first != _code_sent():
        with pytest.raises(AccountError):
            reset_password(identifier=user.email, code=first, new_password=NEW)
    assert PasswordResetCode.objects.filter(used_at__isnull=True).count() == 1


def test_requests_are_throttled_per_identifier_known_or_not():
    for identifier in ("nobody@example.vn", AccountFactory(email_verified=True).email):
        for _ in range(3):
            request_reset(identifier=identifier)
        with pytest.raises(RateLimited):
            request_reset(identifier=identifier.upper())


def test_requests_and_resets_are_announced_without_the_code():
    user = AccountFactory(email_verified=True)
    events = []

    def keep(**kwargs):
        events.append((kwargs["event"], kwargs["detail"]))

    security_event.connect(keep)
    try:
        request_reset(identifier=user.email)
        code = _code_sent()
        reset_password(identifier=user.email, code=code, new_password=NEW)
    finally:
        security_event.disconnect(keep)
    assert [e for e, _ in events] == ["password.reset_requested", "password.reset"]
    assert code not in repr(events) and NEW not in repr(events)
