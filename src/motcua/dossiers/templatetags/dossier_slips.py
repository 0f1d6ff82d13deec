"""What the printable slips (forms 01–05, ``dossiers/slips/``) need beyond the dossier and its
event: the case's documents and fees, moments stored as ISO text in event details, and the
units that took part. The portal and the back office print the same fragments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from motcua.catalog.fees import FeeLine
from motcua.catalog.models import DocumentRequirement

from ..fees import bill_for
from ..models import Dossier

register = template.Library()


@register.filter
def case_documents(dossier: Dossier) -> list[DocumentRequirement]:
    """The documents of the dossier's case: those of every case, and those of its own."""
    documents = dossier.version.documents.prefetch_related("variants").order_by("position")
    return [d for d in documents if not d.variants.all() or dossier.variant in d.variants.all()]


@register.filter
def case_fees(dossier: Dossier) -> list[FeeLine]:
    """The dossier's bill: each line as due after its exemption (0 prints as exempt)."""
    return bill_for(dossier).lines


@register.filter
def fees_total(fees: list[FeeLine]) -> int:
    return sum(line.amount or 0 for line in fees)


@register.filter
def iso_moment(value: Any) -> datetime | None:
    """An ISO 8601 moment kept in an event's details, for the ``date`` filter."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@register.filter
def co_agencies(dossier: Dossier, rows: list[Any]) -> list[str]:
    """The other units that took part (hand-overs, consultations, linked dossiers), for the
    "cơ quan phối hợp" line of form 04."""
    names = [row.receiver_agency for row in rows] + [row.giver_agency for row in rows]
    names += [str(c.to_agency) for c in dossier.consultations.select_related("to_agency")]
    names += [str(child.agency) for child in dossier.children.select_related("agency")]
    own = str(dossier.agency)
    seen: list[str] = []
    for name in names:
        if name and name != own and name not in seen:
            seen.append(name)
    return seen
