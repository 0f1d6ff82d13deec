"""The indicators the system scores from the dossier's own record (0/1/2 each), so that the
applicant answers only what a person can judge. The rules and what is assumed in them are in
``docs/surveys.md``; each function reads facts the dossier already keeps.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from motcua.dossiers.models import Channel, Dossier, DossierEvent
from motcua.dossiers.selectors import verdict
from motcua.dossiers.summary import resolution
from motcua.dossiers.workflow import Action, Status
from motcua.feedback.models import FeedbackItem

VERDICT_SCORE = {"early": 2, "on_time": 1, "late": 0}
# Moves in which the applicant meets a body: handing in, supplementing, paying, collecting.
APPLICANT_CONTACTS = (
    Action.RECEIVE,
    Action.ACCEPT,
    Action.SUPPLEMENT,
    Action.CONFIRM_PAYMENT,
    Action.RETURN_RESULT,
)
# Hand-overs that close a step with its own time limit (form 04's rows).
STEP_ENDS = (Action.FORWARD, Action.SEND_BACK, Action.TRANSFER, Action.DECIDE)


def total_time(dossier: Dossier, events: list[DossierEvent]) -> int:
    """Early 2, on the due day 1, late 0: the 766 rule (more than one supplement request is
    late); an apology slip means the legal limit was missed, whatever the new date."""
    if dossier.decided_at is None:
        return 0
    if any(e.action == Action.APOLOGISE for e in events):
        return 0
    found = resolution(dossier.decided_at, dossier.due_at, dossier.supplement_count)
    return {"resolved_early": 2, "resolved_on_time": 1}.get(found, 0)


def step_time(events: list[DossierEvent]) -> int | None:
    """The worst step: each body's hand-over against its step's due time; None when no step
    had a time limit."""
    scores = [
        VERDICT_SCORE[verdict(e.at, e.step_due_at)]
        for e in events
        if e.action in STEP_ENDS and e.step_due_at is not None
    ]
    return min(scores) if scores else None


def contacts(dossier: Dossier) -> int:
    """Contacts needed to complete the dossier: no supplement request 2, one 1, more 0."""
    return max(0, 2 - dossier.supplement_count)


def bodies(events: list[DossierEvent]) -> int:
    """Bodies the applicant dealt with: one 2, two 1, more 0 (an online dossier submitted and
    collected online met only the unit that received it)."""
    met = {e.actor_agency_id for e in events if e.action in APPLICANT_CONTACTS}
    met.discard(None)
    return max(0, 3 - max(1, len(met)))


def one_stop(dossier: Dossier, events: list[DossierEvent]) -> int:
    """Received and returned through the one-stop desk (or delivered online) 2; one of the two
    1. A decided dossier not yet collected is judged on its reception alone."""
    received = any(e.action == Action.ACCEPT for e in events)
    returned = dossier.status == Status.DECIDED or any(
        e.action == Action.RETURN_RESULT for e in events
    )
    return int(received) + int(returned)


def feedback(dossier: Dossier, now: datetime) -> int:
    """Feedback about this dossier handled on time: none, or none late, 2; any late 0."""
    items = FeedbackItem.objects.counted().filter(dossier=dossier)
    late = items.filter(Q(was_late=True) | Q(answered_at__isnull=True, due_at__lt=now))
    return 0 if late.exists() else 2


def online(dossier: Dossier) -> int:
    """Online 2, by post 1, in person 0 (the indicator rewards the online service)."""
    return {Channel.ONLINE: 2, Channel.POST: 1}.get(Channel(dossier.channel), 0)


def system_scores(dossier: Dossier, at: datetime | None = None) -> dict[str, int | None]:
    """The seven indicators the record answers, as they stand at ``at``."""
    now = at or timezone.now()
    events = list(dossier.events.order_by("at", "pk"))
    return {
        "total_time": total_time(dossier, events),
        "step_time": step_time(events),
        "contacts": contacts(dossier),
        "bodies": bodies(events),
        "one_stop": one_stop(dossier, events),
        "feedback": feedback(dossier, now),
        "online": online(dossier),
    }
