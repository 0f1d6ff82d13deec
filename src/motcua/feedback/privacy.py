"""The sender's privacy. The public version of an item (its title, question and answer on the
portal) is written from the private one with personal data removed: the sender's name, phone
numbers, email addresses, identity-card and tax numbers, dossier codes and house numbers are
replaced. The officer who publishes reads and may edit the result before it goes out; items of a
private topic (neighbour disputes, officer conduct) are never published at all."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import FeedbackItem

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Vietnamese phones (0/+84 then 9 digits, with spaces, dots or dashes), 9- and 12-digit
# identity numbers, 10- and 13-digit tax codes: any long run of digits is hidden.
PHONE = re.compile(r"(?:\+?84|0)(?:[\s.\-]?\d){9}\b")
LONG_NUMBER = re.compile(r"\b\d[\d\s.\-]{7,}\d\b")
DOSSIER_CODE = re.compile(r"\b[\w.]+-\d{6}-\d{4,}\b")
HOUSE_NUMBER = re.compile(r"(?i)\b(số nhà|số|ngõ|ngách|hẻm|kiệt)\s+\d+[\w/]*")


def _names(item: FeedbackItem) -> list[str]:
    names = [item.sender_name]
    if item.sender is not None:
        names.append(getattr(item.sender, "full_name", ""))
    if item.dossier is not None:
        names.append(item.dossier.applicant_name)
    return sorted({n.strip() for n in names if n and len(n.strip()) > 2}, key=len, reverse=True)


def scrub(text: str, item: FeedbackItem) -> str:
    """``text`` with the personal data this module knows of replaced by a mark."""
    hidden = _("[đã ẩn]")
    for name in _names(item):
        text = re.sub(re.escape(name), hidden, text, flags=re.IGNORECASE)
    for pattern in (EMAIL, PHONE, DOSSIER_CODE, LONG_NUMBER):
        text = pattern.sub(hidden, text)
    return HOUSE_NUMBER.sub(lambda m: f"{m.group(1)} {hidden}", text)


def public_draft(item: FeedbackItem) -> dict[str, str]:
    """What the publishing officer starts from."""
    return {
        "public_title": scrub(item.title, item),
        "public_question": scrub(item.body, item),
        "public_answer": scrub(item.answer, item),
    }


def for_followers(item: FeedbackItem) -> dict[str, str]:
    """What a follower (rules.is_follower) reads of the item's text: its title, answer and
    refusal reason with personal data removed; never its content."""
    return {
        "title": scrub(item.title, item),
        "answer": scrub(item.answer, item),
        "refusal_reason": scrub(item.refusal_reason, item),
    }
