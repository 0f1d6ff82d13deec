"""Time running out: the periodic due-soon and overdue marks (the handler is told), the
apology slip with a new date (form 05) an officer issues before the due date, and the
automatic refusal when a supplement deadline passes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from motcua.core.calendar import working_calendar
from motcua.identity.models import User

from .clock import close
from .models import CLOCK_IS_RUNNING, Dossier, LateMark
from .moves import Move, locked, transition
from .notify import notify_officers
from .rules import locked_for, performs
from .steps import officers_for
from .workflow import Action, Status, WorkflowError

# Due soon: less than one working day (8 working hours) left.
DUE_SOON_HOURS = Decimal(8)
RUNNING = (Status.ACCEPTED, Status.PROCESSING)


@dataclass
class LateReport:
    due_soon: int = 0
    overdue: int = 0
    refused: int = 0


def due_soon_limit(now: datetime) -> datetime:
    """A dossier due by this moment is due soon: less than one working day left."""
    calendar = working_calendar()
    return calendar.add_working_hours(calendar.next_working_moment(now), DUE_SOON_HOURS)


def running_due_by(limit: datetime) -> QuerySet[Dossier]:
    """Dossiers whose legal clock runs and whose appointment comes by ``limit``: overdue when
    it is already past, due soon otherwise (the marks below, the operations dashboard).
    Served by the ``dossier_clock_due`` index."""
    return Dossier.objects.filter(CLOCK_IS_RUNNING, due_at__isnull=False, due_at__lte=limit)


def mark_late_dossiers(now: datetime | None = None) -> LateReport:
    """Set the due-soon / overdue mark where it changed and tell the handler once per mark."""
    now = now or timezone.now()
    soon_limit = due_soon_limit(now)
    report = LateReport()
    candidates = (
        running_due_by(soon_limit).exclude(late_mark=LateMark.OVERDUE).values_list("pk", flat=True)
    )
    for pk in list(candidates):
        mark = _mark_one(pk, now, soon_limit)
        if mark == LateMark.OVERDUE:
            report.overdue += 1
        elif mark == LateMark.DUE_SOON:
            report.due_soon += 1
    return report


@transaction.atomic
def _mark_one(pk: int, now: datetime, soon_limit: datetime) -> str:
    dossier = locked(Dossier(pk=pk))
    if dossier.status not in RUNNING or dossier.due_at is None:
        return ""
    mark = LateMark.OVERDUE if dossier.due_at < now else LateMark.DUE_SOON
    if dossier.due_at > soon_limit or dossier.late_mark == mark:
        return ""
    dossier.late_mark = mark
    label = LateMark(mark).label
    event = transition(
        dossier,
        Action.LATE_WARNING,
        actor=None,
        move=Move(at=now, note=str(label), details={"mark": mark}, tell_applicant=False),
    )
    officers = (
        [dossier.handler]
        if dossier.handler
        else officers_for(dossier.handler_agency, dossier.handler_role)  # type: ignore[arg-type]
    )
    due = formats.date_format(timezone.localtime(dossier.due_at), "H:i d/m/Y")
    notify_officers(
        officers,
        subject=_("[%(mark)s] Hồ sơ %(code)s") % {"mark": label, "code": dossier.code},
        body=_(
            "Hồ sơ %(code)s (%(name)s) hẹn trả lúc %(due)s. Nếu không kịp, hãy ban hành phiếu "
            "xin lỗi và hẹn lại ngày trả trước hạn."
        )
        % {"code": dossier.code, "name": dossier.version.name, "due": due},
        key=f"late:{event.pk}",
    )
    return mark


def refuse_expired_supplements(now: datetime | None = None) -> int:
    """Refuse every dossier whose supplement deadline has passed."""
    now = now or timezone.now()
    expired = Dossier.objects.filter(
        status=Status.SUPPLEMENT_REQUESTED, supplement_deadline__lt=now
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(expired):
        count += _refuse_one(pk, now)
    return count


@transaction.atomic
def _refuse_one(pk: int, now: datetime) -> int:
    dossier = locked(Dossier(pk=pk))
    deadline = dossier.supplement_deadline
    if dossier.status != Status.SUPPLEMENT_REQUESTED or deadline is None or deadline >= now:
        return 0
    close(dossier, now)
    transition(
        dossier,
        Action.AUTO_REFUSE,
        actor=None,
        move=Move(
            at=now,
            note=_("Quá hạn bổ sung hồ sơ."),
            details={"reasons": [_("Quá hạn bổ sung hồ sơ.")]},
        ),
    )
    return 1


@performs(Action.APOLOGISE)
@transaction.atomic
def issue_apology(
    *,
    dossier: Dossier,
    officer: User,
    reason: str,
    new_due_at: datetime,
    at: datetime | None = None,
) -> Dossier:
    """Form 05: before the due date, the handler apologises and sets a new date; the
    applicant is told (email or SMS for online dossiers) and the slip stays in the history."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do chậm trả kết quả."))
    dossier, at = locked_for(Action.APOLOGISE, dossier=dossier, actor=officer, at=at)
    old = dossier.due_at
    assert old is not None  # the rule's BEFORE_DUE
    if new_due_at <= old:
        raise WorkflowError(_("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
    dossier.due_at = new_due_at
    dossier.late_mark = ""
    transition(
        dossier,
        Action.APOLOGISE,
        actor=officer,
        actor_role=dossier.handler_role,
        actor_agency=dossier.handler_agency,
        move=Move(
            at=at,
            note=reason.strip(),
            step_position=dossier.step_position,
            details={"old_due_at": old.isoformat(), "new_due_at": new_due_at.isoformat()},
        ),
    )
    return dossier
