"""The officer's actions on one dossier: one URL each (``/can-bo/ho-so/<code>/<slug>/``), a
small form, and the domain service that performs it.

``offered()`` decides which actions the dossier page shows; the services still check
everything again under the row lock, and their ``WorkflowError`` is what the officer reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureStep
from motcua.core.text import search_terms
from motcua.dossiers import services, steps
from motcua.dossiers.access import OfficerScope, may_act, officer_scope
from motcua.dossiers.intake import supplement_deadline_default
from motcua.dossiers.models import Consultation, Dossier
from motcua.dossiers.workflow import Action, Status, allowed
from motcua.identity.models import AdministrativeUnit, Agency, OfficerRole, User

from . import desk
from . import dossier_forms as f

Role = OfficerRole.Role


@dataclass
class Context:
    """Who is looking at which dossier, when; computed facts are cached for one request."""

    user: User
    dossier: Dossier
    now: datetime
    q: str = ""  # a search that narrows a long select of agencies

    @cached_property
    def scope(self) -> OfficerScope:
        return officer_scope(self.user)

    @cached_property
    def may_act(self) -> bool:
        return may_act(self.user, self.dossier)

    @cached_property
    def steps(self) -> list[ProcedureStep]:
        return steps.steps_of(self.dossier.version)

    @cached_property
    def current_step(self) -> ProcedureStep | None:
        return next((s for s in self.steps if s.position == self.dossier.step_position), None)

    @cached_property
    def next_step(self) -> ProcedureStep | None:
        position = self.dossier.step_position or 0
        return next((s for s in self.steps if s.position > position), None)

    @cached_property
    def previous_step(self) -> ProcedureStep | None:
        earlier = [s for s in self.steps if s.position < (self.dossier.step_position or 0)]
        return earlier[-1] if earlier else None

    def holds(self, role: str, *agency_ids: int | None) -> bool:
        return any(self.scope.holds(role, agency_id) for agency_id in agency_ids)

    @cached_property
    def open_consultations(self) -> list[Consultation]:
        agencies = self.scope.agency_ids
        return [
            c
            for c in self.dossier.consultations.all()
            if c.answered_at is None and (self.scope.is_system_admin or c.to_agency_id in agencies)
        ]


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


# Who may do what, by the facts a page already has -------------------------------------------


def _at_desk(ctx: Context) -> bool:
    d = ctx.dossier
    return d.handler_id in (None, ctx.user.pk) and ctx.holds(Role.RECEIVER, d.handler_agency_id)


def _claimable(ctx: Context) -> bool:
    d = ctx.dossier
    return d.handler_id is None and ctx.holds(d.handler_role, d.handler_agency_id)


def _may_forward(ctx: Context) -> bool:
    current = ctx.current_step
    at_approval = current is not None and current.role == Role.APPROVER
    if at_approval and ctx.dossier.status == Status.PROCESSING:
        return False
    return ctx.may_act and ctx.next_step is not None


def _may_decide(ctx: Context) -> bool:
    current = ctx.current_step
    if current is None:
        return ctx.may_act and ctx.holds(Role.APPROVER, ctx.dossier.handler_agency_id)
    return ctx.may_act and current.role == Role.APPROVER


def _may_stop(ctx: Context) -> bool:
    d = ctx.dossier
    leaders = (Role.APPROVER, Role.UNIT_ADMIN)
    return any(ctx.holds(role, d.handler_agency_id, d.agency_id) for role in leaders)


def _may_supplement(ctx: Context) -> bool:
    d = ctx.dossier
    return ctx.may_act or ctx.holds(Role.RECEIVER, d.agency_id, d.handler_agency_id)


def _may_apologise(ctx: Context) -> bool:
    due = ctx.dossier.due_at
    return ctx.may_act and due is not None and ctx.now < due


def _may_return(ctx: Context) -> bool:
    d = ctx.dossier
    return ctx.may_act and d.parent_id is None and d.handler_role == Role.RECEIVER


# What the forms need ------------------------------------------------------------------------


def forward_target(ctx: Context) -> tuple[list[Agency], Agency | None]:
    """The agencies to choose from (empty when there is no choice) and the target, if known;
    the same rule as the service, so the form asks only what the service will need."""
    step = ctx.next_step
    if step is None:
        return [], None
    candidates = steps.agencies_for_step(ctx.dossier, step)
    current = ctx.dossier.handler_agency
    if current is not None and current.pk in {a.pk for a in candidates}:
        return [], current
    if len(candidates) == 1:
        return [], candidates[0]
    return candidates, None


def forward_officers(ctx: Context, target: Agency | None) -> list[User]:
    step = ctx.next_step
    if step is None or target is None or target.pk != ctx.dossier.handler_agency_id:
        return []
    officers = steps.officers_for(target, step.role)
    return officers if len(officers) > 1 else []


def _forward_kwargs(ctx: Context) -> dict[str, Any]:
    agencies, target = forward_target(ctx)
    return {"agencies": agencies, "officers": forward_officers(ctx, target)}


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    return steps.ancestors(unit)[-1]


def agencies_in_province(ctx: Context, q: str = "") -> QuerySet[Agency]:
    """Every agency of the dossier's province but the one holding it, found by name."""
    province = province_of(ctx.dossier.agency.unit)
    queryset = Agency.objects.filter(
        Q(unit=province) | Q(unit__parent=province) | Q(unit__parent__parent=province)
    ).exclude(pk=ctx.dossier.handler_agency_id or 0)
    for word in search_terms(q):
        queryset = queryset.filter(name_folded__contains=word)
    return queryset.select_related("unit").order_by("unit__level", "unit__name", "name")


