"""The legal clock of a dossier: paused while the applicant owes something (a supplement, a
payment), resumed with the due dates moved by the working time spent waiting, stopped when
the dossier closes."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from motcua.core.calendar import working_calendar

from .models import Dossier


def resume_clock(dossier: Dossier, at: datetime) -> None:
    """Move the due date and the step's due date by the working time since the pause."""
    paused = dossier.paused_at
    if paused is None:
        return
    calendar = working_calendar()
    if dossier.due_at is not None:
        dossier.due_at = calendar.shift_for_pause(dossier.due_at, paused_at=paused, resumed_at=at)
    if dossier.step_due_at is not None:
        dossier.step_due_at = calendar.shift_for_pause(
            dossier.step_due_at, paused_at=paused, resumed_at=at
        )
    dossier.paused_at = None


def close(dossier: Dossier, at: datetime) -> None:
    """Nobody holds a closed dossier, and it is late no more."""
    dossier.closed_at = at
    dossier.handler = None
    dossier.late_mark = ""


def supplement_deadline_default(at: datetime) -> datetime:
    """The applicant's time to supply what was asked, when the officer sets none."""
    return working_calendar().add_working_days(at, settings.SUPPLEMENT_DAYS)
