"""Reads of the catalogue shared by the portal and the API."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Length
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from motcua.core.calendar import handover_cutoff, working_calendar
from motcua.core.generations import Generation
from motcua.identity.models import AdministrativeUnit, Agency

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
    """The version in force with what a submission checks and answers: its cases, named
    agencies and fees.

    Read once per process, day and generation of the catalogue, and every 30 seconds (issue
    18: three queries and ~16 % of a submission's CPU, for rows that change when an
    administrator edits them): a change to a procedure, its version, cases, fees, field or
    named agencies, or to an agency or an administrative unit, sets a new generation in
    Django's cache, shared by the processes (at once, and again when its transaction commits:
    ``catalogue_changed``). The instance is shared by the requests of the process: read it,
    never change it."""
    return _kept(
        "version",
        code,
        lambda: _in_force(code).prefetch_related(_named_agencies(), "variants", "fees").first(),
    )


def agency_by_code(electronic_id: str) -> Agency | None:
    """A unit by its electronic ID, with its administrative unit: kept like
    ``version_to_submit`` (one query of every submission, of every report read; issue 18).
    The instance is shared by the process's threads: read it, never change it."""
    return _kept(
        "agency",
        electronic_id,
        lambda: Agency.objects.select_related("unit").filter(electronic_id=electronic_id).first(),
    )


def administrative_unit(pk: int) -> AdministrativeUnit | None:
    """An administrative unit with the two above it (a commune, its district where one is
    kept, its province), kept like ``agency_by_code``: an applicant's address line is read at
    every submission (issue 18). Shared by the process's threads: read it, never change it."""
    return _kept(
        "unit",
        str(pk),
        lambda: AdministrativeUnit.objects.select_related("parent__parent").filter(pk=pk).first(),
    )


def _kept(kind: str, code: str, read: Callable[[], Kept | None]) -> Kept | None:
    # Also read again every KEPT_SECONDS: a cache that is not shared by the processes (the
    # local memory of one without Redis) does not carry another process's change.
    moment = int(time.monotonic() // KEPT_SECONDS)
    key = (_catalogue_generation(), moment, timezone.localdate(), kind, code)
    with _kept_lock:
        kept = _kept_rows.get(key)
    if kept is not None:
        return cast(Kept, kept)
    found = read()
    if found is not None:  # a code not found is not kept: unknown codes cost no memory
        with _kept_lock:
            if len(_kept_rows) >= MAX_KEPT or any(k[:3] != key[:3] for k in _kept_rows):
                _kept_rows.clear()  # a new generation, moment or day: the others are not read
            _kept_rows[key] = found
    return found


Kept = TypeVar("Kept")
CATALOGUE_GENERATION = "motcua:catalogue:generation"
MAX_KEPT = 5000
_kept_rows: dict[tuple[str, int, date, str, str], Any] = {}
KEPT_SECONDS = 30
_kept_lock = threading.Lock()


def labels(
    version_ids: Iterable[int], agency_ids: Iterable[int]
) -> tuple[dict[int, tuple[str, str]], dict[int, tuple[str, str]]]:
    """The names a list of dossiers shows: each version's (name, procedure code) and each
    unit's (electronic ID, name), kept by the process like ``version_to_submit`` (the same
    generation, the same 30 seconds): an inbox page read them through four joins, which cost
    PostgreSQL more to plan and run than the page itself (issue 18). Ids not yet kept are read
    in one query a kind; an id that does not exist is left out."""
    moment = int(time.monotonic() // KEPT_SECONDS)
    key = (_catalogue_generation(), moment)
    with _kept_lock:
        if _labels.get("key") != key:
            _labels.clear()
            _labels.update(key=key, version={}, agency={})
        versions, agencies = _labels["version"], _labels["agency"]
        missing_versions = {i for i in version_ids if i not in versions}
        missing_agencies = {i for i in agency_ids if i not in agencies}
    if missing_versions:
        found = ProcedureVersion.objects.filter(pk__in=missing_versions).order_by()
        read = {
            i: (name, code) for i, name, code in found.values_list("id", "name", "procedure__code")
        }
        with _kept_lock:
            versions.update(read)
    if missing_agencies:
        found_agencies = Agency.objects.filter(pk__in=missing_agencies).order_by()
        read = {
            i: (eid, name)
            for i, eid, name in found_agencies.values_list("id", "electronic_id", "name")
        }
        with _kept_lock:
            agencies.update(read)
    return versions, agencies


_labels: dict[str, Any] = {}


CATALOGUE = Generation(CATALOGUE_GENERATION)
_catalogue_generation = CATALOGUE.current
# Signal receiver: what version_to_submit and labels keep is read again, in every process.
catalogue_changed = CATALOGUE.changed


def connect() -> None:
    """What a kept version is made of; a queryset ``update()`` of these (none in the code)
    would have to call ``catalogue_changed`` itself."""
    from .models import Fee, Procedure

    kept = (Procedure, ProcedureVersion, ProcedureVariant, Fee, Field, Agency, AdministrativeUnit)
    for model in kept:
        uid = f"catalogue-kept-{model.__name__}"
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"{uid}-deleted")
    m2m_changed.connect(
        catalogue_changed,
        sender=ProcedureVersion.agencies.through,
        dispatch_uid="catalogue-kept-agencies",
    )


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
