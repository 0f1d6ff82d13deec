"""How a new authenticator device is shown to the officer: a QR code, and for anyone who
cannot scan it, the secret to type in and the otpauth:// link to open on the phone."""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice


@dataclass(frozen=True)
class EnrolmentDetails:
    qr_svg: SafeString
    secret: str
    config_url: str


def enrolment_details(device: TOTPDevice) -> EnrolmentDetails:
    url = device.config_url
    return EnrolmentDetails(qr_svg=qr_code_svg(url), secret=base32_secret(device), config_url=url)


def qr_code_svg(data: str) -> SafeString:
    # A white background and quiet zone so phones can scan it on a dark theme too.
    svg = segno.make(data, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=_("Mã QR để thêm vào ứng dụng")
    )
    return mark_safe(svg)


def base32_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
