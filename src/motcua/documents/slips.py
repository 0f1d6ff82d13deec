"""The printable slips of Circular 01/2018/TT-VPCP (forms 01–05), found in a dossier's history.

The slip templates are standalone fragments in ``dossiers/slips/`` (the portal prints them
too); this module only says which exist for a dossier and what each fragment is given. It
lives in ``documents`` so that the PDF renderer can issue slips; the back office re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import control_slip, timeline
from motcua.dossiers.workflow import Action


@dataclass(frozen=True)
class SlipKind:
    number: str
    template: str
    title: Promise
    actions: tuple[str, ...]  # the events that issue it


KINDS = {
    kind.number: kind
    for kind in (
        SlipKind(
            "01",
            "dossiers/slips/receipt.html",
            _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
            (Action.ACCEPT,),
        ),
        SlipKind(
            "02",
            "dossiers/slips/supplement.html",
            _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
            (Action.REQUEST_SUPPLEMENT,),
        ),
        SlipKind(
            "03",
            "dossiers/slips/refusal.html",
            _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
            (Action.REFUSE, Action.AUTO_REFUSE),
        ),
        SlipKind(
            "04",
            "dossiers/slips/control.html",
            _("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
            (Action.ACCEPT,),
        ),
        SlipKind(
            "05",
            "dossiers/slips/apology.html",
            _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
            (Action.APOLOGISE,),
        ),
    )
}


@dataclass
class Slip:
    kind: SlipKind
    # One context per printed slip: {"event": …} or {"rows": …}; form 05 may hold several.
    parts: list[dict[str, Any]] = field(default_factory=list)


def available(events: list[DossierEvent]) -> list[SlipKind]:
    """The slips the dossier's history has issued, in form order."""
    done = {e.action for e in events}
    return [kind for kind in KINDS.values() if done.intersection(kind.actions)]


def slip(dossier: Dossier, number: str) -> Slip | None:
    """Form ``number`` with one context per printed part; None when not issued (yet)."""
    kind = KINDS.get(number)
    if kind is None:
        return None
    events = [e for e in timeline(dossier) if e.action in kind.actions]
    if not events:
        return None
    if number == "04":
        return Slip(kind, [{"rows": control_slip(dossier)}])
    if number == "05":
        return Slip(kind, [{"event": e} for e in events])
    return Slip(kind, [{"event": events[-1]}])
