"""Reads of feedback shared by the doors: who sees which items, the agency's inbox with its
due-soon and overdue marks, open items nearby (before sending a duplicate), the public answers,
and the Decision 766 figures (5.2 on time, 5.3 satisfaction) with counts per channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.core.calendar import working_calendar
from motcua.core.text import search_terms
from motcua.dossiers.access import officer_scope
from motcua.dossiers.models import Dossier
from motcua.identity.models import AdministrativeUnit
from motcua.identity.validators import normalise_phone

from . import rules
from .models import (
    OPEN_STATUSES,
    FeedbackItem,
    ItemChannel,
    ItemStatus,
    Rating,
    Topic,
)
from .routing import distance_m

DUE_SOON_HOURS = Decimal(8)
NEARBY_METRES = 50


def handled_agencies(user: Any) -> frozenset[int] | None:
    """The agencies whose items ``user`` handles; None for everything (a system admin)."""
    scope = officer_scope(user)
    if scope.is_system_admin:
        return None
    return frozenset(a for r in rules.HANDLERS for a in scope.by_role.get(r, frozenset()))


def _conduct() -> Q:
    """rules.is_conduct as a filter."""
    return (
        Q(leaders_only=True)
        | Q(classification="conduct")
        | Q(classification="", topic__default_classification="conduct")
    )


def led_agencies(user: Any) -> frozenset[int]:
    scope = officer_scope(user)
    return frozenset(a for r in rules.LEADERS for a in scope.by_role.get(r, frozenset()))


def _handled(user: Any, agencies: frozenset[int]) -> Q:
    """rules.is_handler as a filter: conduct items for leaders only, never the officer named."""
    leading = led_agencies(user)
    return (
        (Q(agency_id__in=agencies) & ~_conduct()) | (Q(agency_id__in=leading) & _conduct())
    ) & ~Q(officer=user)


def visible_items(user: Any) -> QuerySet[FeedbackItem]:
    """Every item ``user`` may open (rules.may_see, as a query)."""
    items = FeedbackItem.objects.select_related("topic", "agency", "ward")
    if not getattr(user, "is_authenticated", False):
        return items.none()
    agencies = handled_agencies(user)
    if agencies is None:
        return items
    return items.filter(_handled(user, agencies) | Q(recorded_by=user) | Q(sender=user))


def sent_by(user: Any) -> QuerySet[FeedbackItem]:
    """The items a citizen sent or follows."""
    if not getattr(user, "is_authenticated", False):
        return FeedbackItem.objects.none()
    return (
        FeedbackItem.objects.filter(Q(sender=user) | Q(followers=user))
        .select_related("topic", "agency", "sender", "dossier")
        .distinct()
    )


def dossier_for_sender(code: str, *, user: Any = None, phone: str = "") -> Dossier | None:
    """The dossier a sender may name in an item: one of their own (a signed-in applicant), or,
    for a sender without an account, one whose applicant phone is the phone they verified by a
    code. None otherwise, whether or not the code exists (never tell which)."""
    code = (code or "").strip()
    if not code or len(code) > 40:
        return None
    found = Dossier.objects.select_related("agency__unit", "version__procedure").filter(code=code)
    if getattr(user, "is_authenticated", False):
        return found.filter(applicant=user).first()
    phone = normalise_phone(phone or "")
    if not phone:
        return None
    dossier = found.exclude(applicant_phone="").first()
    if dossier is None or normalise_phone(dossier.applicant_phone) != phone:
        return None
    return dossier


def soon_limit(now: datetime) -> datetime:
    calendar = working_calendar()
    return calendar.add_working_hours(calendar.next_working_moment(now), DUE_SOON_HOURS)


def mark(item: FeedbackItem, now: datetime | None = None, limit: datetime | None = None) -> str:
    """ "overdue", "due_soon" or "" for the item's next deadline."""
    now = now or timezone.now()
    if item.due_at is None:
        return ""
    if item.due_at < now:
        return "overdue"
    return "due_soon" if item.due_at <= (limit or soon_limit(now)) else ""


def inbox(user: Any, *, tab: str = "open") -> QuerySet[FeedbackItem]:
    """The agency's items: ``open`` (waiting for the agency, by next deadline), ``reopen``
    (reopen requests for leaders), ``publish`` (answered, not yet published), ``all``."""
    agencies = handled_agencies(user)
    items = FeedbackItem.objects.select_related("topic", "agency", "ward")
    if agencies is not None:
        items = items.filter(_handled(user, agencies))
    if tab == "open":
        return items.filter(status__in=OPEN_STATUSES).order_by("due_at", "received_at")
    if tab == "reopen":
        return items.filter(reopen_requested_at__isnull=False, reopen_decision="").order_by(
            "reopen_requested_at"
        )
    if tab == "publish":
        return items.filter(
            status=ItemStatus.ANSWERED, published_at__isnull=True, topic__is_private=False
        ).order_by("publish_by")
    return items.order_by("-received_at")


def recorded_by(user: Any) -> QuerySet[FeedbackItem]:
    """The calls a hotline operator recorded."""
    return FeedbackItem.objects.filter(recorded_by=user).select_related("topic", "agency")


