"""The six-monthly review: six months after the last approval, the coordinating department is
reminded once that the catalogue is due for review.

Decision (docs/data-catalogue.md): the reminder is a ReviewReminder row, one per version, shown
on the back office's catalogue page, and an email through the outbox to each reviewer of the
coordinator that has an address. The row is written in the same transaction as the emails, so
the job, run every hour and in any number of processes, reminds once per version.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core.public_urls import BACKOFFICE_DATA_CATALOGUE, absolute, fill
from motcua.dossiers.notify import notify_officers
from motcua.identity.models import User

from . import rules, selectors
from .models import ReviewReminder


def reviewers() -> list[User]:
    agency = rules.coordinator()
    if agency is None:
        return []
    return list(
        User.objects.filter(is_active=True, roles__agency=agency, roles__role__in=rules.REVIEWERS)
        .distinct()
        .order_by("username")
    )


def remind_due_review(now: datetime) -> ReviewReminder | None:
    """Remind the coordinator when the current version's review is due and it was not yet
    reminded; the reminder written, or None."""
    version = selectors.current_version()
    if version is None or ReviewReminder.objects.filter(version=version).exists():
        return None
    due = selectors.review_due_on(version)
    if timezone.localdate(now) < due:
        return None
    people = reviewers()
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Đến hạn rà soát danh mục cơ sở dữ liệu")
        body = _(
            "Danh mục cơ sở dữ liệu phiên bản %(n)s được phê duyệt ngày %(approved)s; đến ngày "
            "%(due)s đã đến hạn rà soát định kỳ sáu tháng. Xem các đề xuất chờ thẩm định: %(url)s"
        ) % {
            "n": version.number,
            "approved": f"{timezone.localdate(version.approved_at):%d/%m/%Y}",
            "due": f"{due:%d/%m/%Y}",
            "url": absolute(fill(BACKOFFICE_DATA_CATALOGUE)),
        }
    try:
        with transaction.atomic():
            reminder = ReviewReminder.objects.create(
                version=version, due_on=due, sent_at=now, recipients=len(people)
            )
            notify_officers(people, subject=subject, body=body,
                            key=f"datacatalog:review:{version.number}")  # fmt: skip
    except IntegrityError:  # another process reminded first
        return None
    return reminder
