"""The one writer of dossier events: :func:`transition` performs every move of every dossier,
its creation included, under a row lock, and leaves a :class:`~.models.DossierEvent`. That log
is the process-control slip (form 04), the citizen's timeline, the audit trail and the source
of every report.

What a move sets off (telling the applicant, syncing the national portal, a linked parent
following its child, fees asked at a step, the signed result of a decision) is registered
here by the modules that do it (:func:`follow_up`), so this module imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from motcua.core import outbox
from motcua.identity.models import Agency, User

from .models import Dossier, DossierEvent
from .summary import count_move
from .workflow import WorkflowError, target_status


@dataclass
class Move:
    """What one call of :func:`transition` records, besides the status."""

    note: str = ""
    details: dict[str, Any] | None = None
    step_position: int | None = None
    step_name: str = ""
    step_due_at: datetime | None = None
    to_handler: User | None = None
    to_agency: Agency | None = None
    to_role: str = ""
    at: datetime | None = None
    # Who is named when no account acts (a walk-in typed in by nobody, the system).
    actor_name: str = ""
    # Internal hand-overs are not the applicant's news.
    tell_applicant: bool = True


FollowUp = Callable[[Dossier, DossierEvent, Move], None]


@dataclass(frozen=True)
class _FollowUp:
    run: FollowUp
    actions: frozenset[str] | None
    last: bool


_FOLLOW_UPS: list[_FollowUp] = []


def follow_up(run: FollowUp, *, actions: tuple[str, ...] | None = None, last: bool = False) -> None:
    """Run ``run`` after every move (or every move by one of ``actions``), in the move's
    transaction, in the order registered; ``last`` ones after all the others (a linked parent
    follows its child once everything the child's move sets off is done). Registering the
    same function twice is harmless."""
    if any(registered.run is run for registered in _FOLLOW_UPS):
        return
    chosen = frozenset(actions) if actions is not None else None
    _FOLLOW_UPS.append(_FollowUp(run, chosen, last))
    _FOLLOW_UPS.sort(key=lambda registered: registered.last)  # stable: keeps the order


def locked(dossier: Dossier) -> Dossier:
    """The dossier re-read under a row lock, with what the services use."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() must run inside transaction.atomic")
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related(
            "version__procedure",
            "version__field",
            "variant",
            "agency__unit",
            "handler_agency__unit",
            "applicant",
            "parent",
        )
        .get(pk=dossier.pk)
    )


def transition(
    dossier: Dossier,
    action: str,
    *,
    actor: User | None,
    actor_role: str = "",
    actor_agency: Agency | None = None,
    move: Move | None = None,
    to_status: int | None = None,
    then: Callable[[Dossier], None] | None = None,
) -> DossierEvent:
    """Move ``dossier`` by ``action``: lock the row, check the table, change the status, save
    the other fields the caller set on the instance, append the event, count it in the daily
    summary, then run the follow-ups. A dossier not yet saved is created by the move (submit,
    receive, a linked child's acceptance); ``then`` completes it once its row exists (its
    files), before the follow-ups read it. The caller runs inside ``transaction.atomic``."""
    move = move or Move()
    if dossier.pk is None:
        before = None
    else:
        current = Dossier.objects.select_for_update().only("id", "status").get(pk=dossier.pk)
        if current.status != dossier.status:
            raise WorkflowError(
                gettext("Hồ sơ vừa được người khác cập nhật; vui lòng tải lại trang.")
            )
        before = dossier.status
    after = target_status(action, before, to_status)
    dossier.status = after
    dossier.save()
    event = DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        at=move.at or timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=str(actor) if actor is not None else move.actor_name,
        actor_role=actor_role,
        actor_agency=actor_agency,
        from_status=before,
        to_status=after,
        step_position=move.step_position,
        step_name=move.step_name,
        step_due_at=move.step_due_at,
        to_handler=move.to_handler,
        to_agency=move.to_agency,
        to_role=move.to_role,
        note=move.note,
        details=move.details or {},
    )
    count_move(dossier, event)
    if then is not None:
        then(dossier)
    with outbox.batch():  # what the follow-ups send, written in one statement
        for registered in _FOLLOW_UPS:
            if registered.actions is None or action in registered.actions:
                registered.run(dossier, event, move)
    return event
