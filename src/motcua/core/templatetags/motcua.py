"""Template filters for Vietnamese formats: money in đồng, time limits, provenance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
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
