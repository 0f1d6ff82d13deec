"""Reads shared by the back office, the portal, the export and the open-data glue."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from motcua.dossiers.access import officer_scope

from . import rules
from .models import (
    CatalogueVersion,
    Database,
    DatabaseField,
    Proposal,
    ProposalStatus,
)
from .specs import DatabaseSpec, spec_of

REVIEW_MONTHS = 6


def versions() -> list[CatalogueVersion]:
    """Every approved version, the newest first."""
    return list(CatalogueVersion.objects.select_related("approved_by").order_by("-number"))


def current_version() -> CatalogueVersion | None:
    return CatalogueVersion.objects.select_related("approved_by").order_by("-number").first()


def version_numbered(number: int) -> CatalogueVersion | None:
    return CatalogueVersion.objects.select_related("approved_by").filter(number=number).first()


def previous_of(version: CatalogueVersion) -> CatalogueVersion | None:
    return CatalogueVersion.objects.filter(number__lt=version.number).order_by("-number").first()


def databases_of(version: CatalogueVersion | None) -> QuerySet[Database]:
    if version is None:
        return Database.objects.none()
    return (
        Database.objects.filter(version=version)
        .select_related("owner")
        .prefetch_related(Prefetch("fields", DatabaseField.objects.order_by("position", "id")))
        .order_by("position", "code")
    )


def database_in(version: CatalogueVersion | None, code: str) -> Database | None:
    return databases_of(version).filter(code=code).first()


def specs_of(version: CatalogueVersion | None) -> dict[str, DatabaseSpec]:
    return {d.code: spec_of(d) for d in databases_of(version)}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, the month's last day when it has no such day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_on(version: CatalogueVersion) -> date:
    """Six months after the day (in Hà Nội) the version was approved."""
    return add_months(timezone.localdate(version.approved_at), REVIEW_MONTHS)


def _proposals() -> QuerySet[Proposal]:
    return Proposal.objects.select_related("agency", "created_by", "version")


def proposals_for(user: Any) -> QuerySet[Proposal]:
    """The proposals this person may open: their agencies', or all for the coordinator and
    the city."""
    if rules.reads_every_proposal(user):
        return _proposals()
    return _proposals().filter(agency__in=officer_scope(user).agency_ids)


def proposal_for(user: Any, pk: int) -> Proposal | None:
    return proposals_for(user).filter(pk=pk).first()


def review_queue() -> QuerySet[Proposal]:
    return _proposals().filter(status=ProposalStatus.SUBMITTED).order_by("updated_at", "id")


def accepted_proposals() -> QuerySet[Proposal]:
    return _proposals().filter(status=ProposalStatus.ACCEPTED).order_by("updated_at", "id")
