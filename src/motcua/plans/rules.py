"""Who may do what with a plan: one table, asked by the back office, the API and the services.
Each check answers None when the person may, else the reason they read.

- The leaders of the plan's owner agency (approver, unit administrator) and system
  administrators create and edit the plan, its targets and its tasks, and enter the value of a
  free measure.
- The officers of a task's owner agency update that task: status, notes, evidence files.
- Every officer of the owner agency, of an agency a target applies to, of a task's owner
  agency, or of an agency above any of them (Agency.parent) reads the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.access import officer_scope
from motcua.identity.models import Agency, OfficerRole

from .models import Plan, Target, Task

Role = OfficerRole.Role
LEADERS = (Role.APPROVER, Role.UNIT_ADMIN)


def is_leader_of(user: Any, agency_id: int | None) -> bool:
    scope = officer_scope(user)
    return scope.is_system_admin or any(scope.holds(role, agency_id) for role in LEADERS)


def led_agencies(user: Any) -> list[Agency] | None:
    """The agencies whose plans this person may create; None: every agency (an admin)."""
    scope = officer_scope(user)
    if scope.is_system_admin:
        return None
    ids = set().union(*(scope.by_role.get(role, frozenset()) for role in LEADERS))
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def agencies_under(ids: Iterable[int]) -> frozenset[int]:
    """``ids`` and every agency below them by Agency.parent (one query per level)."""
    found = set(ids)
    level = set(found)
    while level:
        level = set(Agency.objects.filter(parent__in=level).values_list("pk", flat=True)) - found
        found |= level
    return frozenset(found)


def reach(user: Any) -> frozenset[int] | None:
    """The agencies whose plans this person reads: their own and those under them; None for
    everything (a system administrator). A hotline operator's role reaches no plan."""
    scope = officer_scope(user)
    if scope.is_system_admin:
        return None
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return agencies_under(scope.agency_ids)


def plan_agencies(plan: Plan) -> set[int]:
    """Every agency a plan concerns: its owner, its targets' units, its tasks' owners."""
    ids = {plan.owner_id}
    ids |= set(Target.agencies.through.objects.filter(target__plan=plan).values_list(
        "agency_id", flat=True))  # fmt: skip
    ids |= set(plan.tasks.values_list("owner_id", flat=True))
    return ids


def may_read(user: Any, plan: Plan) -> bool:
    reached = reach(user)
    return reached is None or bool(plan_agencies(plan) & reached)


def may_update_task(user: Any, task: Task) -> bool:
    """An officer of the task's owner agency, or a leader of the plan's owner."""
    scope = officer_scope(user)
    return scope.covers(task.owner_id) or is_leader_of(user, task.plan.owner_id)


Check = Callable[[Any, Any], "str | Promise | None"]


def _leader(user: Any, item: Plan | Target | Task) -> str | Promise | None:
    plan = item if isinstance(item, Plan) else item.plan
    if not is_leader_of(user, plan.owner_id):
        return _("Chỉ lãnh đạo cơ quan chủ trì kế hoạch được làm việc này.")
    return None


def _task_owner(user: Any, task: Task) -> str | Promise | None:
    if not may_update_task(user, task):
        return _("Chỉ cán bộ của đơn vị thực hiện nhiệm vụ được cập nhật nhiệm vụ này.")
    return None


def _free_measure(user: Any, target: Target) -> str | Promise | None:
    if target.tracks_index:
        return _("Chỉ tiêu theo chỉ số được tính tự động, không nhập tay.")
    return _leader(user, target)


# The one table: action → the check every door asks.
ACTIONS: dict[str, Check] = {
    "edit_plan": _leader,
    "add_target": _leader,
    "edit_target": _leader,
    "add_task": _leader,
    "edit_task": _leader,
    "enter_value": _free_measure,
    "update_task": _task_owner,
}


def why_not(user: Any, action: str, item: Plan | Target | Task) -> str | None:
    """None when ``user`` may do ``action`` on ``item`` now, else the reason."""
    reason = ACTIONS[action](user, item)
    return None if reason is None else str(reason)


def may(user: Any, action: str, item: Plan | Target | Task) -> bool:
    return why_not(user, action, item) is None


def may_create(user: Any, owner: Agency) -> str | None:
    if not is_leader_of(user, owner.pk):
        return str(_("Chỉ lãnh đạo của cơ quan chủ trì được lập kế hoạch cho cơ quan đó."))
    return None
