"""Evaluating a dossier: the QR token, the first answer and its changes within 7 days.

The desk's tablet may give the first answer only: an officer holding the tablet can never
replace what the applicant said; the applicant changes it from the QR code, the portal or the
API within 7 days of the first answer (docs/surveys.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.access import officer_scope
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.rules import receiving_agencies
from motcua.dossiers.workflow import Action, Status
from motcua.feedback.models import ItemChannel
from motcua.feedback.services import open_from_evaluation
from motcua.identity.models import User

from . import scoring
from .models import (
    ConcernedOfficer,
    Evaluation,
    EvaluationChannel,
    EvaluationRevision,
    EvaluationToken,
    Overall,
)

CHANGE_WINDOW = timedelta(days=7)
EVALUABLE = (Status.DECIDED, Status.RETURNED)
COMMENT_LIMIT = 2000
# Which moves make an officer one the evaluation is about.
ROLE_OF_ACTION: dict[str, str] = {
    Action.RECEIVE: ConcernedOfficer.Role.RECEIVED,
    Action.ACCEPT: ConcernedOfficer.Role.RECEIVED,
    Action.CLAIM: ConcernedOfficer.Role.HANDLED,
    Action.FORWARD: ConcernedOfficer.Role.HANDLED,
    Action.SEND_BACK: ConcernedOfficer.Role.HANDLED,
    Action.TRANSFER: ConcernedOfficer.Role.HANDLED,
    Action.REQUEST_SUPPLEMENT: ConcernedOfficer.Role.HANDLED,
    Action.DECIDE: ConcernedOfficer.Role.HANDLED,
    Action.RETURN_RESULT: ConcernedOfficer.Role.RETURNED,
}


class EvaluationError(Exception):
    """A refused evaluation, with the Vietnamese message to show and the field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Answer:
    """What the applicant says: the overall rating, two indicators, a comment."""

    overall: str
    attitude: int
    asked_for_more: bool
    comment: str = ""


# The token ---------------------------------------------------------------------------------


