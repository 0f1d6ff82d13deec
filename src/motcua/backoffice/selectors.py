"""Reads for the back-office shell."""

from __future__ import annotations

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.identity.models import OfficerRole, User


def confirmed_totp_devices(user: User) -> QuerySet[TOTPDevice]:
    devices: QuerySet[TOTPDevice] = TOTPDevice.objects.filter(user=user, confirmed=True)
    return devices.order_by("pk")


def unconfirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()


def roles_of(user: User) -> QuerySet[OfficerRole]:
    return (
        OfficerRole.objects.filter(user=user)
        .select_related("agency", "agency__unit")
        .order_by("agency__name", "role")
    )
