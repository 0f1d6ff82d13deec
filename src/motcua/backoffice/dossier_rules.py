"""What the officer may do with one dossier now, judged from facts the page already has, and
what each action's form needs to ask. The services check everything again under the row
lock; this only decides what to offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet

from motcua.catalog.models import ProcedureStep
from motcua.core.templatetags.motcua import group_thousands
from motcua.core.text import search_terms
from motcua.dossiers import steps
from motcua.dossiers.access import OfficerScope, may_act, officer_scope
from motcua.dossiers.fees import bill_for
from motcua.dossiers.intake import supplement_deadline_default
from motcua.dossiers.models import Consultation, Dossier
from motcua.dossiers.workflow import Status
from motcua.identity.models import AdministrativeUnit, Agency, OfficerRole, User

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


# Who may do what, by the facts a page already has -------------------------------------------


def at_desk(ctx: Context) -> bool:
    d = ctx.dossier
    return d.handler_id in (None, ctx.user.pk) and ctx.holds(Role.RECEIVER, d.handler_agency_id)


def claimable(ctx: Context) -> bool:
    d = ctx.dossier
    return d.handler_id is None and ctx.holds(d.handler_role, d.handler_agency_id)


def may_forward(ctx: Context) -> bool:
    if ctx.dossier.awaits_children:
        return False
    current = ctx.current_step
    at_approval = current is not None and current.role == Role.APPROVER
    if at_approval and ctx.dossier.status == Status.PROCESSING:
        return False
    return ctx.may_act and ctx.next_step is not None


def may_decide(ctx: Context) -> bool:
    current = ctx.current_step
    if current is None:
        return ctx.may_act and ctx.holds(Role.APPROVER, ctx.dossier.handler_agency_id)
    return ctx.may_act and current.role == Role.APPROVER


def may_stop(ctx: Context) -> bool:
    d = ctx.dossier
    leaders = (Role.APPROVER, Role.UNIT_ADMIN)
    return any(ctx.holds(role, d.handler_agency_id, d.agency_id) for role in leaders)


def may_supplement(ctx: Context) -> bool:
    d = ctx.dossier
    return ctx.may_act or ctx.holds(Role.RECEIVER, d.agency_id, d.handler_agency_id)


def may_request_supplement(ctx: Context) -> bool:
    return ctx.may_act and ctx.dossier.supplement_count == 0  # once, by law


def may_withdraw(ctx: Context) -> bool:
    """The desk, on the applicant's written request."""
    return ctx.holds(Role.RECEIVER, ctx.dossier.agency_id)


def may_apologise(ctx: Context) -> bool:
    due = ctx.dossier.due_at
    return ctx.may_act and due is not None and ctx.now < due


def may_return(ctx: Context) -> bool:
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


def forward_kwargs(ctx: Context) -> dict[str, Any]:
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


def province_agencies(ctx: Context) -> dict[str, Any]:
    return {"agencies": agencies_in_province(ctx, ctx.q)}


def fees_due(dossier: Dossier) -> int:
    """The published fees and charges of the dossier's case, in đồng."""
    return bill_for(dossier).total


def payment_initial(ctx: Context) -> dict[str, Any]:
    amount = fees_due(ctx.dossier)
    return {"amount": group_thousands(amount)} if amount else {}


def supplement_kwargs(ctx: Context) -> dict[str, Any]:
    return {"default_deadline": supplement_deadline_default(ctx.now)}
