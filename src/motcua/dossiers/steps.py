"""The internal steps of a dossier's procedure (catalogue data) and who can take each one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureStep, ProcedureVersion
from motcua.core.calendar import working_calendar
from motcua.identity.models import AdministrativeUnit, Agency, OfficerRole, User

from .models import Dossier
from .workflow import WorkflowError


def steps_of(version: ProcedureVersion) -> list[ProcedureStep]:
    return list(version.steps.order_by("position"))


def step_at(dossier: Dossier, position: int | None) -> ProcedureStep | None:
    if position is None:
        return None
    return next((s for s in steps_of(dossier.version) if s.position == position), None)


def is_decision_step(step: ProcedureStep, steps: list[ProcedureStep] | None = None) -> bool:
    """The procedure's last approver step, where the result is signed. An earlier approver
    step (a leader assigning the dossier, or reviewing a draft) hands the dossier on."""
    if step.role != OfficerRole.Role.APPROVER:
        return False
    steps = steps if steps is not None else steps_of(step.version)
    return not any(s.position > step.position and s.role == step.role for s in steps)


def next_step(dossier: Dossier) -> ProcedureStep | None:
    return next(
        (s for s in steps_of(dossier.version) if s.position > (dossier.step_position or 0)), None
    )


def previous_step(dossier: Dossier) -> ProcedureStep | None:
    earlier = [s for s in steps_of(dossier.version) if s.position < (dossier.step_position or 0)]
    return earlier[-1] if earlier else None


def step_due(start: datetime, hours: Decimal) -> datetime:
    calendar = working_calendar()
    return calendar.add_working_hours(calendar.next_working_moment(start), hours)


def start_step(
    dossier: Dossier,
    step: ProcedureStep | None,
    *,
    at: datetime,
    agency: Agency,
    handler: User | None,
    role: str,
) -> None:
    """Put the dossier at ``step`` in ``agency``, held by ``handler`` or by the role's pool."""
    begin = max(at, dossier.counting_from) if dossier.counting_from else at
    dossier.step_position = step.position if step else None
    dossier.step_started_at = at
    # A step of 0 hours (the return of the result) is not counted in the time limit.
    counted = step is not None and step.working_hours > 0
    dossier.step_due_at = step_due(begin, step.working_hours) if counted and step else None
    dossier.handler_agency = agency
    dossier.handler = handler
    dossier.handler_role = role


def ancestors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The unit and the units above it, nearest first."""
    chain: list[AdministrativeUnit] = []
    current: AdministrativeUnit | None = unit
    while current is not None and len(chain) < 6:
        chain.append(current)
        current = current.parent
    return chain


def handling_agencies(version: ProcedureVersion) -> QuerySet[Agency]:
    """Agencies a dossier of ``version`` may be submitted to: the named ones, and at the
    levels where none is named, every agency of the listed kinds at that level."""
    named = _named_agencies(version)
    named_levels = {a.unit.level for a in named}
    level_wide = Q(pk__in=[a.pk for a in named])
    for level in version.level_list:
        if level in named_levels:
            continue
        condition = Q(unit__level=level)
        if version.agency_kinds:
            condition &= Q(kind__in=version.agency_kinds)
        level_wide |= condition
    return Agency.objects.filter(level_wide).select_related("unit")


def handles(version: ProcedureVersion, agency: Agency) -> bool:
    """Whether ``agency`` is one of :func:`handling_agencies`, decided on the rows in hand
    (the version's named agencies when prefetched, the agency's unit) by the same rule."""
    named = _named_agencies(version)
    if any(a.pk == agency.pk for a in named):
        return True
    level = agency.unit.level
    if level in {a.unit.level for a in named} or level not in version.level_list:
        return False
    return not version.agency_kinds or agency.kind in version.agency_kinds


def _named_agencies(version: ProcedureVersion) -> list[Agency]:
    if "agencies" in getattr(version, "_prefetched_objects_cache", {}):
        return list(version.agencies.all())  # prefetched with their units (catalog.selectors)
    return list(version.agencies.select_related("unit"))


def handling_agencies_near(version: ProcedureVersion, unit: AdministrativeUnit) -> list[Agency]:
    """The handling agencies in ``unit`` or the units above it, nearest first."""
    chain = ancestors(unit)
    rank = {u.pk: i for i, u in enumerate(chain)}
    found = handling_agencies(version).filter(unit__in=chain)
    return sorted(found, key=lambda a: (rank[a.unit_id], a.electronic_id))


def agencies_for_step(dossier: Dossier, step: ProcedureStep) -> list[Agency]:
    """Where ``step`` can be done: the dossier's own agency when the step is at its level,
    else the agencies at that level above it (ward → city department, or district)."""
    home = dossier.agency
    # A step written for a level below the agency's (a commune step of a procedure that a city
    # department also handles) is done by the agency itself.
    above = {unit.level for unit in ancestors(home.unit)}
    if step.unit_level == home.unit.level or step.unit_level not in above:
        return [home]
    near = [
        a
        for a in handling_agencies_near(dossier.version, home.unit)
        if a.unit.level == step.unit_level
    ]
    if near:
        return near
    chain = [u for u in ancestors(home.unit) if u.level == step.unit_level]
    return list(Agency.objects.filter(unit__in=chain).order_by("electronic_id"))


def officers_for(agency: Agency, role: str) -> list[User]:
    return list(
        User.objects.filter(is_active=True, roles__role=role, roles__agency=agency).order_by(
            "full_name", "username"
        )
    )


def require_officer_holding(user: User, role: str, agency: Agency) -> None:
    if not OfficerRole.objects.filter(user=user, role=role, agency=agency).exists():
        raise WorkflowError(
            _("%(name)s không giữ vai trò “%(role)s” tại %(agency)s.")
            % {"name": user, "role": OfficerRole.Role(role).label, "agency": agency}
        )


def default_agency_for_step(dossier: Dossier, step: ProcedureStep) -> Agency:
    """Where a step starts when nobody chooses (after a decision): the unit holding the
    dossier if it can do the step, else the only candidate, else a candidate that already
    handled this dossier, else the dossier's own agency."""
    candidates = agencies_for_step(dossier, step)
    ids = {a.pk for a in candidates}
    if dossier.handler_agency_id in ids and dossier.handler_agency is not None:
        return dossier.handler_agency
    if len(candidates) == 1:
        return candidates[0]
    handled = set(dossier.events.exclude(to_agency=None).values_list("to_agency", flat=True))
    return next((a for a in candidates if a.pk in handled), dossier.agency)


