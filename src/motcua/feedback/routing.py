"""Who answers an item: the agency of the dossier it is about; else the agency of the procedure
(the only one, or the one of the sender's ward); else the people's committee of the ward the
sender chose or the position fell in. A position alone finds its ward by the nearest reference
point administrators set (WardPoint). docs/feedback.md, "Routing"."""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.identity.models import AdministrativeUnit, Agency, UnitLevel

from .models import WardPoint

EARTH_RADIUS_M = 6_371_000


class RoutingError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearest_ward(
    latitude: Decimal | float | None, longitude: Decimal | float | None
) -> AdministrativeUnit | None:
    """The ward whose reference point is nearest; None when no point is set."""
    if latitude is None or longitude is None:
        return None
    lat, lon = float(latitude), float(longitude)
    best: tuple[float, AdministrativeUnit] | None = None
    for point in WardPoint.objects.select_related("ward"):
        d = distance_m(lat, lon, float(point.latitude), float(point.longitude))
        if best is None or d < best[0]:
            best = (d, point.ward)
    return best[1] if best else None


def ward_by_code(code: str) -> AdministrativeUnit | None:
    """A commune-level unit by its code (the national administrative-unit code)."""
    code = (code or "").strip()
    if not code:
        return None
    return AdministrativeUnit.objects.filter(code=code, level=UnitLevel.COMMUNE).first()


def wards() -> list[AdministrativeUnit]:
    """The wards a sender may choose: those with a people's committee to answer."""
    return list(
        AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, agencies__kind=Agency.Kind.PEOPLES_COMMITTEE
        )
        .distinct()
        .order_by("name")
    )


def ward_agency(ward: AdministrativeUnit) -> Agency | None:
    """The ward's people's committee."""
    return (
        Agency.objects.filter(unit=ward, kind=Agency.Kind.PEOPLES_COMMITTEE)
        .order_by("electronic_id")
        .first()
    )


def procedure_agency(procedure: Procedure, ward: AdministrativeUnit | None) -> Agency | None:
    """The procedure's agency: the only one, else the one in the sender's ward."""
    versions = procedure.versions  # type: ignore[attr-defined]
    version = versions.in_force().first() or versions.order_by("-effective_from").first()
    if version is None:
        return None
    agencies = list(version.agencies.all())
    if len(agencies) == 1:
        return agencies[0]
    if ward is not None:
        return next((a for a in agencies if a.unit_id == ward.pk), None)
    return None


def route(
    *,
    dossier: object | None = None,
    procedure: Procedure | None = None,
    ward: AdministrativeUnit | None = None,
) -> Agency:
    """The agency that answers; RoutingError (for the sender) when none can be found."""
    agency: Agency | None = getattr(dossier, "agency", None)
    if agency is None and procedure is not None:
        agency = procedure_agency(procedure, ward)
    if agency is None and ward is not None:
        agency = ward_agency(ward)
    if agency is None:
        raise RoutingError(
            _("Chưa xác định được cơ quan tiếp nhận: hãy chọn phường, xã nơi xảy ra sự việc.")
        )
    return agency


def place(
    *,
    ward: AdministrativeUnit | None,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    dossier: object | None = None,
    procedure: Procedure | None = None,
) -> tuple[AdministrativeUnit | None, Agency]:
    """Where an item happened and who answers, in one order for every door: the ward chosen,
    else the nearest to the position, else the dossier's; then route(). RoutingError when
    nobody can be found."""
    if ward is None and latitude is not None and longitude is not None:
        ward = nearest_ward(latitude, longitude)
    if ward is None and dossier is not None:
        ward = dossier.agency.unit  # type: ignore[attr-defined]
    return ward, route(dossier=dossier, procedure=procedure, ward=ward)
