"""Who may do what with a feedback item: one table, asked by every door (portal, back office,
API, Open311) and by the services themselves. Each rule answers None when the person may, else
the reason they read.

- Any officer of the item's agency (its one-stop desk's receivers included, as for dossiers)
  handles it: classify, transfer, refuse, ask for information, answer, publish, merge. An item
  about an officer's conduct is handled by the agency's leaders only, and the officer it names
  never sees it (nor who sent it).
- The agency's leaders (approver, unit administrator) also decide reopen requests.
- A hotline operator records calls for any agency, and sees the items they recorded.
- The sender (their account, or the follow key given to a sender without one) follows the item,
  adds the information asked for and rates the answer.
- A system administrator sees everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.access import officer_scope
from motcua.identity.models import OfficerRole

from .models import FeedbackItem, ItemStatus

Role = OfficerRole.Role
LEADERS = (Role.APPROVER, Role.UNIT_ADMIN)
HANDLERS = (Role.RECEIVER, Role.SPECIALIST, Role.APPROVER, Role.UNIT_ADMIN)


def is_conduct(item: FeedbackItem) -> bool:
    """About an officer's conduct, or a dissatisfied evaluation of a dossier: handled by the
    agency's leaders only; never seen by the officer named."""
    return (
        item.leaders_only
        or item.classification == "conduct"
        or (not item.classification and item.topic.default_classification == "conduct")
    )


def is_handler(user: Any, item: FeedbackItem) -> bool:
    scope = officer_scope(user)
    if scope.is_system_admin:
        return True
    if item.officer_id is not None and getattr(user, "pk", None) == item.officer_id:
        return False
    roles = LEADERS if is_conduct(item) else HANDLERS
    return any(scope.holds(r, item.agency_id) for r in roles)


def is_leader(user: Any, item: FeedbackItem) -> bool:
    scope = officer_scope(user)
    return scope.is_system_admin or any(scope.holds(r, item.agency_id) for r in LEADERS)


def is_operator(user: Any) -> bool:
    scope = officer_scope(user)
    return scope.is_system_admin or Role.HOTLINE_OPERATOR in scope.roles


def is_sender(user: Any, item: FeedbackItem) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and item.sender_id is not None
        and item.sender_id == user.pk
    )


def is_follower(user: Any, item: FeedbackItem) -> bool:
    """A citizen who chose to follow the item instead of sending a duplicate: they read its
    progress, and its title and answer with personal data removed (privacy.for_followers) —
    never the sender, the content or the files."""
    return bool(
        getattr(user, "is_authenticated", False) and item.followers.filter(pk=user.pk).exists()
    )


def may_see(user: Any, item: FeedbackItem) -> bool:
    """Open the item's page (its sender, its agency, the operator who recorded it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        is_sender(user, item)
        or is_handler(user, item)
        or (item.recorded_by_id is not None and item.recorded_by_id == user.pk)
    )


Check = Callable[[Any, FeedbackItem], "str | Promise | None"]


def _handler_while(*statuses: str) -> Check:
    def check(user: Any, item: FeedbackItem) -> str | Promise | None:
        if not is_handler(user, item):
            return _("Chỉ cán bộ của cơ quan xử lý phản ánh này được làm việc này.")
        if item.status not in statuses:
            return _("Phản ánh đang ở trạng thái “%(status)s”, không làm được việc này.") % {
                "status": ItemStatus(item.status).label
            }
        return None

    return check


def _sender_rates(user: Any, item: FeedbackItem) -> str | Promise | None:
    if item.status != ItemStatus.ANSWERED:
        return _("Chỉ đánh giá được câu trả lời khi phản ánh đã được trả lời.")
    if item.rating:
        return _("Bạn đã đánh giá câu trả lời này.")
    return None


def _leader_decides(user: Any, item: FeedbackItem) -> str | Promise | None:
    if not is_leader(user, item):
        return _("Chỉ lãnh đạo cơ quan xử lý được quyết định đề nghị xử lý lại.")
    if item.reopen_requested_at is None or item.reopen_decision:
        return _("Phản ánh này không có đề nghị xử lý lại đang chờ quyết định.")
    return None


def _publishable(user: Any, item: FeedbackItem) -> str | Promise | None:
    reason = _handler_while(ItemStatus.ANSWERED)(user, item)
    if reason is None and item.topic.is_private:
        return _("Phản ánh thuộc chủ đề riêng tư, không được công khai.")
    if reason is None and item.published_at is not None:
        return _("Câu trả lời đã được công khai.")
    return reason


OPEN = (ItemStatus.RECEIVED, ItemStatus.INFO_REQUESTED, ItemStatus.IN_PROGRESS)

# The one table: action → the check every door asks.
ACTIONS: dict[str, Check] = {
    "classify": _handler_while(*OPEN),
    "transfer": _handler_while(ItemStatus.RECEIVED, ItemStatus.IN_PROGRESS),
    "refuse": _handler_while(ItemStatus.RECEIVED, ItemStatus.INFO_REQUESTED),
    "request_info": _handler_while(ItemStatus.RECEIVED, ItemStatus.IN_PROGRESS),
    "answer": _handler_while(ItemStatus.RECEIVED, ItemStatus.IN_PROGRESS),
    "publish": _publishable,
    "merge": _handler_while(*OPEN),
    "decide_reopen": _leader_decides,
    # The sender's actions are checked against the follow key or account by the caller
    # (services.sender_may); the state check is here.
    "rate": _sender_rates,
    "provide_info": lambda user, item: (
        None
        if item.status == ItemStatus.INFO_REQUESTED
        else _("Cơ quan xử lý không yêu cầu bổ sung thông tin cho phản ánh này.")
    ),
}


def why_not(user: Any, action: str, item: FeedbackItem) -> str | None:
    """None when ``user`` may do ``action`` on ``item`` now, else the reason."""
    reason = ACTIONS[action](user, item)
    return None if reason is None else str(reason)


def forbidden(user: Any, action: str, item: FeedbackItem) -> bool:
    """True when ``user`` is not one who may ever take the officer ``action`` on ``item`` (a
    door answers 403), as opposed to a refusal by the item's state now (409): the doors tell
    the two apart as they do for dossiers."""
    if action == "decide_reopen":
        return not is_leader(user, item)
    return not is_handler(user, item)


def allowed_actions(user: Any, item: FeedbackItem) -> list[str]:
    """The officer actions the item's page offers this person."""
    officer_actions = ("classify", "transfer", "refuse", "request_info", "answer", "publish",
                       "merge", "decide_reopen")  # fmt: skip
    return [a for a in officer_actions if why_not(user, a, item) is None]
