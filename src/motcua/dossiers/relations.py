"""The facts the action table (:mod:`.rules`) is written in: a :class:`Situation` (who
considers which dossier, when), the *relations* a person can have to a dossier (who may act)
and the *conditions* besides its status (when). Each relation and condition answers None when
it holds, else the reason the person reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureStep
from motcua.identity.models import OfficerRole, User

from .access import OfficerScope, may_act, officer_scope
from .models import Consultation, Dossier
from .steps import ForwardChoices, forward_choices, is_decision_step, steps_of
from .workflow import Status

Role = OfficerRole.Role
LEADERS = (Role.APPROVER, Role.UNIT_ADMIN)


@dataclass
class Situation:
    """Who (``user``; None for the system) considers which dossier, at which moment. Facts
    are computed once and shared by every rule asked about."""

    user: User | None
    dossier: Dossier
    now: datetime = field(default_factory=timezone.now)

    @cached_property
    def scope(self) -> OfficerScope:
        return officer_scope(self.user) if self.user is not None else OfficerScope()

    @property
    def is_officer(self) -> bool:
        return self.user is not None and (self.user.is_officer or self.scope.is_system_admin)

    def holds(self, role: str, *agency_ids: int | None) -> bool:
        return self.is_officer and any(self.scope.holds(role, a) for a in agency_ids)

    @cached_property
    def is_handler(self) -> bool:
        """The accountable handler, or anyone of the pool while nobody has claimed it."""
        return self.is_officer and may_act(self.user, self.dossier)

    @cached_property
    def steps(self) -> list[ProcedureStep]:
        return steps_of(self.dossier.version)

    @cached_property
    def current_step(self) -> ProcedureStep | None:
        return next((s for s in self.steps if s.position == self.dossier.step_position), None)

    @cached_property
    def next_step(self) -> ProcedureStep | None:
        here = self.dossier.step_position or 0
        return next((s for s in self.steps if s.position > here), None)

    @cached_property
    def previous_step(self) -> ProcedureStep | None:
        earlier = [s for s in self.steps if s.position < (self.dossier.step_position or 0)]
        return earlier[-1] if earlier else None

    @cached_property
    def forward_choices(self) -> ForwardChoices:
        """Where a forward would go and what its sender must choose (steps.forward_choices)."""
        return forward_choices(self.dossier)

    @cached_property
    def open_consultations(self) -> list[Consultation]:
        """Questions to one of the user's units that wait for an answer."""
        if not self.is_officer:
            return []
        return [
            c
            for c in self.dossier.consultations.all()
            if c.answered_at is None and self.scope.covers(c.to_agency_id)
        ]

    @cached_property
    def awaits_children(self) -> bool:
        return self.dossier.awaits_children


# Who: a person's relation to the dossier. Each answers None when it holds, else why not. ----

Check = Callable[[Situation], "str | None"]


@dataclass(frozen=True)
class Relation:
    """Who may take an action: a person's relation to the dossier."""

    name: str  # as docs/lifecycle.md's table and the permission matrix call it
    check: Check


@dataclass(frozen=True)
class Condition:
    """When, besides the status: a fact about the dossier (or the moment)."""

    name: str
    check: Check


def _relation(name: str, test: Callable[[Situation], bool], why: Promise) -> Relation:
    return Relation(name, lambda s: None if test(s) else str(why))


def is_applicant(s: Situation) -> bool:
    d = s.dossier
    # A child of a linked group follows its parent: the applicant acts on the parent.
    return s.user is not None and d.applicant_id == s.user.pk and d.parent_id is None


def _receives(s: Situation) -> bool:
    return s.holds(Role.RECEIVER, s.dossier.agency_id, s.dossier.handler_agency_id)


def _desk_holding(s: Situation) -> str | None:
    if s.user is None or not s.holds(Role.RECEIVER, s.dossier.handler_agency_id):
        return gettext("Chỉ cán bộ một cửa của đơn vị mới thực hiện được thao tác này.")
    if s.dossier.handler_id not in (None, s.user.pk):
        return gettext("Hồ sơ đang do cán bộ khác tiếp nhận.")
    return None


def _approver_at_approval(s: Situation) -> str | None:
    if not s.is_handler:
        return gettext("Bạn không phải người đang chịu trách nhiệm xử lý hồ sơ này.")
    step = s.current_step
    at_approval = step.role == Role.APPROVER if step is not None else True
    if not (at_approval and s.holds(Role.APPROVER, s.dossier.handler_agency_id)):
        return gettext("Chỉ lãnh đạo ở bước phê duyệt mới ghi quyết định.")
    return None


def _returning_desk(s: Situation) -> str | None:
    if not s.is_handler:
        return gettext("Bạn không phải người đang chịu trách nhiệm xử lý hồ sơ này.")
    if s.dossier.handler_role != Role.RECEIVER or not s.holds(
        Role.RECEIVER, s.dossier.handler_agency_id
    ):
        return gettext("Kết quả do bộ phận một cửa trả, sau khi hồ sơ được chuyển đến đó.")
    return None


