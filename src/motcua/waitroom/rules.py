"""A ticket taken before a deadline counts as on time (issue 18): the one place that says
whether an online submission for a procedure is still accepted after an event's deadline.
``motcua.dossiers.intake.submit_dossier`` asks it for every online submission (portal, API)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.identity.models import User

from .models import Queue, Ticket


def late_submission_problem(procedure_id: int, person: User | None, at: datetime) -> str:
    """ "" when an online submission for the procedure by ``person`` at ``at`` is on time:
    no event with a deadline covers the procedure, the deadline has not passed, or the person
    took a ticket in that event's queue before its deadline."""
    closed = Queue.objects.filter(procedures=procedure_id, deadline__lte=at)
    for queue in closed.only("pk", "deadline"):
        if person is not None and _tried_in_time(queue, person):
            continue
        return _(
            "Đã hết hạn nộp hồ sơ trực tuyến cho thủ tục này lúc %(time)s. Chỉ người đã lấy "
            "lượt trong hàng chờ trước hạn chót mới được nộp sau thời điểm đó."
        ) % {"time": timezone.localtime(queue.deadline).strftime("%H:%M %d/%m/%Y")}
    return ""


def _tried_in_time(queue: Queue, person: User) -> bool:
    return Ticket.objects.filter(queue=queue, holder=person, before_deadline=True).exists()
