"""Who may do what with the data catalogue: one table, asked by the back office and again by
the services. Each check answers None when the person may, else the reason they read.

- The leaders (approver, unit administrator) of an agency propose changes to its databases:
  they write, edit and submit its proposals, and withdraw one that is not yet reviewed (a
  draft, one returned for changes, or one still waiting for review): it stays, with its
  history, as withdrawn and frees its database code.
- The coordinating department (``MOTCUA_DATA_COORDINATOR``, an agency's electronic ID) reviews
  submitted proposals: its approvers, unit administrators and specialists accept (with a note),
  return for changes or reject; never one they made or sent for review themselves (four
  eyes: a system administrator holds every role, a coordinator's leader proposes too).
- The city approves a new version gathering every accepted proposal: an approver of the top
  agency (the coordinator's topmost parent, the city's People's Committee), or a system
  administrator.
- Every officer reads the catalogue and the proposals of their agencies; the coordinator and
  the city read every proposal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.access import officer_scope
from motcua.identity.models import Agency, OfficerRole

from .models import PENDING_STATUSES, Proposal, ProposalStatus

Role = OfficerRole.Role
PROPOSERS = (Role.APPROVER, Role.UNIT_ADMIN)
REVIEWERS = (Role.APPROVER, Role.UNIT_ADMIN, Role.SPECIALIST)
EDITABLE = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)
WITHDRAWABLE = (*EDITABLE, ProposalStatus.SUBMITTED)


def coordinator() -> Agency | None:
    """The coordinating department, or None when the setting names no agency."""
    code = str(getattr(settings, "DATA_COORDINATOR", "") or "")
    return Agency.objects.filter(electronic_id=code).first() if code else None


def top_agency() -> Agency | None:
    """The coordinator's topmost parent (the city), the coordinator itself when it has none."""
    agency = coordinator()
    seen: set[int] = set()
    while agency is not None and agency.parent_id is not None and agency.pk not in seen:
        seen.add(agency.pk)
        agency = agency.parent
    return agency


def _holds_any(user: Any, roles: tuple[str, ...], agency: Agency | None) -> bool:
    scope = officer_scope(user)
    if agency is None:
        return False
    return any(scope.holds(role, agency.pk) for role in roles)


def is_reviewer(user: Any) -> bool:
    return _holds_any(user, REVIEWERS, coordinator())


def is_city_approver(user: Any) -> bool:
    return officer_scope(user).is_system_admin or _holds_any(user, (Role.APPROVER,), top_agency())


def proposing_agencies(user: Any) -> list[Agency]:
    """The agencies this person proposes changes for (every agency for an administrator)."""
    scope = officer_scope(user)
    if scope.is_system_admin:
        return list(Agency.objects.order_by("name"))
    ids = set().union(*(scope.by_role.get(role, frozenset()) for role in PROPOSERS))
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def may_propose_for(user: Any, agency: Agency) -> str | None:
    scope = officer_scope(user)
    if scope.is_system_admin or any(scope.holds(role, agency.pk) for role in PROPOSERS):
        return None
    return str(
        _("Chỉ lãnh đạo, quản trị của cơ quan chủ quản được đề xuất thay đổi cho cơ quan đó.")
    )


def reads_every_proposal(user: Any) -> bool:
    return is_reviewer(user) or is_city_approver(user)


Check = Callable[[Any, Proposal], "str | Promise | None"]


def _proposer(user: Any, proposal: Proposal) -> str | Promise | None:
    if proposal.status in PENDING_STATUSES:
        return _("Đề xuất đã gửi đi thẩm định, không sửa được nữa.")
    if proposal.status not in EDITABLE:
        return _("Đề xuất ở trạng thái “%(status)s” nên không sửa được nữa.") % {
            "status": proposal.get_status_display()
        }
    return may_propose_for(user, proposal.agency)


def _withdrawer(user: Any, proposal: Proposal) -> str | Promise | None:
    if proposal.status not in WITHDRAWABLE:
        return _("Chỉ rút được đề xuất chưa được thẩm định.")
    return may_propose_for(user, proposal.agency)


def _reviewer(user: Any, proposal: Proposal) -> str | Promise | None:
    if proposal.status != ProposalStatus.SUBMITTED:
        return _("Chỉ thẩm định được đề xuất đang chờ thẩm định.")
    if not is_reviewer(user):
        return _("Chỉ cơ quan đầu mối quản lý danh mục cơ sở dữ liệu được thẩm định đề xuất.")
    if (
        proposal.created_by_id == user.pk
        or proposal.events.filter(actor=user, to_status=ProposalStatus.SUBMITTED).exists()
    ):
        return _("Không tự thẩm định đề xuất do chính mình lập hoặc gửi.")
    return None


# The one table: action → the check every door asks, and the status the action leads to.
ACTIONS: dict[str, Check] = {
    "edit": _proposer,
    "submit": _proposer,
    "withdraw": _withdrawer,
    "accept": _reviewer,
    "return": _reviewer,
    "reject": _reviewer,
}
MOVES: dict[str, ProposalStatus] = {
    "submit": ProposalStatus.SUBMITTED,
    "withdraw": ProposalStatus.WITHDRAWN,
    "accept": ProposalStatus.ACCEPTED,
    "return": ProposalStatus.RETURNED,
    "reject": ProposalStatus.REJECTED,
}
DECISIONS = ("accept", "return", "reject")


def why_not(user: Any, action: str, proposal: Proposal) -> str | None:
    reason = ACTIONS[action](user, proposal)
    return None if reason is None else str(reason)


def may(user: Any, action: str, proposal: Proposal) -> bool:
    return why_not(user, action, proposal) is None


def why_not_approve(user: Any) -> str | None:
    if not is_city_approver(user):
        return str(_("Chỉ lãnh đạo Ủy ban nhân dân thành phố được phê duyệt danh mục."))
    return None
