from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp import verify_token

from motcua.identity.second_factor import enrol_totp_device


@pytest.mark.django_db
def test_totp_code_prints_a_code_the_device_accepts(officer, device):
    out = StringIO()

    call_command("totp_code", officer.username, stdout=out)

    code = out.getvalue().strip()
    assert len(code) == 6
    assert verify_token(officer, device.persistent_id, code) is not None


@pytest.mark.django_db
def test_totp_code_is_refused_in_production(settings, officer, device):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("totp_code", officer.username)


@pytest.mark.django_db
def test_totp_code_ignores_an_unconfirmed_device(officer):
    enrol_totp_device(officer, confirmed=False)
    with pytest.raises(CommandError, match="chưa có ứng dụng xác thực"):
        call_command("totp_code", officer.username)


@pytest.mark.django_db
def test_totp_code_names_an_unknown_user():
    with pytest.raises(CommandError, match="khong-co"):
        call_command("totp_code", "khong-co")
