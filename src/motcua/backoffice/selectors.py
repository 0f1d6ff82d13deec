"""Reads for the back-office shell."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.selectors import Box, InboxRows
from motcua.identity.models import OfficerRole, User


def roles_of(user: User) -> QuerySet[OfficerRole]:
    return (
        OfficerRole.objects.filter(user=user)
        .select_related("agency", "agency__unit")
        .order_by("agency__name", "role")
    )


# Dossiers ---------------------------------------------------------------------------------

COUNT_CAP = 999  # a tab shows "999+" rather than count a whole city's dossiers


@dataclass(frozen=True)
class InboxTab:
    slug: str
    box: str
    label: str
    count: int

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


# Vietnamese URL values of the inbox tabs, in the order they are shown.
TABS = {
    "cua-toi": (Box.MINE, _("Của tôi")),
    "cho-nhan": (Box.POOL, _("Chờ nhận xử lý")),
    "moi": (Box.NEW, _("Hồ sơ mới")),
    "xin-y-kien": (Box.CONSULT, _("Xin ý kiến")),
    "tat-ca": (Box.ALL, _("Tất cả")),
}


def inbox_tabs(user: User) -> list[InboxTab]:
    """Each tab with how many dossiers it holds (cheaply: counting stops past the cap)."""
    return [
        InboxTab(slug, box, str(label), InboxRows.of(user, box)[: COUNT_CAP + 1].count())
        for slug, (box, label) in TABS.items()
    ]
