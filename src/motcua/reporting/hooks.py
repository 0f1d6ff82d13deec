"""Where the index hears of a change: every move of a dossier (a follow-up of
``dossiers.moves``), a digitisation flag, a payment, an evaluation, a complaint about a
dossier, a delivery to the national portal. Each judges the dossier again in the transaction
of the change (``facts.refresh``), so a crash leaves neither the change nor its count."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from motcua.core.outbox import delivered
from motcua.dossiers.digitisation import flag_marked
from motcua.dossiers.models import Dossier
from motcua.dossiers.moves import Move, follow_up
from motcua.feedback.models import FeedbackItem
from motcua.payments.models import Payment
from motcua.surveys.models import Evaluation

from .facts import judge_new, refresh, renew_on_commit


def _after_move(dossier: Dossier, event: Any, move: Move) -> None:
    if event.from_status is None:  # the move created it
        judge_new(dossier)
    else:
        refresh(dossier.pk)


def _flag(sender: Any, dossier: Dossier, **kwargs: Any) -> None:
    refresh(dossier.pk)


def _dossier_of(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the rebuild counts them
        return
    if sender is FeedbackItem:  # 5.2 and 5.3 are read from the items, not from the sums
        renew_on_commit()
    dossier_id = getattr(instance, "dossier_id", None)
    if dossier_id is not None:
        refresh(dossier_id)


def _delivered(sender: Any, message: Any, **kwargs: Any) -> None:
    if message.channel != "national_portal":
        return
    code = (message.payload or {}).get("MaHoSo")
    if not code:
        return
    found = Dossier.objects.filter(code=code).values_list("pk", flat=True).first()
    if found is not None:
        with transaction.atomic():
            refresh(found)


def connect() -> None:
    follow_up(_after_move)
    flag_marked.connect(_flag, dispatch_uid="reporting.flag")
    for model in (Payment, Evaluation, FeedbackItem):
        post_save.connect(_dossier_of, sender=model, dispatch_uid=f"reporting.{model.__name__}")
    delivered.connect(_delivered, dispatch_uid="reporting.delivered")
