"""``POST /dossiers/{code}/actions/{action}``: one typed endpoint per action, each calling the
one service that performs it. A move the rules refuse now is a 409 with the service's
message; a dossier the caller may not see is a 404, whatever the action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import BaseModel

from motcua.documents import services as issuing
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.services import WorkflowError
from motcua.identity.models import Agency, User
from motcua.payments import services as payments

from . import dossier_schemas as s
from .auth import bearer
from .dossier_views import dossier_out
from .dossiers import visible, visible_or_own
from .errors import ApiError
from .idempotency import KeyHeader, idempotent
from .schemas import ErrorOut

router = Router(tags=["dossier actions"])
Perform = Callable[[User, Dossier, Any], object]


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


def _forward(user: User, dossier: Dossier, body: s.ForwardIn) -> object:
    return services.forward_dossier(
        dossier=dossier,
        officer=user,
        to_handler=_officer(body.to_handler) if body.to_handler.strip() else None,
        to_agency=_agency(body.to_agency) if body.to_agency.strip() else None,
        note=body.note.strip(),
    )


def _answer(user: User, dossier: Dossier, body: s.AnswerIn) -> object:
    consultation = dossier.consultations.filter(pk=body.consultation_id).first()
    if consultation is None:
        raise ApiError(_("Hồ sơ không có yêu cầu xin ý kiến này."), 422)
    return services.answer_consultation(consultation=consultation, officer=user, answer=body.answer)


@dataclass(frozen=True)
class Spec:
    schema: type[BaseModel]
    perform: Perform
    summary: str


SPECS: dict[str, Spec] = {
    "accept": Spec(
        s.NoteIn,
        lambda u, d, b: services.accept_dossier(dossier=d, officer=u, note=b.note.strip()),
        "Accept at the desk (receipt, form 01)",
    ),
    "refuse": Spec(
        s.RefuseIn,
        lambda u, d, b: services.refuse_dossier(dossier=d, officer=u, reasons=b.reasons),
        "Refuse at the desk, with reasons (form 03)",
    ),
    "request_supplement": Spec(
        s.RequestSupplementIn,
        lambda u, d, b: services.request_supplement(
            dossier=d,
            officer=u,
            items=[{"name": i.name.strip(), "reason": i.reason.strip()} for i in b.items],
            deadline=b.deadline,
        ),
        "Ask for a supplement, once (form 02)",
    ),
    "supplement": Spec(
        s.SupplementIn,
        lambda u, d, b: services.provide_supplement(
            dossier=d, by=u, files=_files(d, b.file_ids), note=b.note.strip()
        ),
        "Supply what was asked (upload the files first)",
    ),
    "claim": Spec(
        s.EmptyIn,
        lambda u, d, b: services.claim_dossier(dossier=d, officer=u),
        "Take a dossier waiting in one's unit's pool",
    ),
    "forward": Spec(s.ForwardIn, _forward, "Hand over to the next step"),
    "send_back": Spec(
        s.ReasonIn,
        lambda u, d, b: services.send_back_dossier(dossier=d, officer=u, reason=b.reason),
        "Return to the previous step",
    ),
    "transfer": Spec(
        s.TransferIn,
        lambda u, d, b: services.transfer_dossier(
            dossier=d, officer=u, to_agency=_agency(b.to_agency), reason=b.reason
        ),
        "Move to another unit's pool",
    ),
    "consult": Spec(
        s.ConsultIn,
        lambda u, d, b: services.consult_unit(
            dossier=d,
            officer=u,
            to_agency=_agency(b.to_agency),
            question=b.question,
            due_at=b.due_at,
        ),
        "Ask another unit's opinion",
    ),
    "answer": Spec(s.AnswerIn, _answer, "Answer a consultation addressed to one's unit"),
    "request_payment": Spec(
        s.PaymentIn,
        lambda u, d, b: services.request_payment(
            dossier=d, officer=u, amount=b.amount, note=b.note.strip()
        ),
        "Ask the applicant to pay a fee or charge",
    ),
    "confirm_payment": Spec(
        s.ConfirmPaymentIn,
        lambda u, d, b: (
            payments.record_cash(dossier=d, officer=u, receipt=b.reference.strip()).dossier
        ),
        "Record the payment (cash receipt or provider reference)",
    ),
    "decide": Spec(
        s.DecideIn,
        lambda u, d, b: issuing.decide_and_issue(
            dossier=d, officer=u, approve=b.approve, note=b.note
        ),
        "The approver's decision",
    ),
    "apologise": Spec(
        s.ApologiseIn,
        lambda u, d, b: services.issue_apology(
            dossier=d, officer=u, reason=b.reason, new_due_at=b.new_due_at
        ),
        "Apology slip with a new date (form 05)",
    ),
    "withdraw": Spec(
        s.WithdrawIn,
        lambda u, d, b: services.withdraw_dossier(dossier=d, by=u, reason=b.reason),
        "Withdraw (the applicant, or the desk on their written request)",
    ),
    "refuse_exemption": Spec(
        s.ReasonIn,
        lambda u, d, b: services.refuse_exemption_claims(dossier=d, officer=u, reason=b.reason),
        "Drop the exemptions the applicant declared (the proof is missing); the bill is recomputed",
    ),
    "stop": Spec(
        s.ReasonIn,
        lambda u, d, b: services.stop_dossier(dossier=d, officer=u, reason=b.reason),
        "Stop processing (a leader of the unit)",
    ),
    "return_result": Spec(
        s.ReturnResultIn,
        lambda u, d, b: services.return_result(
            dossier=d,
            officer=u,
            method=b.method,
            tracking_number=b.tracking_number,
            note=b.note.strip(),
        ),
        "Return the result (desk, post with tracking number, or online)",
    ),
}

RESPONSES = {200: s.DossierOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def perform(request: HttpRequest, code: str, run: Callable[[User, Dossier], object]) -> Any:
    user: User = request.user  # type: ignore[assignment]
    dossier = visible(request, code)
    try:
        run(user, dossier)
    except WorkflowError as error:
        raise ApiError(error.message, 409) from error
    return dossier_out(user, visible_or_own(user, Dossier.objects.get(pk=dossier.pk)))


def _endpoint(name: str, spec: Spec) -> Callable[..., Any]:
    def endpoint(request: HttpRequest, code: str, payload: Any, idempotency_key: str = "") -> Any:
        def run() -> tuple[int, Any]:
            return 200, perform(request, code, lambda u, d: spec.perform(u, d, payload))

        return idempotent(request, idempotency_key, run)

    # Ninja reads the body's type from the annotations; each action has its own.
    endpoint.__annotations__ = {
        "request": HttpRequest, "code": str, "payload": spec.schema,
        "idempotency_key": KeyHeader, "return": Any,
    }  # fmt: skip
    endpoint.__name__ = f"action_{name}"
    return endpoint


for _name, _spec in SPECS.items():
    router.add_api_operation(
        f"/dossiers/{{code}}/actions/{_name}",
        ["POST"],
        _endpoint(_name, _spec),
        auth=bearer,
        response=RESPONSES,
        summary=_spec.summary,
        operation_id=f"dossier_action_{_name}",
    )


@router.post(
    "/dossiers/{code}/actions/{action}",
    auth=bearer,
    response={401: ErrorOut, 404: ErrorOut},
    summary="Any other action: 404 with the list of actions",
)
def unknown_action(request: HttpRequest, code: str, action: str) -> Any:
    raise ApiError(
        _("Không có thao tác “%(action)s”. Các thao tác: %(actions)s.")
        % {"action": action[:50], "actions": ", ".join(SPECS)},
        404,
    )