def nearby_open(
    *,
    ward: AdministrativeUnit | None,
    topic: Topic | None,
    latitude: Any = None,
    longitude: Any = None,
    limit: int = 10,
) -> list[FeedbackItem]:
    """Open items on the same subject nearby: same ward and topic, and within 50 m when a
    position is given. Never items of a private topic (their existence is private too)."""
    if ward is None or topic is None or topic.is_private:
        return []
    # The sender and dossier: privacy.scrub reads their names for each item shown.
    items = (
        FeedbackItem.objects.filter(ward=ward, topic=topic, status__in=OPEN_STATUSES)
        .select_related("sender", "dossier")
        .order_by("-received_at")
    )
    if latitude in (None, "") or longitude in (None, ""):
        return list(items[:limit])
    lat, lon = float(latitude), float(longitude)
    close = [
        item
        for item in items.filter(latitude__isnull=False)[:500]
        if distance_m(lat, lon, float(item.latitude), float(item.longitude))  # type: ignore[arg-type]
        <= NEARBY_METRES
    ]
    return close[:limit]


def public_answers(query: str = "") -> QuerySet[FeedbackItem]:
    """Published answers (never a private topic), newest first, searchable without diacritics."""
    items = FeedbackItem.objects.filter(
        published_at__isnull=False, topic__is_private=False
    ).select_related("topic", "agency", "ward")
    for word in search_terms(query):
        items = items.filter(public_folded__contains=word)
    return items.order_by("-published_at")


@dataclass
class Figures:
    """Decision 766, criteria 5.2 and 5.3, over the items received in a period."""

    total: int = 0
    on_time: int = 0
    late: int = 0
    disliked: int = 0
    repeated: int = 0
    unsatisfied: int = 0  # disliked, late or repeated (each item once)
    by_channel: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> Decimal | None:
        """5.2: share handled on time."""
        return _percent(self.on_time, self.total)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """5.3: (total − dislikes − late − repeated) / total, each item counted once."""
        return _percent(self.total - self.unsatisfied, self.total)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def _counted_in(
    agencies: Any, start: datetime | None, end: datetime | None
) -> QuerySet[FeedbackItem]:
    items = FeedbackItem.objects.counted()
    if agencies is not None:
        items = items.filter(agency__in=list(agencies))
    if start is not None:
        items = items.filter(received_at__gte=start)
    if end is not None:
        items = items.filter(received_at__lt=end)
    return items


def _figure_counts(now: datetime) -> dict[str, Count]:
    """The counts of 5.2 and 5.3, one definition for ``figures`` and ``figures_by_agency``."""
    late = (
        Q(was_late=True)
        | Q(status__in=OPEN_STATUSES, due_at__lt=now)
        | Q(status=ItemStatus.ANSWERED, published_at__isnull=True, due_at__lt=now)
    )
    disliked = Q(rating=Rating.DISLIKE)
    repeated = Q(repeated_of__isnull=False)
    return {
        "total": Count("pk"),
        "late": Count("pk", filter=late),
        "disliked": Count("pk", filter=disliked),
        "repeated": Count("pk", filter=repeated),
        "unsatisfied": Count("pk", filter=late | disliked | repeated),
    }


def _figures_of(counts: dict[str, int], channels: dict[str, int]) -> Figures:
    return Figures(
        total=counts["total"],
        on_time=counts["total"] - counts["late"],
        late=counts["late"],
        disliked=counts["disliked"],
        repeated=counts["repeated"],
        unsatisfied=counts["unsatisfied"],
        by_channel={c: channels.get(c, 0) for c in ItemChannel.values},
    )


def figures(
    agencies: Any = None,
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    now: datetime | None = None,
) -> Figures:
    """The figures for the items ``agencies`` (ids or Agency rows; None: all) received in
    [start, end). An open item past its deadline counts as late; a merged duplicate not at all."""
    items = _counted_in(agencies, start, end)
    counts = items.aggregate(**_figure_counts(now or timezone.now()))
    channels = dict(items.values_list("channel").annotate(n=Count("pk")).order_by())
    return _figures_of(counts, channels)


def figures_by_agency(
    agencies: Any, start: datetime, end: datetime, *, now: datetime | None = None
) -> dict[int, Figures]:
    """``figures`` for each of ``agencies`` at once (one query; channels not split)."""
    rows = (
        _counted_in(agencies, start, end)
        .values("agency_id")
        .annotate(**_figure_counts(now or timezone.now()))
        .order_by()
    )
    return {row["agency_id"]: _figures_of(row, {}) for row in rows}


def backlog(agencies: Any, *, now: datetime | None = None) -> dict[int, tuple[int, int]]:
    """Per agency (ids or rows): the items still waiting for it and, of those, the ones past
    their deadline (``mark`` gives them "overdue"); merged duplicates are not counted."""
    now = now or timezone.now()
    items = FeedbackItem.objects.counted().open().filter(agency__in=list(agencies))
    found = items.values("agency_id").annotate(
        waiting=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now))
    )
    return {row["agency_id"]: (row["waiting"], row["late"]) for row in found.order_by()}
