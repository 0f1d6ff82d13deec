"""Who may take which action on a dossier, and when: the one table of dossier actions.

For every action, :data:`RULES` gives the statuses it may start from (the lifecycle's
:data:`~.workflow.TRANSITIONS`), who may take it (a person's relation to the dossier: its
applicant, its handler, the desk that receives it, a leader of its unit, a consulted unit…),
its extra conditions, the input it takes (:mod:`.action_inputs`) and the service that performs
it (registered by the service itself with :func:`performs`).

Everything reads this table: the back office's buttons and the API's ``actions`` list
(:func:`offered`), both doors' dispatch (:func:`perform`), and every service's guard
(:func:`require`, under the row lock). A door never chooses a service, and never writes a rule
of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureStep, ProcedureVersion
from motcua.identity.models import AdministrativeUnit, Agency, OfficerRole, User

from . import action_inputs as inputs
from .access import OfficerScope, may_act, officer_scope
from .models import Consultation, Dossier
from .moves import locked
from .steps import ancestors, handling_agencies, is_decision_step, steps_of
from .workflow import TRANSITIONS, Action, NotPermitted, Status, WorkflowError, allowed, not_now

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


def _is_applicant(s: Situation) -> bool:
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
    "applicant", _is_applicant, _("Chỉ người nộp hồ sơ mới thực hiện được thao tác này.")
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


# The table ------------------------------------------------------------------------------------

Service = Callable[..., Any]


@dataclass
class Rule:
    action: str
    who: tuple[Relation, ...]
    input: type
    when: tuple[Condition, ...] = ()
    # Filled by @performs on the service, when its module is imported (apps' ready()).
    service: Service | None = None
    actor_parameter: str = "officer"

    @property
    def starts_from(self) -> frozenset[int]:
        return frozenset(TRANSITIONS.get(self.action, {}))

    @property
    def for_people(self) -> bool:
        """Taken by a person through a door (not only by the system)."""
        return any(r not in (SYSTEM, LINKED_SYSTEM) for r in self.who)


def _rule(action: str, who: tuple[Relation, ...], input: type, *when: Condition) -> Rule:
    return Rule(action, who, input, when)


A = Action
RULES: dict[str, Rule] = {
    rule.action: rule
    for rule in (
        _rule(A.ACCEPT, (DESK_HOLDING,), inputs.AcceptInput),
        _rule(A.REFUSE, (DESK_HOLDING,), inputs.RefuseInput),
        _rule(A.REQUEST_SUPPLEMENT, (HANDLER,), inputs.SupplementRequestInput,
              FIRST_SUPPLEMENT_REQUEST),
        # The applicant online, or the desk that takes the papers they bring.
        _rule(A.SUPPLEMENT, (APPLICANT, RECEIVING_DESK), inputs.SupplementInput),
        _rule(A.CLAIM, (POOL,), inputs.NoInput, UNCLAIMED),
        _rule(A.FORWARD, (HANDLER,), inputs.ForwardInput, CHILDREN_DONE, NOT_AT_DECISION,
              HAS_NEXT_STEP),
        _rule(A.SEND_BACK, (HANDLER,), inputs.ReasonInput, HAS_PREVIOUS_STEP),
        # To an agency of the dossier's province (transfer_targets), checked by the service.
        _rule(A.TRANSFER, (HANDLER,), inputs.TransferInput),
        _rule(A.CONSULT, (HANDLER,), inputs.ConsultInput),
        _rule(A.ANSWER, (CONSULTED,), inputs.AnswerInput),
        _rule(A.REQUEST_PAYMENT, (HANDLER,), inputs.PaymentRequestInput),
        # Cash is recorded by the desk that collects it; a provider's confirmation by the system.
        _rule(A.CONFIRM_PAYMENT, (RECEIVING_DESK, SYSTEM), inputs.CashInput),
        # The officer who checks the proof: whoever handles the dossier now.
        _rule(A.REFUSE_EXEMPTION, (HANDLER,), inputs.ReasonInput, HAS_CLAIMS),
        _rule(A.DECIDE, (APPROVER, LINKED_SYSTEM), inputs.DecideInput),
        _rule(A.APOLOGISE, (HANDLER,), inputs.ApologyInput, BEFORE_DUE),
        _rule(A.WITHDRAW, (APPLICANT, RECEIVING_DESK), inputs.WithdrawInput),
        _rule(A.STOP, (LEADER,), inputs.ReasonInput),
        _rule(A.RETURN_RESULT, (RETURNING_DESK,), inputs.ReturnInput, NOT_A_CHILD),
        _rule(A.AUTO_REFUSE, (SYSTEM,), inputs.NoInput),
        _rule(A.LATE_WARNING, (SYSTEM,), inputs.NoInput),
        _rule(A.CHILD_UPDATE, (SYSTEM,), inputs.NoInput),
    )
}  # fmt: skip
# The actions a person takes through a door, in the order a dossier meets them.
DOOR_ACTIONS: tuple[str, ...] = tuple(a for a, rule in RULES.items() if rule.for_people)


@dataclass(frozen=True)
class Refusal:
    message: str
    # Not a person who may take it (403), rather than not now (409).
    forbidden: bool

    def error(self) -> WorkflowError:
        return NotPermitted(self.message) if self.forbidden else WorkflowError(self.message)


def refusal(action: str, situation: Situation) -> Refusal | None:
    """Why ``situation.user`` may not take ``action`` now, or None when they may."""
    rule = RULES[action]
    if not allowed(action, situation.dossier.status):
        return Refusal(not_now(action, situation.dossier.status), forbidden=False)
    reasons = [relation.check(situation) for relation in rule.who]
    if None not in reasons:
        return Refusal(str(reasons[0]), forbidden=True)
    for condition in rule.when:
        why = condition.check(situation)
        if why is not None:
            return Refusal(why, forbidden=False)
    return None


def offered(situation: Situation) -> list[str]:
    """The actions ``situation.user`` may take now, as both doors list them."""
    return [a for a in DOOR_ACTIONS if refusal(a, situation) is None]


def permits(action: str, user: User | None, dossier: Dossier, at: datetime | None = None) -> bool:
    return refusal(action, Situation(user, dossier, at or timezone.now())) is None


def require(
    action: str, *, actor: User | None, dossier: Dossier, at: datetime | None = None
) -> None:
    """The services' guard, on the locked dossier: raises NotPermitted or WorkflowError."""
    found = refusal(action, Situation(actor, dossier, at or timezone.now()))
    if found is not None:
        raise found.error()


