"""What one dossier owes (the catalogue's fees with its exemptions, computed on the dossier's
case, channel, day of submission, account and declared groups)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.fees import Bill, Exemption, Facts, claimable, compute_bill, exemptions_of
from motcua.catalog.models import ProcedureVersion

from .models import CHANNEL_NAMES, Channel, Dossier, Draft


def _facts(
    variant: str, channel: int, on: datetime, verified: bool, claims: Any, answers: Any
) -> Facts:
    return Facts(
        variant=variant,
        channel=CHANNEL_NAMES.get(Channel(channel), ""),
        on=timezone.localdate(on),
        identity_verified=verified,
        claims=frozenset(str(c) for c in claims or []),
        answers=answers if isinstance(answers, dict) else {},
    )


def facts_of(dossier: Dossier) -> Facts:
    """As they were when the dossier was submitted (a later verification changes nothing)."""
    return _facts(
        dossier.variant.code,
        dossier.channel,
        dossier.submitted_at,
        dossier.applicant_verified,
        dossier.exemption_claims,
        dossier.data,
    )


def bill_for(dossier: Dossier) -> Bill:
    """The dossier's fees and charges in whole đồng, exemptions applied."""
    return compute_bill(dossier.version, dossier.variant_id, facts_of(dossier))


def claims_field(version: ProcedureVersion) -> forms.MultipleChoiceField | None:
    """The checkboxes of the groups an applicant may declare (none: no field)."""
    offered = claimable(version)
    if not offered:
        return None
    return forms.MultipleChoiceField(
        label=_("Đối tượng được miễn, giảm phí, lệ phí"),
        help_text=_(
            "Chọn nếu người nộp thuộc đối tượng này; giấy tờ chứng minh được kiểm tra khi "
            "tiếp nhận. Số tiền phải nộp được tính lại theo lựa chọn."
        ),
        choices=[(e.code, e.text) for e in offered],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Đối tượng miễn, giảm đã chọn không áp dụng.")},
    )


def draft_bill(draft: Draft) -> Bill | None:
    """What an online draft will owe if submitted today (None before its case is chosen)."""
    if draft.variant is None:
        return None
    facts = _facts(
        draft.variant.code,
        Channel.ONLINE,
        timezone.now(),
        draft.owner.identity_verified,
        draft.exemption_claims,
        draft.data,
    )
    return compute_bill(draft.version, draft.variant_id, facts)


def claimed(dossier: Dossier) -> list[Exemption]:
    """The groups the applicant declared, for the officer who checks the proof."""
    codes = set(dossier.exemption_claims or [])
    return [e for e in exemptions_of(dossier.version) if e.code in codes]


def claims_problem(
    version: ProcedureVersion, *, variant: str, channel: int, claims: list[str]
) -> str | None:
    """Why these declared groups cannot be claimed for this case and channel, else None."""
    offered = {
        e.code for e in claimable(version, variant=variant, channel=CHANNEL_NAMES[Channel(channel)])
    }
    if set(claims) <= offered:
        return None
    return str(_("Đối tượng miễn, giảm đã chọn không áp dụng cho trường hợp và cách nộp này."))
