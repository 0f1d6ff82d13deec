"""Who may take which action on a dossier, and when: the one table of dossier actions.

For every action, :data:`RULES` gives the statuses it may start from (the lifecycle's
:data:`~.workflow.TRANSITIONS`), who may take it (a person's relation to the dossier: its
applicant, its handler, the desk that receives it, a leader of its unit, a consulted unit…),
its extra conditions, the input it takes (:mod:`.action_inputs`) and the service that performs
it (registered by the service itself with :func:`performs`).

The relations and conditions it is written in are in :mod:`.relations`. Everything reads this
table: the back office's buttons and the API's ``actions`` list
(:func:`offered`), both doors' dispatch (:func:`perform`), and every service's guard
(:func:`require`, under the row lock). A door never chooses a service, and never writes a rule
of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from motcua.catalog.models import ProcedureVersion
from motcua.identity.models import AdministrativeUnit, Agency, OfficerRole, User

from . import action_inputs as inputs
from .access import may_act, officer_scope
from .models import Dossier
from .moves import locked
from .relations import (
    APPLICANT,
    APPROVER,
    BEFORE_DUE,
    CHILDREN_DONE,
    CONSULTED,
    DESK_HOLDING,
    FIRST_SUPPLEMENT_REQUEST,
    HANDLER,
    HAS_CLAIMS,
    HAS_NEXT_STEP,
    HAS_PREVIOUS_STEP,
    LEADER,
    LINKED_SYSTEM,
    NOT_A_CHILD,
    NOT_AT_DECISION,
    POOL,
    RECEIVING_DESK,
    RETURNING_DESK,
    SYSTEM,
    UNCLAIMED,
    Condition,
    Relation,
    Situation,
    is_applicant,
)
from .steps import ancestors, handling_agencies
from .workflow import TRANSITIONS, Action, NotPermitted, Status, WorkflowError, allowed, not_now

RECEIVER = OfficerRole.Role.RECEIVER

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
    return officer_scope(user).by_role.get(RECEIVER, frozenset())


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
    return officer_scope(user).holds(RECEIVER, agency.pk)


def may_add_files(user: User, dossier: Dossier) -> bool:
    """Whether ``user`` may add a file to ``dossier``: its applicant while it waits for their
    papers, or an officer who may act on it while it is open."""
    if user.is_officer or officer_scope(user).is_system_admin:
        return dossier.is_open and may_act(user, dossier)
    waiting = (Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED)
    return is_applicant(Situation(user, dossier)) and dossier.status in waiting


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