def _province_agencies(ctx: Context) -> dict[str, Any]:
    return {"agencies": agencies_in_province(ctx, ctx.q)}


def fees_due(dossier: Dossier) -> int:
    """The published fees and charges of the dossier's case, in đồng."""
    fees = dossier.version.fees.filter(Q(variant__isnull=True) | Q(variant=dossier.variant))
    return sum(fee.amount or 0 for fee in fees)


def _payment_initial(ctx: Context) -> dict[str, Any]:
    amount = fees_due(ctx.dossier)
    return {"amount": f"{amount:,}".replace(",", ".")} if amount else {}


def _supplement_kwargs(ctx: Context) -> dict[str, Any]:
    return {"default_deadline": supplement_deadline_default(ctx.now)}


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
            offered=_claimable,
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
            offered=_at_desk,
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
            offered=_at_desk,
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
            offered=lambda ctx: ctx.may_act and ctx.dossier.supplement_count == 0,
            form_kwargs=_supplement_kwargs,
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
            offered=_may_supplement,
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
            offered=_may_forward,
            form_kwargs=_forward_kwargs,
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
            form_kwargs=_province_agencies,
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
            form_kwargs=_province_agencies,
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
            initial=_payment_initial,
            perform=lambda ctx, c: services.request_payment(
                dossier=ctx.dossier, officer=ctx.user, amount=c["amount"], note=c["note"]
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
            perform=lambda ctx, c: services.confirm_payment(
                dossier=ctx.dossier, by=ctx.user, reference=c["reference"]
            ),
        ),
        _spec(
            slug="phe-duyet",
            action=Action.DECIDE,
            title=_("Phê duyệt kết quả giải quyết"),
            button=_("Ghi quyết định"),
            done=_("Đã ghi quyết định; hồ sơ chuyển đến bước trả kết quả."),
            form_class=f.DecideForm,
            offered=_may_decide,
            perform=lambda ctx, c: services.decide_dossier(
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
            offered=_may_apologise,
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
            offered=_may_stop,
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
            offered=lambda ctx: ctx.holds(Role.RECEIVER, ctx.dossier.agency_id),
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
            offered=_may_return,
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