@dataclass(frozen=True)
class ForwardChoices:
    """Where a forward goes, and what the officer must choose: the next step, the agencies
    that can do it, the one it goes to when nobody needs to choose, and the officers to
    choose from when several of the same unit can take it."""

    step: ProcedureStep | None
    candidates: list[Agency]
    target: Agency | None
    officers: list[User]

    @property
    def agencies(self) -> list[Agency]:
        """The agencies to choose from; empty when there is no choice."""
        return self.candidates if self.target is None else []


def forward_choices(dossier: Dossier) -> ForwardChoices:
    """The one reading of a forward's choices, for the service and the form alike."""
    step = next_step(dossier)
    if step is None:
        return ForwardChoices(None, [], None, [])
    candidates = agencies_for_step(dossier, step)
    current = dossier.handler_agency
    target = None
    if current is not None and current.pk in {a.pk for a in candidates}:
        target = current
    elif len(candidates) == 1:
        target = candidates[0]
    officers: list[User] = []
    if target is not None and target.pk == dossier.handler_agency_id:
        officers = officers_for(target, step.role)
    return ForwardChoices(step, candidates, target, officers if len(officers) > 1 else [])


def target_agency(choices: ForwardChoices, chosen: Agency | None) -> Agency:
    """Where a forward goes: the agency chosen (one that does the next step), else the one
    known without a choice."""
    if chosen is not None:
        if chosen.pk not in {a.pk for a in choices.candidates}:
            raise WorkflowError(
                _("%(agency)s không thực hiện bước này của thủ tục.") % {"agency": chosen}
            )
        return chosen
    if choices.target is not None:
        return choices.target
    if not choices.candidates:
        raise WorkflowError(_("Không có đơn vị nào thực hiện được bước tiếp theo."))
    raise WorkflowError(_("Hãy chọn đơn vị thực hiện bước tiếp theo."))


def target_handler(dossier: Dossier, role: str, agency: Agency, chosen: User | None) -> User | None:
    """Who takes the forwarded dossier: the officer chosen, the only one holding the role in
    the same unit, or another unit's pool (None)."""
    if chosen is not None:
        require_officer_holding(chosen, role, agency)
        return chosen
    if dossier.handler_agency_id != agency.pk:
        return None  # another unit: its pool, until someone there claims it
    officers = officers_for(agency, role)
    if len(officers) == 1:
        return officers[0]
    if not officers:
        return None
    raise WorkflowError(_("Có nhiều cán bộ có thể xử lý bước tiếp theo; hãy chọn một người."))
