"""The second factor of every account that reaches the back office, the admin or officer API
actions: enrolling an authenticator app and checking its codes. One rule for the back office's
sign-in and the API's token endpoint."""

from __future__ import annotations

import math

import django_otp
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice, key_validator

from .models import User

DEVICE_NAME = "Ứng dụng xác thực"


class SecondFactorError(Exception):
    """A code was refused; ``message`` is shown to the officer next to the code field."""

    def __init__(self, message: str, *, wrong_code: bool = False, wait: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.wrong_code = wrong_code  # a code was checked and refused (not a wait or a state)
        self.wait = wait  # seconds until a code may be tried again (django-otp's back-off)


def confirmed_totp_devices(user: User) -> QuerySet[TOTPDevice]:
    devices: QuerySet[TOTPDevice] = TOTPDevice.objects.filter(user=user, confirmed=True)
    return devices.order_by("pk")


@transaction.atomic
def enrol_totp_device(user: User, *, confirmed: bool, key: str | None = None) -> TOTPDevice:
    """Give ``user`` a single TOTP device, replacing any they had.

    ``key`` is hex-encoded, as ``TOTPDevice.key``; a random one is made when it is None.
    Used by the demo loader (``confirmed=True``) and by an IT team resetting a lost phone.
    """
    if key is not None:
        key_validator(key)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=confirmed)
    if key is not None:
        device.key = key
    device.save()
    return device


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """A new unconfirmed device, with a fresh secret, each time the enrolment page is shown.

    Earlier unconfirmed devices are dropped: a secret seen by whoever opened the page before
    (someone who learnt the password, say) is of no use once the officer opens it.
    """
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def verify_second_factor(*, user: User, code: str) -> TOTPDevice:
    """The confirmed device that accepts ``code``; raises SecondFactorError otherwise."""
    devices = list(confirmed_totp_devices(user))
    if not devices:
        raise SecondFactorError(_("Tài khoản chưa có ứng dụng xác thực."))
    _refuse_if_throttled(devices)
    for device in devices:
        # verify_token locks the row, so two requests cannot both spend the same code.
        if django_otp.verify_token(user, device.persistent_id, code):
            return device
    raise SecondFactorError(_("Mã xác thực không đúng hoặc đã hết hạn."), wrong_code=True)


def confirm_totp_device(*, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm an enrolment once the officer proves their app shows the right codes."""
    # No outer transaction: a wrong code must still count towards throttling.
    if confirmed_totp_devices(device.user).exists():
        raise SecondFactorError(_("Tài khoản đã có ứng dụng xác thực."))
    _refuse_if_throttled([device])
    if not django_otp.verify_token(device.user, device.persistent_id, code):
        raise SecondFactorError(_("Mã xác thực không đúng hoặc đã hết hạn."), wrong_code=True)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.refresh_from_db()
    return device


def current_totp_code(device: TOTPDevice) -> str:
    """The code the device's app shows now (for the demo and for testing a deployment)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def _refuse_if_throttled(devices: list[TOTPDevice]) -> None:
    # django-otp doubles the wait after each wrong code (1, 2, 4… seconds) per device.
    waits = [device.verify_is_allowed() for device in devices]
    if any(allowed for allowed, _info in waits):
        return
    until = min((info or {}).get("locked_until") or timezone.now() for _allowed, info in waits)
    seconds = (until - timezone.now()).total_seconds()
    raise SecondFactorError(_wait_message(seconds), wait=max(1, math.ceil(seconds)))


def _wait_message(seconds: float) -> str:
    if seconds > 90:
        minutes = math.ceil(seconds / 60)
        return ngettext(
            "Bạn đã nhập sai mã nhiều lần. Vui lòng đợi %(count)d phút rồi thử lại.",
            "Bạn đã nhập sai mã nhiều lần. Vui lòng đợi %(count)d phút rồi thử lại.",
            minutes,
        ) % {"count": minutes}
    count = max(1, math.ceil(seconds))
    return ngettext(
        "Bạn đã nhập sai mã nhiều lần. Vui lòng đợi %(count)d giây rồi thử lại.",
        "Bạn đã nhập sai mã nhiều lần. Vui lòng đợi %(count)d giây rồi thử lại.",
        count,
    ) % {"count": count}
