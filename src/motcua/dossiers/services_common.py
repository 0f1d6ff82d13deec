"""What every move does after the status change: sync, tell people, follow linked dossiers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.identity.models import User

from .access import may_act
from .models import Dossier, DossierEvent
from .notify import notify_applicant
from .sync import queue_national_sync
from .workflow import WorkflowError


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


def require_actor(officer: User, dossier: Dossier) -> None:
    if not may_act(officer, dossier):
        raise WorkflowError(_("Bạn không phải người đang chịu trách nhiệm xử lý hồ sơ này."))


def after_move(dossier: Dossier, event: DossierEvent, *, tell_applicant: bool = True) -> None:
    """Sync the national portal on a status change, tell the applicant, and let a parent
    dossier follow its child."""
    if event.from_status != event.to_status or event.action in ("submit", "receive"):
        queue_national_sync(dossier, event)
    if tell_applicant and dossier.parent_id is None:
        notify_applicant(dossier, event)
    if dossier.parent_id is not None and event.from_status != event.to_status:
        from .linked import follow_child

        follow_child(dossier, event)
