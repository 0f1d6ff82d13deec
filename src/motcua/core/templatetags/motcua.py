"""Template filters for Vietnamese formats: money in đồng, time limits, provenance, and the
machine-readable time of a ``<time datetime>``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def group_thousands(amount: int) -> str:
    """8000 -> "8.000": Vietnamese groups thousands with dots."""
    return f"{int(amount):,}".replace(",", ".")


@register.filter
def vnd(amount: int | None) -> str:
    """8000 -> "8.000 đồng"; None -> a plain statement that the amount is not published."""
    if amount is None:
        return _("chưa công bố mức thu")
    if amount == 0:
        return _("Miễn phí")
    return _("%(amount)s đồng") % {"amount": group_thousands(int(amount))}


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))
    return text.replace(".", ",")


@register.filter
def time_limit(variant: Any) -> str:
    value = Decimal(variant.time_limit)
    count = int(value) if value == value.to_integral_value() else 2
    if variant.time_unit == "working_days":
        if value == 0:
            return _("Trong ngày làm việc")
        text = ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count)
    elif variant.time_unit == "working_hours":
        text = ngettext("%(n)s giờ làm việc", "%(n)s giờ làm việc", count)
    else:
        text = ngettext("%(n)s ngày", "%(n)s ngày", count)
    return text % {"n": _number(value)}


@register.filter
def hours(value: Decimal) -> str:
    return _number(Decimal(value))


@register.filter
def is_unsure(marker: object) -> bool:
    return isinstance(marker, str) and marker.startswith("[unsure")


@register.filter
def machine_time(value: date | datetime | None) -> str:
    """The value of a ``<time datetime>``: to the second, in the local zone, with its offset
    ("2026-11-23T09:00:00+07:00"). Django's ``date:'c'`` keeps the microseconds, which HTML
    does not allow there (more than 3 fractional digits)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
