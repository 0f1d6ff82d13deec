"""The filters of GET requests and of the updates resource: dates, statuses, codes, and the
specification's limits (90 days, 1000 requests)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from motcua.core.calendar import EARLIEST_YEAR, LATEST_YEAR
from motcua.feedback.models import CLOSED_STATUSES, OPEN_STATUSES, FeedbackEvent, FeedbackItem

from . import answers
from .intake import Refused

LIMIT = 1000
SPAN = timedelta(days=90)


def _list(data: QueryDict, name: str) -> list[str]:
    """A parameter that may be comma separated, repeated, or both."""
    return [v.strip() for raw in data.getlist(name) for v in raw.split(",") if v.strip()]


def _moment(data: QueryDict, name: str) -> datetime | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+"))  # a "+" that arrived unescaped
        day = None if moment else parse_date(raw)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise Refused(400, _("%(name)s phải là ngày giờ W3C, ví dụ 2026-01-01T00:00:00+07:00.")
                      % {"name": name})  # fmt: skip
    # The database converts to UTC: year 1 or 9999 would overflow there (a 500), not here.
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise Refused(400, _("%(name)s phải trong các năm %(min)s–%(max)s.")
                      % {"name": name, "min": EARLIEST_YEAR, "max": LATEST_YEAR})  # fmt: skip
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def period(data: QueryDict) -> tuple[datetime, datetime]:
    """[start, end]: the last 90 days unless asked; never more than 90 days."""
    start, end = _moment(data, "start_date"), _moment(data, "end_date")
    if end is None:
        end = start + SPAN if start else timezone.now()
    if start is None:
        start = end - SPAN
    if start > end:
        raise Refused(400, _("start_date phải trước end_date."))
    if end - start > SPAN:
        raise Refused(400, _("Khoảng thời gian tìm kiếm không được quá 90 ngày."))
    return start, end


def requests_matching(data: QueryDict) -> list[FeedbackItem]:
    items = answers.public_requests()
    ids = _list(data, "service_request_id")
    if ids:
        # The specification: a list of ids overrides every other argument.
        return list(items.filter(code__in=ids[:LIMIT]))
    codes = _list(data, "service_code")
    if codes:
        items = items.filter(topic__code__in=codes)
    statuses = set(_list(data, "status"))
    if statuses - {"open", "closed"}:
        raise Refused(400, _("status chỉ nhận open hoặc closed."))
    if statuses == {"open"}:
        items = items.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        items = items.filter(status__in=CLOSED_STATUSES)
    start, end = period(data)
    items = items.filter(received_at__gte=start, received_at__lte=end)
    return list(items.order_by("-received_at")[:LIMIT])


def updates_between(data: QueryDict) -> list[FeedbackEvent]:
    start, end = period(data)
    events: QuerySet[FeedbackEvent] = answers.updates().filter(at__gte=start, at__lte=end)
    return list(events[:LIMIT])