def _finished_children(s: Situation) -> bool:
    return s.user is None and bool(s.dossier.children.exists())


APPLICANT = _relation(
    "applicant", is_applicant, _("Chỉ người nộp hồ sơ mới thực hiện được thao tác này.")
)
HANDLER = _relation(
    "handler",
    lambda s: s.is_handler,
    _("Bạn không phải người đang chịu trách nhiệm xử lý hồ sơ này."),
)
POOL = _relation(
    "pool of the handling unit",
    lambda s: s.holds(s.dossier.handler_role, s.dossier.handler_agency_id),
    _("Hồ sơ này không thuộc phạm vi xử lý của bạn."),
)
DESK_HOLDING = Relation("receiver holding it at the desk", _desk_holding)
RECEIVING_DESK = _relation(
    "receiving desk",
    _receives,
    _("Chỉ bộ phận một cửa tiếp nhận hồ sơ mới thực hiện được thao tác này."),
)
LEADER = _relation(
    "leader of the unit",
    lambda s: any(s.holds(r, s.dossier.handler_agency_id, s.dossier.agency_id) for r in LEADERS),
    _("Chỉ lãnh đạo hoặc quản trị đơn vị mới dừng xử lý hồ sơ."),
)
CONSULTED = _relation(
    "consulted unit",
    lambda s: bool(s.open_consultations),
    _("Đơn vị của bạn không có yêu cầu xin ý kiến nào chờ trả lời về hồ sơ này."),
)
APPROVER = Relation("approver handling it at its approval step", _approver_at_approval)
RETURNING_DESK = Relation("desk holding it to return the result", _returning_desk)
SYSTEM = _relation(
    "the system", lambda s: s.user is None, _("Chỉ hệ thống thực hiện thao tác này.")
)
LINKED_SYSTEM = _relation(
    "the system, when every linked child is done",
    _finished_children,
    _("Chỉ hệ thống ghi kết quả hồ sơ liên thông."),
)


# When: conditions besides the status. Each answers None when it holds, else why not. -------


def _condition(name: str, test: Callable[[Situation], bool], why: Promise) -> Condition:
    return Condition(name, lambda s: None if test(s) else str(why))


def _unclaimed(s: Situation) -> str | None:
    handler = s.dossier.handler
    if handler is None:
        return None
    return gettext("Hồ sơ đã có người nhận xử lý: %(name)s.") % {"name": handler}


def _before_due(s: Situation) -> str | None:
    due = s.dossier.due_at
    if due is None:
        return gettext("Hồ sơ chưa có ngày hẹn trả.")
    if s.now >= due:
        return gettext("Phiếu xin lỗi phải ban hành trước ngày hẹn trả; hồ sơ đã quá hạn.")
    return None


def _not_deciding(s: Situation) -> bool:
    step = s.current_step
    deciding = step is not None and is_decision_step(step, s.steps)
    return not (deciding and s.dossier.status == Status.PROCESSING)


UNCLAIMED = Condition("nobody has claimed it", _unclaimed)
FIRST_SUPPLEMENT_REQUEST = _condition(
    "no supplement asked before",
    lambda s: s.dossier.supplement_count == 0,
    _("Hồ sơ đã được yêu cầu bổ sung một lần; theo quy định chỉ yêu cầu bổ sung một lần."),
)
CHILDREN_DONE = _condition(
    "not waiting for linked children",
    lambda s: not s.awaits_children,
    _("Hồ sơ liên thông đang chờ các hồ sơ con; hồ sơ tự chuyển khi các hồ sơ con xong."),
)
NOT_AT_DECISION = _condition(
    "not at the decision step",
    _not_deciding,
    _("Bước phê duyệt kết thúc bằng quyết định, không chuyển tiếp."),
)
HAS_NEXT_STEP = _condition(
    "a next step",
    lambda s: s.next_step is not None,
    _("Đây là bước cuối của quy trình; không còn bước để chuyển."),
)
HAS_PREVIOUS_STEP = _condition(
    "a previous step",
    lambda s: s.previous_step is not None,
    _("Hồ sơ đang ở bước đầu tiên; không có bước trước để trả lại."),
)
BEFORE_DUE = Condition("before the due date", _before_due)
HAS_CLAIMS = _condition(
    "exemptions declared",
    lambda s: bool(s.dossier.exemption_claims),
    _("Người nộp không kê khai đối tượng miễn, giảm nào."),
)
NOT_A_CHILD = _condition(
    "not a linked child",
    lambda s: s.dossier.parent_id is None,
    _("Kết quả hồ sơ liên thông được trả cùng hồ sơ cha."),
)
