"""The officer's actions on one dossier: one URL each (``/can-bo/ho-so/<code>/<slug>/``), a
small form, and the domain service that performs it.

``offered()`` (see ``dossier_rules``) decides which actions the dossier page shows; the
services still check everything again under the row lock, and their ``WorkflowError`` is
what the officer reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.documents import services as issuing
from motcua.dossiers import services
from motcua.dossiers.workflow import Action, allowed
from motcua.payments import services as payments

from . import desk
from . import dossier_forms as f
from . import dossier_rules as rules
from .dossier_rules import Context


@dataclass(frozen=True)
class ActionSpec:
    slug: str
    action: str
    title: Promise
    button: Promise
    done: Promise
    form_class: type[f.ActionForm]
    offered: Callable[[Context], bool]
    perform: Callable[[Context, dict[str, Any]], Any]
    form_kwargs: Callable[[Context], dict[str, Any]] = field(default=lambda ctx: {})
    initial: Callable[[Context], dict[str, Any]] = field(default=lambda ctx: {})
    intro: Promise | str = ""
    multipart: bool = False
    # A destructive or closing action: the button looks like a warning, not the main path.
    warning: bool = False

    def is_offered(self, ctx: Context) -> bool:
        return allowed(self.action, ctx.dossier.status) and self.offered(ctx)


# The actions --------------------------------------------------------------------------------


def _perform_supplement(ctx: Context, cleaned: dict[str, Any]) -> Any:
    return desk.supplement_at_desk(
        dossier=ctx.dossier, officer=ctx.user, uploads=cleaned["scans"], note=cleaned["note"]
    )


def _perform_answer(ctx: Context, cleaned: dict[str, Any]) -> Any:
    consultation = next(
        (c for c in ctx.open_consultations if c.pk == cleaned["consultation"]), None
    )
    if consultation is None:
        raise services.WorkflowError(str(_("Yêu cầu xin ý kiến này đã được trả lời.")))
    return services.answer_consultation(
        consultation=consultation, officer=ctx.user, answer=cleaned["answer"]
    )


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
            offered=rules.claimable,
            intro=_("Hồ sơ đang chờ trong đơn vị. Khi nhận, bạn là người chịu trách nhiệm xử lý."),
            perform=lambda ctx, c: services.claim_dossier(dossier=ctx.dossier, officer=ctx.user),
        ),
        _spec(
            slug="tiep-nhan",
            action=Action.ACCEPT,
            title=_("Tiếp nhận hồ sơ và hẹn trả kết quả"),
            button=_("Tiếp nhận, in giấy hẹn"),
            done=_("Đã tiếp nhận hồ sơ. Giấy tiếp nhận và hẹn trả kết quả (mẫu 01) đã sẵn sàng."),
            form_class=f.AcceptForm,
            offered=rules.at_desk,
            perform=lambda ctx, c: services.accept_dossier(
                dossier=ctx.dossier, officer=ctx.user, note=c["note"]
            ),
        ),
        _spec(
            slug="tu-choi",
            action=Action.REFUSE,
            title=_("Từ chối tiếp nhận hồ sơ"),
            button=_("Từ chối tiếp nhận"),
            done=_("Đã từ chối tiếp nhận. Phiếu từ chối (mẫu 03) đã sẵn sàng."),
            form_class=f.RefuseForm,
            offered=rules.at_desk,
            warning=True,
            perform=lambda ctx, c: services.refuse_dossier(
                dossier=ctx.dossier, officer=ctx.user, reasons=c["reasons"]
            ),
        ),
        _spec(
            slug="yeu-cau-bo-sung",
            action=Action.REQUEST_SUPPLEMENT,
            title=_("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
            button=_("Gửi yêu cầu bổ sung"),
            done=_("Đã yêu cầu bổ sung. Phiếu yêu cầu bổ sung (mẫu 02) đã sẵn sàng."),
            form_class=f.SupplementRequestForm,
            offered=rules.may_request_supplement,
            form_kwargs=rules.supplement_kwargs,
            intro=_(
                "Liệt kê một lần đầy đủ các giấy tờ cần bổ sung, hoàn thiện và lý do. Thời hạn "
                "giải quyết tạm dừng cho đến khi người nộp bổ sung."
            ),
            perform=lambda ctx, c: services.request_supplement(
                dossier=ctx.dossier, officer=ctx.user, items=c["items"], deadline=c["deadline_at"]
            ),
        ),
        _spec(
            slug="bo-sung",
            action=Action.SUPPLEMENT,
            title=_("Nhận hồ sơ bổ sung thay người nộp"),
            button=_("Ghi nhận hồ sơ bổ sung"),
            done=_("Đã ghi nhận hồ sơ bổ sung; thời hạn giải quyết được tính tiếp."),
            form_class=f.SupplementForm,
            offered=rules.may_supplement,
            multipart=True,
            perform=_perform_supplement,
        ),
        _spec(
            slug="chuyen-buoc",
            action=Action.FORWARD,
            title=_("Chuyển bước xử lý tiếp theo"),
            button=_("Chuyển"),
            done=_("Đã chuyển hồ sơ sang bước tiếp theo."),
            form_class=f.ForwardForm,
            offered=rules.may_forward,
            form_kwargs=rules.forward_kwargs,
            perform=lambda ctx, c: services.forward_dossier(
                dossier=ctx.dossier,
                officer=ctx.user,
                to_agency=c.get("to_agency"),
                to_handler=c.get("to_handler"),
                note=c["note"],
            ),
        ),
        _spec(
            slug="tra-lai",
            action=Action.SEND_BACK,
            title=_("Trả lại bước trước"),
            button=_("Trả lại"),
            done=_("Đã trả hồ sơ về bước trước."),
            form_class=f.SendBackForm,
            offered=lambda ctx: ctx.may_act and ctx.previous_step is not None,
            perform=lambda ctx, c: services.send_back_dossier(
                dossier=ctx.dossier, officer=ctx.user, reason=c["reason"]
            ),
        ),
        _spec(
            slug="chuyen-don-vi",
            action=Action.TRANSFER,
            title=_("Chuyển đơn vị xử lý"),
            button=_("Chuyển đơn vị"),
            done=_("Đã chuyển hồ sơ đến đơn vị khác."),
            form_class=f.TransferForm,
            offered=lambda ctx: ctx.may_act,
            form_kwargs=rules.province_agencies,
            perform=lambda ctx, c: services.transfer_dossier(
                dossier=ctx.dossier, officer=ctx.user, to_agency=c["to_agency"], reason=c["reason"]
            ),
        ),
        _spec(
            slug="xin-y-kien",
            action=Action.CONSULT,
            title=_("Xin ý kiến đơn vị khác"),
            button=_("Gửi xin ý kiến"),
            done=_("Đã gửi xin ý kiến; hồ sơ vẫn do bạn xử lý."),
            form_class=f.ConsultForm,
            offered=lambda ctx: ctx.may_act,
            form_kwargs=rules.province_agencies,
            perform=lambda ctx, c: services.consult_unit(
                dossier=ctx.dossier,
                officer=ctx.user,
                to_agency=c["to_agency"],
                question=c["question"],
                due_at=c["due_date"],
            ),
        ),
        _spec(
            slug="tra-loi-y-kien",
            action=Action.ANSWER,
            title=_("Trả lời xin ý kiến"),
            button=_("Gửi ý kiến"),
            done=_("Đã gửi ý kiến trả lời."),
            form_class=f.AnswerForm,
            offered=lambda ctx: bool(ctx.open_consultations),
            form_kwargs=lambda ctx: {"consultations": ctx.open_consultations},
            perform=_perform_answer,
        ),
        _spec(
            slug="yeu-cau-nop-phi",
            action=Action.REQUEST_PAYMENT,
            title=_("Yêu cầu thực hiện nghĩa vụ tài chính"),
            button=_("Gửi yêu cầu nộp phí"),
            done=_("Đã yêu cầu người nộp nộp phí, lệ phí; thời hạn tạm dừng đến khi nộp."),
            form_class=f.PaymentRequestForm,
            offered=lambda ctx: ctx.may_act,
            initial=rules.payment_initial,
            perform=lambda ctx, c: services.request_payment(
                dossier=ctx.dossier, officer=ctx.user, amount=c["amount"], note=c["note"]
            ),
        ),
        _spec(
            slug="khong-chap-nhan-mien-giam",
            action=Action.REFUSE_EXEMPTION,
            title=_("Không chấp nhận miễn, giảm phí, lệ phí"),
            button=_("Không chấp nhận miễn, giảm"),
            done=_("Đã bỏ miễn, giảm người nộp kê khai; số tiền phải nộp được tính lại."),
            form_class=f.RefuseExemptionForm,
            offered=lambda ctx: (
                bool(ctx.dossier.exemption_claims)
                and ctx.scope.covers(ctx.dossier.handler_agency_id)
            ),
            intro=_("Dùng khi giấy tờ chứng minh đối tượng miễn, giảm không có hoặc không hợp lệ."),
            perform=lambda ctx, c: services.refuse_exemption_claims(
                dossier=ctx.dossier, officer=ctx.user, reason=c["reason"]
            ),
        ),
        _spec(
            slug="xac-nhan-nop-phi",
            action=Action.CONFIRM_PAYMENT,
            title=_("Xác nhận đã thu phí, lệ phí"),
            button=_("Xác nhận đã thu"),
            done=_("Đã xác nhận thu phí, lệ phí; hồ sơ tiếp tục được xử lý."),
            form_class=f.PaymentConfirmForm,
            offered=lambda ctx: ctx.scope.covers(ctx.dossier.handler_agency_id),
            # A cash payment with its electronic receipt number, credited like any provider's.
            perform=lambda ctx, c: (
                payments.record_cash(
                    dossier=ctx.dossier, officer=ctx.user, receipt=c["reference"]
                ).dossier
            ),
        ),
        _spec(
            slug="phe-duyet",
            action=Action.DECIDE,
            title=_("Phê duyệt kết quả giải quyết"),
            button=_("Ghi quyết định"),
            done=_("Đã ghi quyết định; hồ sơ chuyển đến bước trả kết quả."),
            form_class=f.DecideForm,
            offered=rules.may_decide,
            # The result is rendered and signed with the decision, in one transaction.
            perform=lambda ctx, c: issuing.decide_and_issue(
                dossier=ctx.dossier, officer=ctx.user, approve=c["decision"], note=c["note"]
            ),
        ),
        _spec(
            slug="xin-loi",
            action=Action.APOLOGISE,
            title=_("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
            button=_("Ban hành phiếu xin lỗi"),
            done=_("Đã ban hành phiếu xin lỗi (mẫu 05) và hẹn lại ngày trả kết quả."),
            form_class=f.ApologyForm,
            offered=rules.may_apologise,
            intro=_("Phiếu xin lỗi phải ban hành trước ngày hẹn trả; người nộp được thông báo."),
            perform=lambda ctx, c: services.issue_apology(
                dossier=ctx.dossier,
                officer=ctx.user,
                reason=c["reason"],
                new_due_at=c["new_due_at"],
            ),
        ),
        _spec(
            slug="dung-xu-ly",
            action=Action.STOP,
            title=_("Dừng xử lý hồ sơ"),
            button=_("Dừng xử lý"),
            done=_("Đã dừng xử lý hồ sơ."),
            form_class=f.StopForm,
            offered=rules.may_stop,
            warning=True,
            perform=lambda ctx, c: services.stop_dossier(
                dossier=ctx.dossier, officer=ctx.user, reason=c["reason"]
            ),
        ),
        _spec(
            slug="rut-ho-so",
            action=Action.WITHDRAW,
            title=_("Rút hồ sơ theo đề nghị của người nộp"),
            button=_("Rút hồ sơ"),
            done=_("Đã rút hồ sơ theo đề nghị của người nộp."),
            form_class=f.WithdrawForm,
            offered=rules.may_withdraw,
            warning=True,
            intro=_("Chỉ thực hiện khi người nộp có văn bản đề nghị rút hồ sơ."),
            perform=lambda ctx, c: services.withdraw_dossier(
                dossier=ctx.dossier, by=ctx.user, reason=c["reason"]
            ),
        ),
        _spec(
            slug="tra-ket-qua",
            action=Action.RETURN_RESULT,
            title=_("Trả kết quả giải quyết"),
            button=_("Trả kết quả"),
            done=_("Đã trả kết quả; hồ sơ kết thúc."),
            form_class=f.ReturnForm,
            offered=rules.may_return,
            perform=lambda ctx, c: services.return_result(
                dossier=ctx.dossier,
                officer=ctx.user,
                method=c["method"],
                tracking_number=c["tracking_number"],
                note=c["note"],
            ),
        ),
    )
}


def offered_actions(ctx: Context) -> list[ActionSpec]:
    return [spec for spec in ACTIONS.values() if spec.is_offered(ctx)]
