"""Reads of the catalogue shared by the portal and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from motcua.core.calendar import handover_cutoff, working_calendar
from motcua.identity.models import Agency

from .models import Field, ProcedureVariant, ProcedureVersion, ProcedureVersionQuerySet


@dataclass(frozen=True)
class CatalogueFilter:
    q: str = ""
    field: str = ""
    level: str = ""
    online_level: str = ""
    agency: str = ""


def procedures_in_force(filters: CatalogueFilter) -> ProcedureVersionQuerySet:
    queryset = (
        ProcedureVersion.objects.in_force()
        .select_related("procedure", "field")
        .prefetch_related(Prefetch("variants", ProcedureVariant.objects.order_by("position")))
        .order_by("field__name", "name")
    )
    if filters.q:
        # The closest match is the shortest name that holds every word.
        queryset = queryset.matching(filters.q).order_by(Length("name"), "name")
    if filters.field:
        queryset = queryset.filter(field__code=filters.field)
    if filters.level:
        queryset = queryset.at_level(filters.level)
    if filters.online_level:
        queryset = queryset.filter(online_level=filters.online_level)
    if filters.agency:
        agency = Agency.objects.select_related("unit").filter(electronic_id=filters.agency).first()
        if agency is None:
            return queryset.none()
        # Named agencies, or, for level-wide procedures, every agency at that level.
        queryset = queryset.filter(
            Q(agencies=agency) | Q(agencies__isnull=True, levels__contains=f",{agency.unit.level},")
        ).distinct()
    return queryset


def _in_force(code: str) -> ProcedureVersionQuerySet:
    return (
        ProcedureVersion.objects.in_force()
        .select_related("procedure", "field")
        .filter(procedure__code=code)
    )


def _named_agencies() -> Prefetch[str, QuerySet[Agency], str]:
    return Prefetch("agencies", Agency.objects.select_related("unit"))


def procedure_in_force(code: str) -> ProcedureVersion | None:
    """The version in force with everything its page shows."""
    return (
        _in_force(code)
        .prefetch_related(
            _named_agencies(), "variants", "documents__variants", "fees__variant", "steps"
        )
        .first()
    )


def version_to_submit(code: str) -> ProcedureVersion | None:
    """The version in force with what a submission checks: its cases and named agencies."""
    return _in_force(code).prefetch_related(_named_agencies(), "variants").first()


def fields_with_counts() -> list[Field]:
    today = timezone.localdate()
    in_force = Q(versions__effective_from__lte=today) & (
        Q(versions__effective_to__isnull=True) | Q(versions__effective_to__gt=today)
    )
    return list(
        Field.objects.annotate(procedure_count=Count("versions", filter=in_force))
        .filter(procedure_count__gt=0)
        .order_by("name")
    )


@dataclass(frozen=True)
class VariantDue:
    variant: ProcedureVariant
    due_at: datetime


def due_dates_if_submitted(version: ProcedureVersion, at: datetime) -> list[VariantDue]:
    """When each case would be due if the dossier were received at ``at``."""
    calendar = working_calendar()
    cutoff = handover_cutoff()
    return [
        VariantDue(v, calendar.due_at(at, value=v.time_limit, unit=v.time_unit, cutoff=cutoff))
        for v in version.variants.all()
    ]
