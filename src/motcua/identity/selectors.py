"""Reads of units, agencies and accounts shared by the portal and the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q

from .models import (
    AdministrativeUnit,
    AdministrativeUnitQuerySet,
    Agency,
    OneStopDesk,
    UnitLevel,
    User,
)
from .validators import normalise_phone


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


def account_by_identifier(identifier: str) -> User | None:
    """The account a person means by a phone number, an email address or a username.

    A phone matches in its "0…" or "+84…" form; an email ignores case. None when nothing, or
    more than one account, matches: a sign-in never guesses between two people.
    """
    identifier = identifier.strip()
    if not identifier:
        return None
    phone = normalise_phone(identifier)
    if phone:
        lookup = Q(phone__in=[phone, f"+84{phone[1:]}"])
    elif "@" in identifier:
        lookup = Q(email__iexact=identifier)
    else:
        lookup = Q(username=identifier)
    matches = list(User.objects.filter(lookup)[:2])
    return matches[0] if len(matches) == 1 else None


def commune_choices(
    *, province_code: str, query: str = "", include: Iterable[str] = (), limit: int = 30
) -> list[AdministrativeUnit]:
    """Communes (wards) a person may pick as their address: those of the deployment's
    province, those matching ``query`` anywhere in the country, and the ``include`` codes
    (the one already chosen), ordered by province then name."""
    in_province = Q(parent__code=province_code) | Q(parent__parent__code=province_code)
    wanted = in_province | Q(code__in=[code for code in include if code])
    if query.strip():
        matching = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).matching(query)
        wanted |= Q(pk__in=list(matching.values_list("pk", flat=True)[:limit]))
    queryset = AdministrativeUnit.objects.filter(wanted, level=UnitLevel.COMMUNE)
    return list(queryset.select_related("parent").order_by("parent__code", "name_folded"))
