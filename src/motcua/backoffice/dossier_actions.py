"""The officer's actions on one dossier: one URL each (``/can-bo/ho-so/<code>/<slug>/``), a
small form, and the input it gives the action.

Which actions the dossier page offers, and who may post each, is the domain's action table
(:mod:`motcua.dossiers.rules`), read the same way as the API reads it; the form's cleaned data
becomes the action's input and :func:`~motcua.dossiers.rules.perform` takes it. This module
only says how each action looks and what its form asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.core.templatetags.motcua import group_thousands
from motcua.core.text import search_terms
from motcua.dossiers import action_inputs as inputs
from motcua.dossiers.clock import supplement_deadline_default
from motcua.dossiers.fees import bill_for
from motcua.dossiers.files import NewUpload
from motcua.dossiers.models import DossierFile
from motcua.dossiers.relations import Situation
from motcua.dossiers.rules import refusal, transfer_targets
from motcua.dossiers.workflow import Action

from . import dossier_forms as f

Data = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class ActionSpec:
    slug: str
    action: str
    title: Promise
    button: Promise
    done: Promise
    form_class: type[f.ActionForm]
    # The cleaned form as the action's input (motcua.dossiers.action_inputs).
    data: Data
    form_kwargs: Callable[[Situation, str], dict[str, Any]] = field(default=lambda s, q: {})
    initial: Callable[[Situation], dict[str, Any]] = field(default=lambda s: {})
    intro: Promise | str = ""
    multipart: bool = False
    # A destructive or closing action: the button looks like a warning, not the main path.
    warning: bool = False

    def is_offered(self, situation: Situation) -> bool:
        return refusal(self.action, situation) is None


# What the forms need to ask, by the domain's rules -----------------------------------------


def forward_kwargs(situation: Situation, q: str) -> dict[str, Any]:
    choices = situation.forward_choices
    return {"agencies": choices.agencies, "officers": choices.officers}


def province_agencies(situation: Situation, q: str) -> dict[str, Any]:
    """The agencies a transfer or consultation may name, found by name."""
    found = transfer_targets(situation.dossier)
    for word in search_terms(q):
        found = found.filter(name_folded__contains=word)
    return {"agencies": found.select_related("unit").order_by("unit__level", "unit__name", "name")}


def payment_initial(situation: Situation) -> dict[str, Any]:
    amount = bill_for(situation.dossier).total
    return {"amount": group_thousands(amount)} if amount else {}


def supplement_kwargs(situation: Situation, q: str) -> dict[str, Any]:
    return {"default_deadline": supplement_deadline_default(situation.now)}


def open_consultations(situation: Situation, q: str) -> dict[str, Any]:
    return {"consultations": situation.open_consultations}


def _scans(cleaned: dict[str, Any]) -> list[NewUpload]:
    scan = DossierFile.Origin.SCAN
    return [
        NewUpload(file, name=file.name or "", origin=scan, key="scans")
        for file in cleaned.get("scans") or []
    ]


def _spec(**kwargs: Any) -> ActionSpec:
    return ActionSpec(**kwargs)


ACTIONS: dict[str, ActionSpec] = {
    spec.slug: spec
    for spec in (
        _spec(
            slug="nhan-xu-ly",
            action=Action.CLAIM,
            title=_("Nhận xử lý hồ sơ"),
            button=_("Nhận xử lý"),
            done=_("Bạn đã nhận xử lý hồ sơ."),
            form_class=f.ConfirmForm,
            intro=_("Hồ sơ đang chờ trong đơn vị. Khi nhận, bạn là người chịu trách nhiệm xử lý."),
            data=lambda c: inputs.NoInput(),
        ),
        _spec(
            slug="tiep-nhan",
            action=Action.ACCEPT,
            title=_("Tiếp nhận hồ sơ và hẹn trả kết quả"),
            button=_("Tiếp nhận, in giấy hẹn"),
            done=_("Đã tiếp nhận hồ sơ. Giấy tiếp nhận và hẹn trả kết quả (mẫu 01) đã sẵn sàng."),
            form_class=f.AcceptForm,
            data=lambda c: inputs.AcceptInput(note=c["note"]),
        ),
        _spec(
            slug="tu-choi",
            action=Action.REFUSE,
            title=_("Từ chối tiếp nhận hồ sơ"),
            button=_("Từ chối tiếp nhận"),
            done=_("Đã từ chối tiếp nhận. Phiếu từ chối (mẫu 03) đã sẵn sàng."),
            form_class=f.RefuseForm,
            warning=True,
            data=lambda c: inputs.RefuseInput(reasons=c["reasons"]),
        ),
        _spec(
            slug="yeu-cau-bo-sung",
            action=Action.REQUEST_SUPPLEMENT,
            title=_("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
            button=_("Gửi yêu cầu bổ sung"),
            done=_("Đã yêu cầu bổ sung. Phiếu yêu cầu bổ sung (mẫu 02) đã sẵn sàng."),
            form_class=f.SupplementRequestForm,
            form_kwargs=supplement_kwargs,
            intro=_(
                "Liệt kê một lần đầy đủ các giấy tờ cần bổ sung, hoàn thiện và lý do. Thời hạn "
                "giải quyết tạm dừng cho đến khi người nộp bổ sung."
            ),
            data=lambda c: inputs.SupplementRequestInput(
                items=c["items"], deadline=c["deadline_at"]
            ),
        ),
        _spec(
            slug="bo-sung",
            action=Action.SUPPLEMENT,
            title=_("Nhận hồ sơ bổ sung thay người nộp"),
            button=_("Ghi nhận hồ sơ bổ sung"),
            done=_("Đã ghi nhận hồ sơ bổ sung; thời hạn giải quyết được tính tiếp."),
            form_class=f.SupplementForm,
            multipart=True,
            data=lambda c: inputs.SupplementInput(note=c["note"], uploads=_scans(c)),
        ),
        _spec(
            slug="chuyen-buoc",
            action=Action.FORWARD,
            title=_("Chuyển bước xử lý tiếp theo"),
            button=_("Chuyển"),
            done=_("Đã chuyển hồ sơ sang bước tiếp theo."),
            form_class=f.ForwardForm,
            form_kwargs=forward_kwargs,
            data=lambda c: inputs.ForwardInput(
                to_handler=c.get("to_handler"), to_agency=c.get("to_agency"), note=c["note"]
            ),
        ),
        _spec(
            slug="tra-lai",
            action=Action.SEND_BACK,
            title=_("Trả lại bước trước"),
            button=_("Trả lại"),
            done=_("Đã trả hồ sơ về bước trước."),
            form_class=f.SendBackForm,
            data=lambda c: inputs.ReasonInput(reason=c["reason"]),
        ),
        _spec(
            slug="chuyen-don-vi",
            action=Action.TRANSFER,
            title=_("Chuyển đơn vị xử lý"),
            button=_("Chuyển đơn vị"),
            done=_("Đã chuyển hồ sơ đến đơn vị khác."),
            form_class=f.TransferForm,
            form_kwargs=province_agencies,
            data=lambda c: inputs.TransferInput(to_agency=c["to_agency"], reason=c["reason"]),
        ),
        _spec(
            slug="xin-y-kien",
            action=Action.CONSULT,
            title=_("Xin ý kiến đơn vị khác"),
            button=_("Gửi xin ý kiến"),
            done=_("Đã gửi xin ý kiến; hồ sơ vẫn do bạn xử lý."),
            form_class=f.ConsultForm,
            form_kwargs=province_agencies,
            data=lambda c: inputs.ConsultInput(
                to_agency=c["to_agency"], question=c["question"], due_at=c["due_date"]
            ),
        ),
        _spec(
            slug="tra-loi-y-kien",
            action=Action.ANSWER,
            title=_("Trả lời xin ý kiến"),
            button=_("Gửi ý kiến"),
            done=_("Đã gửi ý kiến trả lời."),
            form_class=f.AnswerForm,
            form_kwargs=open_consultations,
            data=lambda c: inputs.AnswerInput(
                consultation_id=c["consultation"], answer=c["answer"]
            ),
        ),
        _spec(
            slug="yeu-cau-nop-phi",
            action=Action.REQUEST_PAYMENT,
            title=_("Yêu cầu thực hiện nghĩa vụ tài chính"),
            button=_("Gửi yêu cầu nộp phí"),
            done=_("Đã yêu cầu người nộp nộp phí, lệ phí; thời hạn tạm dừng đến khi nộp."),
            form_class=f.PaymentRequestForm,
            initial=payment_initial,
            data=lambda c: inputs.PaymentRequestInput(amount=c["amount"], note=c["note"]),
        ),
        _spec(
            slug="khong-chap-nhan-mien-giam",
            action=Action.REFUSE_EXEMPTION,
            title=_("Không chấp nhận miễn, giảm phí, lệ phí"),
            button=_("Không chấp nhận miễn, giảm"),
            done=_("Đã bỏ miễn, giảm người nộp kê khai; số tiền phải nộp được tính lại."),
            form_class=f.RefuseExemptionForm,
            intro=_("Dùng khi giấy tờ chứng minh đối tượng miễn, giảm không có hoặc không hợp lệ."),
            data=lambda c: inputs.ReasonInput(reason=c["reason"]),
        ),
        _spec(
            slug="xac-nhan-nop-phi",
            action=Action.CONFIRM_PAYMENT,
            title=_("Xác nhận đã thu phí, lệ phí"),
            button=_("Xác nhận đã thu"),
            done=_("Đã xác nhận thu phí, lệ phí; hồ sơ tiếp tục được xử lý."),
            form_class=f.PaymentConfirmForm,
            # A cash payment with its electronic receipt number, credited like any provider's.
            data=lambda c: inputs.CashInput(receipt=c["reference"]),
        ),
        _spec(
            slug="phe-duyet",
            action=Action.DECIDE,
            title=_("Phê duyệt kết quả giải quyết"),
            button=_("Ghi quyết định"),
            done=_("Đã ghi quyết định; hồ sơ chuyển đến bước trả kết quả."),
            form_class=f.DecideForm,
            # The result is rendered and signed with the decision, in one transaction.
            data=lambda c: inputs.DecideInput(approve=c["decision"], note=c["note"]),
        ),
        _spec(
            slug="xin-loi",
            action=Action.APOLOGISE,
            title=_("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
            button=_("Ban hành phiếu xin lỗi"),
            done=_("Đã ban hành phiếu xin lỗi (mẫu 05) và hẹn lại ngày trả kết quả."),
            form_class=f.ApologyForm,
            intro=_("Phiếu xin lỗi phải ban hành trước ngày hẹn trả; người nộp được thông báo."),
            data=lambda c: inputs.ApologyInput(reason=c["reason"], new_due_at=c["new_due_at"]),
        ),
        _spec(
            slug="dung-xu-ly",
            action=Action.STOP,
            title=_("Dừng xử lý hồ sơ"),
            button=_("Dừng xử lý"),
            done=_("Đã dừng xử lý hồ sơ."),
            form_class=f.StopForm,
            warning=True,
            data=lambda c: inputs.ReasonInput(reason=c["reason"]),
        ),
        _spec(
            slug="rut-ho-so",
            action=Action.WITHDRAW,
            title=_("Rút hồ sơ theo đề nghị của người nộp"),
            button=_("Rút hồ sơ"),
            done=_("Đã rút hồ sơ theo đề nghị của người nộp."),
            form_class=f.WithdrawForm,
            warning=True,
            intro=_("Chỉ thực hiện khi người nộp có văn bản đề nghị rút hồ sơ."),
            data=lambda c: inputs.WithdrawInput(reason=c["reason"]),
        ),
        _spec(
            slug="tra-ket-qua",
            action=Action.RETURN_RESULT,
            title=_("Trả kết quả giải quyết"),
            button=_("Trả kết quả"),
            done=_("Đã trả kết quả; hồ sơ kết thúc."),
            form_class=f.ReturnForm,
            data=lambda c: inputs.ReturnInput(
                method=c["method"], tracking_number=c["tracking_number"], note=c["note"]
            ),
        ),
    )
}


def offered_actions(situation: Situation) -> list[ActionSpec]:
    return [spec for spec in ACTIONS.values() if spec.is_offered(situation)]