def locked_for(
    action: str, *, dossier: Dossier, actor: User | None, at: datetime | None = None
) -> tuple[Dossier, datetime]:
    """Every service's first step: the dossier re-read under its row lock, the moment of the
    move, and the table's check on them (NotPermitted or WorkflowError)."""
    dossier = locked(dossier)
    at = at or timezone.now()
    require(action, actor=actor, dossier=dossier, at=at)
    return dossier, at


# Dispatch -------------------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


def performs(action: str, *, actor: str = "officer") -> Callable[[F], F]:
    """Register the decorated function as the service of ``action``: it takes ``dossier``, the
    actor as ``actor``, the fields of the action's input, and ``at``."""

    def register(service: F) -> F:
        rule = RULES[action]
        if rule.service is not None and rule.service is not service:
            raise RuntimeError(f"two services perform {action}")
        rule.service, rule.actor_parameter = service, actor
        return service

    return register


def perform(
    action: str, *, dossier: Dossier, actor: User, data: Any, at: datetime | None = None
) -> Any:
    """Take ``action`` on ``dossier`` as ``actor`` with ``data`` (the rule's input): the one
    dispatch of both doors. The service checks the rule again under the row lock."""
    rule = RULES.get(action)
    if rule is None or not rule.for_people:
        raise WorkflowError(gettext("Không có thao tác này."))
    if not isinstance(data, rule.input):
        raise TypeError(f"{action} takes {rule.input.__name__}, not {type(data).__name__}")
    if rule.service is None:
        raise RuntimeError(f"no service performs {action}: is its app installed?")
    arguments = {f.name: getattr(data, f.name) for f in fields(rule.input)}
    if at is not None:
        arguments["at"] = at
    return rule.service(dossier=dossier, **{rule.actor_parameter: actor}, **arguments)


# What the inputs may name, by the same rules as the services -------------------------------


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    return ancestors(unit)[-1]


def transfer_targets(dossier: Dossier) -> QuerySet[Agency]:
    """Where a dossier may be transferred, or whose opinion asked: any agency of its province
    but the one holding it."""
    province = province_of(dossier.agency.unit)
    in_province = Q(unit=province) | Q(unit__parent=province) | Q(unit__parent__parent=province)
    return Agency.objects.filter(in_province).exclude(pk=dossier.handler_agency_id or 0)


def receiving_agencies(user: User) -> frozenset[int]:
    """The agencies ``user`` receives dossiers for at the desk (a desk serves several)."""
    return officer_scope(user).by_role.get(Role.RECEIVER, frozenset())


def desk_agencies(user: User, version: ProcedureVersion) -> QuerySet[Agency]:
    """Where ``user`` may receive a walk-in dossier of ``version``: the agencies their desk
    serves that handle it."""
    handling = handling_agencies(version)
    if officer_scope(user).is_system_admin:
        return handling.order_by("name")
    return handling.filter(pk__in=receiving_agencies(user)).order_by("name")


def may_receive(user: User | None, agency: Agency) -> bool:
    """Whether ``user`` may take a walk-in or posted dossier for ``agency`` (RECEIVE)."""
    if user is None or not (user.is_officer or officer_scope(user).is_system_admin):
        return False
    return officer_scope(user).holds(Role.RECEIVER, agency.pk)


def may_add_files(user: User, dossier: Dossier) -> bool:
    """Whether ``user`` may add a file to ``dossier``: its applicant while it waits for their
    papers, or an officer who may act on it while it is open."""
    if user.is_officer or officer_scope(user).is_system_admin:
        return dossier.is_open and may_act(user, dossier)
    waiting = (Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED)
    return _is_applicant(Situation(user, dossier)) and dossier.status in waiting


def as_markdown() -> str:
    """The action table as docs/lifecycle.md prints it (a test keeps the two the same)."""
    rows = [
        "| action | from status | who | also | input | service |",
        "|---|---|---|---|---|---|",
    ]
    for action, rule in RULES.items():
        starts = ", ".join(str(status) for status in sorted(rule.starts_from))
        who = "; ".join(relation.name for relation in rule.who)
        also = "; ".join(condition.name for condition in rule.when) or "—"
        service = rule.service
        where = (
            f"`{service.__module__.removeprefix('motcua.')}.{service.__name__}`"
            if service is not None
            else "— (a move of the system's)"
        )
        given = f"`{rule.input.__name__}`"
        rows.append(f"| `{action}` | {starts} | {who} | {also} | {given} | {where} |")
    return "\n".join(rows) + "\n"
