"""What every move of a dossier sets off, registered with :func:`.moves.follow_up` in this
order when the app is ready: the national portal is told of a change of status, the applicant
of what concerns them; a linked group's acceptance starts its children; a step that collects
fees asks for them; and, after everything else (the documents app registers the signed
result of a decision), a linked parent records its child's move."""

from __future__ import annotations

from .linked import follow_child, start_children
from .models import Dossier, DossierEvent
from .moves import Move, follow_up
from .notify import notify_applicant
from .payment_requests import collect_fees_at_step
from .sync import queue_national_sync
from .workflow import Action


def sync_status(dossier: Dossier, event: DossierEvent, move: Move) -> None:
    if event.from_status != event.to_status or event.action in (Action.SUBMIT, Action.RECEIVE):
        queue_national_sync(dossier, event)


def tell_applicant(dossier: Dossier, event: DossierEvent, move: Move) -> None:
    # A linked child's applicant follows the parent, which tells them.
    if move.tell_applicant and dossier.parent_id is None:
        notify_applicant(dossier, event)


def register() -> None:
    follow_up(sync_status)
    follow_up(tell_applicant)
    follow_up(start_children, actions=(Action.ACCEPT,))
    follow_up(collect_fees_at_step, actions=(Action.ACCEPT, Action.FORWARD))
    follow_up(follow_child, last=True)
