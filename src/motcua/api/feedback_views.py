"""How a feedback item is shown through the API, and to whom: the agency that handles it sees
its whole history with officers' names, the sender sees the public history and what they may
do; the public sees only the published wording."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from motcua.feedback import rules
from motcua.feedback.models import FeedbackEvent, FeedbackItem, ItemStatus
from motcua.feedback.privacy import for_followers, public_draft
from motcua.feedback.selectors import mark, soon_limit

from .dossier_views import agency_ref, local

SENDER_ACTIONS = ("provide_info", "rate")


def named(code: str, name: Any) -> dict[str, str]:
    return {"code": code, "name": str(name)}


def _ward(item: FeedbackItem) -> dict[str, str] | None:
    return named(item.ward.code, item.ward.name) if item.ward is not None else None


def _label(action: str) -> str:
    try:
        return str(FeedbackEvent.Action(action).label)
    except ValueError:
        return action


def public_out(item: FeedbackItem) -> dict[str, Any]:
    """The published wording only: never the sender, the private text or the officers."""
    return {
        "code": item.code,
        "topic": named(item.topic.code, item.topic.name),
        "agency": item.agency.name,
        "ward": _ward(item),
        "title": item.public_title,
        "question": item.public_question,
        "answer": item.public_answer,
        "received_at": local(item.received_at),
        "answered_at": local(item.answered_at),
        "published_at": local(item.published_at),
    }


def summary_out(item: FeedbackItem, *, now: datetime, limit: datetime) -> dict[str, Any]:
    return {
        "code": item.code,
        "topic": named(item.topic.code, item.topic.name),
        "title": item.title,
        "status": named(item.status, ItemStatus(item.status).label),
        "channel": item.channel,
        "classification": item.classification,
        "agency": agency_ref(item.agency),
        "ward": _ward(item),
        "received_at": local(item.received_at),
        "due_at": local(item.due_at),
        "mark": mark(item, now, limit),
        "rating": item.rating,
        "reopen_requested": bool(item.reopen_requested_at and not item.reopen_decision),
    }


def sender_actions(item: FeedbackItem) -> list[str]:
    """What the sender may do now (the rule table's state checks)."""
    return [a for a in SENDER_ACTIONS if rules.why_not(None, a, item) is None]


def _history(item: FeedbackItem, agency: bool) -> list[dict[str, Any]]:
    events = item.events.all() if agency else item.events.filter(public=True)
    return [
        {
            "at": local(e.at),
            "action": e.action,
            "action_label": _label(e.action),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "actor": (e.actor_name or None) if agency else None,
        }
        for e in events
    ]


def _reopen(item: FeedbackItem) -> dict[str, Any] | None:
    if item.reopen_requested_at is None:
        return None
    return {
        "requested_at": local(item.reopen_requested_at),
        "reason": item.reopen_reason,
        "decision": item.reopen_decision,
        "decided_at": local(item.reopen_decided_at),
    }


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def item_out(user: Any, item: FeedbackItem, *, sender: bool = False) -> dict[str, Any]:
    """The item as ``user`` reads it: its agency, or (``sender``) its sender by account or
    follow key; a follower reads its progress only (``follower_out``); anyone else who may
    open it (the operator who recorded a call, an officer after a transfer) reads what the
    sender reads, without the sender's actions."""
    now = timezone.now()
    agency = rules.is_handler(user, item)
    if agency:
        actions = rules.allowed_actions(user, item)
    else:
        actions = sender_actions(item) if sender else []
    full = _full(item, now, agency, actions)
    if not (agency or sender or rules.may_see(user, item)) and rules.is_follower(user, item):
        return follower_out(full, item)
    return full


def _full(item: FeedbackItem, now: datetime, agency: bool, actions: list[str]) -> dict[str, Any]:
    return {
        **summary_out(item, now=now, limit=soon_limit(now)),
        "body": item.body,
        "dossier": item.dossier.code if item.dossier is not None else None,
        "procedure": item.procedure.code if item.procedure is not None else None,
        "latitude": _number(item.latitude),
        "longitude": _number(item.longitude),
        "address": item.address,
        "sender": {
            "name": item.sender_name,
            "phone": item.sender_phone,
            "email": item.sender_email,
            "verified": item.contact_verified,
        },
        "refuse_by": local(item.refuse_by),
        "info_by": local(item.info_by),
        "answer_by": local(item.answer_by),
        "publish_by": local(item.publish_by),
        "info_request": item.info_request,
        "answer": item.answer,
        "answered_at": local(item.answered_at),
        "refusal_reason": item.refusal_reason,
        "closed_at": local(item.closed_at),
        "published_at": local(item.published_at),
        "rated_at": local(item.rated_at),
        "reopen": _reopen(item),
        "repeated_of": item.repeated_of.code if item.repeated_of is not None else None,
        "merged_into": item.merged_into.code if item.merged_into is not None else None,
        "attachments": [
            {
                "name": a.original_name,
                "type": a.content_type,
                "size": a.size,
                "from_agency": a.from_agency,
                "uploaded_at": local(a.uploaded_at),
            }
            for a in item.attachments.all()
        ],
        "history": _history(item, agency),
        "actions": actions,
        "public_draft": public_draft(item) if "publish" in actions else None,
    }


# What a follower reads (rules.is_follower): the progress, and the title, answer and refusal
# reason without personal data; every other field is blank.
FOLLOWER_SEES = frozenset(
    {"code", "topic", "status", "channel", "agency", "ward", "procedure", "received_at", "due_at",
     "mark", "refuse_by", "info_by", "answer_by", "publish_by", "answered_at", "closed_at",
     "published_at", "merged_into", "reopen_requested"}
)  # fmt: skip


def _blank(value: Any) -> Any:
    return "" if isinstance(value, str) else [] if isinstance(value, list) else None


def follower_out(full: dict[str, Any], item: FeedbackItem) -> dict[str, Any]:
    """``full`` with only what a follower reads: FOLLOWER_SEES, the scrubbed text, and the
    public history without its notes."""
    shown = {k: (v if k in FOLLOWER_SEES else _blank(v)) for k, v in full.items()}
    shown["history"] = [{**event, "note": ""} for event in full["history"]]
    return {**shown, **for_followers(item)}


# What ``item_out`` prints of the item's relations.
SHOWN_RELATED = ("topic", "agency", "ward", "dossier", "procedure", "repeated_of", "merged_into")
