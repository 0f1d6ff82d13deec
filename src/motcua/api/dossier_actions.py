"""``POST /dossiers/{code}/actions/{action}``: one typed endpoint per action. Each turns its
body into the action's input and hands it to the domain's one dispatch
(:func:`motcua.dossiers.rules.perform`), which reads the same action table as the ``actions``
list and the back office. A dossier the caller may not see is a 404, whatever the action; an
action they may not take is a 403; one the dossier's state refuses now is a 409 with the
reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import BaseModel

from motcua.dossiers import action_inputs as inputs
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.relations import Situation
from motcua.dossiers.rules import perform, refusal
from motcua.dossiers.services import NotPermitted, WorkflowError
from motcua.identity.models import Agency, User

from . import dossier_schemas as s
from .actions import add_action_endpoints
from .dossier_views import dossier_out
from .dossiers import visible, visible_or_own
from .errors import ApiError
from .schemas import ErrorOut

router = Router(tags=["dossier actions"])
ToInput = Callable[[Dossier, Any], object]


def _agency(electronic_id: str) -> Agency:
    agency = Agency.objects.filter(electronic_id=electronic_id.strip()).first()
    if agency is None:
        raise ApiError(_("Không có cơ quan mã %(code)s.") % {"code": electronic_id}, 422)
    return agency


def _officer(username: str) -> User:
    officer = User.objects.filter(
        username=username.strip(), kind=User.Kind.OFFICER, is_active=True
    ).first()
    if officer is None:
        raise ApiError(_("Không có cán bộ với tên đăng nhập %(name)s.") % {"name": username}, 422)
    return officer


def _files(dossier: Dossier, ids: list[int]) -> list[DossierFile]:
    files = list(DossierFile.objects.filter(dossier=dossier, pk__in=set(ids)))
    if len(files) != len(set(ids)):
        raise ApiError(_("Có tệp không thuộc hồ sơ này; hãy tải tệp lên hồ sơ trước."), 422)
    return files


def _answer(dossier: Dossier, body: s.AnswerIn) -> inputs.AnswerInput:
    if not dossier.consultations.filter(pk=body.consultation_id).exists():
        raise ApiError(_("Hồ sơ không có yêu cầu xin ý kiến này."), 422)
    return inputs.AnswerInput(consultation_id=body.consultation_id, answer=body.answer)


def _forward(dossier: Dossier, body: s.ForwardIn) -> inputs.ForwardInput:
    return inputs.ForwardInput(
        to_handler=_officer(body.to_handler) if body.to_handler.strip() else None,
        to_agency=_agency(body.to_agency) if body.to_agency.strip() else None,
        note=body.note.strip(),
    )


@dataclass(frozen=True)
class Spec:
    schema: type[BaseModel]
    to_input: ToInput
    summary: str


SPECS: dict[str, Spec] = {
    "accept": Spec(
        s.NoteIn,
        lambda d, b: inputs.AcceptInput(note=b.note.strip()),
        "Accept at the desk (receipt, form 01)",
    ),
    "refuse": Spec(
        s.RefuseIn,
        lambda d, b: inputs.RefuseInput(reasons=b.reasons),
        "Refuse at the desk, with reasons (form 03)",
    ),
    "request_supplement": Spec(
        s.RequestSupplementIn,
        lambda d, b: inputs.SupplementRequestInput(
            items=[{"name": i.name.strip(), "reason": i.reason.strip()} for i in b.items],
            deadline=b.deadline,
        ),
        "Ask for a supplement, once (form 02)",
    ),
    "supplement": Spec(
        s.SupplementIn,
        lambda d, b: inputs.SupplementInput(files=_files(d, b.file_ids), note=b.note.strip()),
        "Supply what was asked (upload the files first): the applicant, or the receiving desk",
    ),
    "claim": Spec(s.EmptyIn, lambda d, b: inputs.NoInput(), "Take a dossier waiting in one's pool"),
    "forward": Spec(s.ForwardIn, _forward, "Hand over to the next step"),
    "send_back": Spec(
        s.ReasonIn, lambda d, b: inputs.ReasonInput(reason=b.reason), "Return to the previous step"
    ),
    "transfer": Spec(
        s.TransferIn,
        lambda d, b: inputs.TransferInput(to_agency=_agency(b.to_agency), reason=b.reason),
        "Move to another unit's pool, within the dossier's province",
    ),
    "consult": Spec(
        s.ConsultIn,
        lambda d, b: inputs.ConsultInput(
            to_agency=_agency(b.to_agency), question=b.question, due_at=b.due_at
        ),
        "Ask the opinion of another unit of the dossier's province",
    ),
    "answer": Spec(s.AnswerIn, _answer, "Answer a consultation addressed to one's unit"),
    "request_payment": Spec(
        s.PaymentIn,
        lambda d, b: inputs.PaymentRequestInput(amount=b.amount, note=b.note.strip()),
        "Ask the applicant to pay a fee or charge",
    ),
    "confirm_payment": Spec(
        s.ConfirmPaymentIn,
        lambda d, b: inputs.CashInput(receipt=b.reference.strip()),
        "Record cash paid at the desk that collects it (with the paper receipt's number)",
    ),
    "refuse_exemption": Spec(
        s.ReasonIn,
        lambda d, b: inputs.ReasonInput(reason=b.reason),
        "Drop the exemptions the applicant declared (the proof is missing); the bill is recomputed",
    ),
    "decide": Spec(
        s.DecideIn,
        lambda d, b: inputs.DecideInput(approve=b.approve, note=b.note),
        "The approver's decision, with its signed result",
    ),
    "apologise": Spec(
        s.ApologiseIn,
        lambda d, b: inputs.ApologyInput(reason=b.reason, new_due_at=b.new_due_at),
        "Apology slip with a new date, before the due date (form 05)",
    ),
    "withdraw": Spec(
        s.WithdrawIn,
        lambda d, b: inputs.WithdrawInput(reason=b.reason),
        "Withdraw (the applicant, or the desk on their written request)",
    ),
    "stop": Spec(
        s.ReasonIn,
        lambda d, b: inputs.ReasonInput(reason=b.reason),
        "Stop processing (a leader of the unit)",
    ),
    "return_result": Spec(
        s.ReturnResultIn,
        lambda d, b: inputs.ReturnInput(
            method=b.method, tracking_number=b.tracking_number, note=b.note.strip()
        ),
        "Return the result at the desk (desk, post with tracking number, or online)",
    ),
}

RESPONSES = {
    200: s.DossierOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}  # fmt: skip


def take(request: HttpRequest, code: str, action: str, spec: Spec, payload: Any) -> Any:
    user: User = request.user  # type: ignore[assignment]
    dossier = visible(request, code)
    # Refused before the body is read: a person who may not act learns nothing from it.
    refused = refusal(action, Situation(user, dossier))
    if refused is not None:
        raise ApiError(refused.message, 403 if refused.forbidden else 409)
    data = spec.to_input(dossier, payload)
    try:
        perform(action, dossier=dossier, actor=user, data=data)
    except NotPermitted as error:
        raise ApiError(error.message, 403) from error
    except WorkflowError as error:
        raise ApiError(error.message, 409) from error
    return dossier_out(user, visible_or_own(user, Dossier.objects.get(pk=dossier.pk)))


add_action_endpoints(
    router,
    path="/dossiers/{code}/actions",
    specs=SPECS,
    take=take,
    responses=RESPONSES,
    name="action",
    operation="dossier_action",
)
