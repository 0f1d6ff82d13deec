from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.identity.second_factor import (
    SecondFactorError,
    confirm_totp_device,
    current_totp_code,
    enrol_totp_device,
    verify_second_factor,
)

KEY = "3132333435363738393031323334353637383930"


@pytest.mark.django_db
def test_enrol_totp_device_replaces_earlier_devices_and_keeps_a_given_key(officer):
    enrol_totp_device(officer, confirmed=False)

    device = enrol_totp_device(officer, confirmed=True, key=KEY)

    assert list(TOTPDevice.objects.filter(user=officer)) == [device]
    assert device.confirmed
    assert device.key == KEY


@pytest.mark.django_db
def test_enrol_totp_device_rejects_a_key_that_is_not_hex(officer):
    with pytest.raises(ValidationError):
        enrol_totp_device(officer, confirmed=True, key="not-hex")


@pytest.mark.django_db
def test_verify_second_factor_counts_a_wrong_code_towards_throttling(officer, device):
    with pytest.raises(SecondFactorError):
        verify_second_factor(user=officer, code="000000" if current_totp_code(device) != "000000"
                             else "111111")  # fmt: skip
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@pytest.mark.django_db
def test_confirm_totp_device_counts_a_wrong_code_towards_throttling(officer):
    device = enrol_totp_device(officer, confirmed=False)
    wrong = "000000" if current_totp_code(device) != "000000" else "111111"
    with pytest.raises(SecondFactorError):
        confirm_totp_device(device=device, code=wrong)
    device.refresh_from_db()
    assert (device.confirmed, device.throttling_failure_count) == (False, 1)
