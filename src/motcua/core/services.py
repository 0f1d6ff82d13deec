"""Writing the working calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import holidays
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Holiday, IdempotentRequest

# How long an API client's Idempotency-Key is remembered: retries come within minutes; a key
# sent again after a week is a new request (a submission's key stays tied to its dossier).
KEEP_IDEMPOTENCY_KEYS = timedelta(days=7)


@transaction.atomic
def seed_holidays(*, years: Iterable[int]) -> int:
    """Add the national days off and make-up working Saturdays of ``years``.

    A date already in the table is left alone, so an admin's correction survives re-seeding.
    Returns how many rows were added.
    """
    years = sorted(set(years))
    calendar = holidays.country_holidays("VN", years=years, language="vi")
    rows = [
        Holiday(date=day, kind=Holiday.Kind.DAY_OFF, name=str(name)[:200],
                source=Holiday.Source.PACKAGE)
        for day, name in calendar.items()
    ]  # fmt: skip
    # The package keeps make-up Saturdays of every year it knows, without names.
    rows += [
        Holiday(date=day, kind=Holiday.Kind.WORKING_DAY, name=str(_("Ngày làm việc bù")),
                source=Holiday.Source.PACKAGE)
        for day in sorted(calendar.weekend_workdays)
        if day.year in years
    ]  # fmt: skip
    dates = [row.date for row in rows]
    existing = set(Holiday.objects.filter(date__in=dates).values_list("date", flat=True))
    new = [row for row in rows if row.date not in existing]
    Holiday.objects.bulk_create(new)
    return len(new)


def forget_old_idempotency_keys(now: datetime) -> int:
    """Periodic job: drop the remembered answers older than KEEP_IDEMPOTENCY_KEYS."""
    old = IdempotentRequest.objects.filter(created_at__lt=now - KEEP_IDEMPOTENCY_KEYS)
    return old.delete()[0]
