"""Reads of units and agencies shared by the portal and the API."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import AdministrativeUnit, AdministrativeUnitQuerySet, Agency, OneStopDesk


def units(*, parent: str = "", level: str = "", q: str = "") -> AdministrativeUnitQuerySet:
    queryset = AdministrativeUnit.objects.select_related("parent").order_by("code")
    if parent:
        queryset = queryset.filter(parent__code=parent)
    if level:
        queryset = queryset.filter(level=level)
    if q:
        queryset = queryset.matching(q)
    return queryset


def unit_with_services(code: str) -> AdministrativeUnit | None:
    return (
        AdministrativeUnit.objects.select_related("parent")
        .prefetch_related(
            Prefetch("agencies", Agency.objects.order_by("kind", "name")),
            Prefetch("desks", OneStopDesk.objects.prefetch_related("agencies")),
        )
        .filter(code=code)
        .first()
    )