def _token_from(nonce: str) -> str:
    key = settings.SECRET_KEY.encode()
    mac = hmac.new(key, b"motcua.surveys.token:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()  # 192 bits, 32 characters


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def evaluation_token(dossier: Dossier) -> str:
    """The dossier's one token (made on first need): the same on every reprint."""
    found = EvaluationToken.objects.filter(dossier=dossier).first()
    if found is None:
        nonce = secrets.token_hex(16)
        try:
            with transaction.atomic():
                found = EvaluationToken.objects.create(
                    dossier=dossier, nonce=nonce, digest=_digest(_token_from(nonce))
                )
        except IntegrityError:  # made at the same moment by another request
            found = EvaluationToken.objects.get(dossier=dossier)
    token = _token_from(found.nonce)
    if found.digest != _digest(token):
        # SECRET_KEY changed: codes printed before no longer open, but every code given from
        # now on (a reprint, a notification) does.
        EvaluationToken.objects.filter(pk=found.pk).update(digest=_digest(token))
    return token


def dossier_for_token(token: str) -> Dossier | None:
    """The dossier of a token, or None; the lookup is by a hash, never by the token itself."""
    if not token or len(token) > 64:
        return None
    found = (
        EvaluationToken.objects.filter(digest=_digest(token))
        .select_related("dossier__version__procedure", "dossier__agency")
        .first()
    )
    # Found by the token's own hash: only the holder of that token gets here.
    return found.dossier if found is not None else None


# Whether it is open --------------------------------------------------------------------------


def refusal(dossier: Dossier, channel: str, at: datetime | None = None) -> str | None:
    """Why ``dossier`` cannot be rated through ``channel`` now, or None when it can."""
    if dossier.status not in EVALUABLE:
        return _("Hồ sơ chỉ được đánh giá khi đã giải quyết xong hoặc đã trả kết quả.")
    existing = Evaluation.objects.filter(dossier=dossier).first()
    if existing is None:
        return None
    if channel == EvaluationChannel.DESK:
        return _(
            "Hồ sơ này đã được đánh giá. Tại bộ phận một cửa không thể sửa đánh giá; người nộp "
            "hồ sơ sửa được bằng mã QR trên phiếu hoặc trên cổng dịch vụ công trong 7 ngày."
        )
    if (at or timezone.now()) > existing.answered_at + CHANGE_WINDOW:
        return _("Đã quá 7 ngày kể từ lần đánh giá đầu tiên nên không sửa được đánh giá nữa.")
    return None


def may_open_desk(officer: User, dossier: Dossier) -> bool:
    """The desk tablet is opened by a one-stop officer receiving for the dossier's unit (a
    desk serves several units; a system administrator covers all), or by whoever returned its
    result."""
    return (
        officer_scope(officer).is_system_admin
        or dossier.agency_id in receiving_agencies(officer)
        or dossier.events.filter(action=Action.RETURN_RESULT, actor=officer).exists()
    )


# The answer ---------------------------------------------------------------------------------


def _check(answer: Answer) -> None:
    if answer.overall not in Overall.values:
        raise EvaluationError(_("Hãy chọn mức độ hài lòng chung."), "overall")
    if answer.attitude not in (0, 1, 2):
        raise EvaluationError(_("Hãy chọn đánh giá về thái độ của cán bộ."), "attitude")
    if len(answer.comment) > COMMENT_LIMIT:
        raise EvaluationError(
            _("Ý kiến dài tối đa %(limit)d ký tự.") % {"limit": COMMENT_LIMIT}, "comment"
        )


def evaluate_dossier(
    *, dossier: Dossier, answer: Answer, channel: str, at: datetime | None = None
) -> Evaluation:
    """Record the applicant's answer (first or changed); raises EvaluationError when refused."""
    _check(answer)
    at = at or timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().select_related("version").get(pk=dossier.pk)
        reason = refusal(dossier, channel, at)
        if reason:
            raise EvaluationError(reason)
        evaluation = Evaluation.objects.filter(dossier=dossier).first()
        was_dissatisfied = evaluation is not None and evaluation.overall == Overall.DISSATISFIED
        if evaluation is None:
            evaluation = _first(dossier, channel, at)
        _apply(evaluation, answer, channel, at)
        if answer.overall == Overall.DISSATISFIED and not was_dissatisfied:
            _open_feedback(evaluation, dossier, channel, at)
    return evaluation


def _first(dossier: Dossier, channel: str, at: datetime) -> Evaluation:
    evaluation = Evaluation(
        dossier=dossier,
        agency_id=dossier.agency_id,
        procedure_id=dossier.version.procedure_id,
        channel=channel,
        answered_at=at,
        **scoring.system_scores(dossier, at),
    )
    return evaluation


def _apply(evaluation: Evaluation, answer: Answer, channel: str, at: datetime) -> None:
    evaluation.overall = answer.overall
    evaluation.attitude = answer.attitude
    evaluation.publicity = 0 if answer.asked_for_more else 2
    evaluation.comment = answer.comment.strip()
    evaluation.channel = channel
    evaluation.changed_at = at
    first = evaluation.pk is None
    evaluation.save()
    if first:
        _record_officers(evaluation)
    EvaluationRevision.objects.create(
        evaluation=evaluation,
        number=evaluation.revisions.count() + 1,
        at=at,
        channel=channel,
        overall=evaluation.overall,
        publicity=evaluation.publicity,
        attitude=evaluation.attitude,
        comment=evaluation.comment,
    )


def _record_officers(evaluation: Evaluation) -> None:
    found = (
        DossierEvent.objects.filter(
            dossier_id=evaluation.dossier_id,
            action__in=list(ROLE_OF_ACTION),
            actor__isnull=False,
            actor__kind=User.Kind.OFFICER,
        )
        .values_list("action", "actor_id")
        .distinct()
    )
    rows = {(actor, ROLE_OF_ACTION[action]) for action, actor in found}
    ConcernedOfficer.objects.bulk_create(
        ConcernedOfficer(evaluation=evaluation, officer_id=actor, role=role)
        for actor, role in sorted(rows)
    )


def _open_feedback(evaluation: Evaluation, dossier: Dossier, channel: str, at: datetime) -> None:
    """A "không hài lòng" becomes a feedback item for the unit's leader to answer; changed to
    dissatisfied later, it opens one then (an item already opened stays open)."""
    if evaluation.feedback_item_id is not None:
        return
    item = open_from_evaluation(
        dossier=dossier,
        comment=evaluation.comment,
        channel=ItemChannel.DESK if channel == EvaluationChannel.DESK else ItemChannel.PORTAL,
        at=at,
    )
    evaluation.feedback_item = item
    evaluation.save(update_fields=["feedback_item"])
