"""Writing identity data: the administrative units of Vietnam."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province, Ward

from motcua.core.text import fold

from .models import AdministrativeUnit, UnitLevel

_UPDATE = ["name", "name_folded", "level", "division_type", "parent"]


@dataclass(frozen=True)
class UnitCounts:
    provinces: int
    communes: int


def province_code(code: int) -> str:
    return f"{code:02d}"


def commune_code(code: int) -> str:
    return f"{code:05d}"


@transaction.atomic
def load_administrative_units(*, only_province: str | None = None) -> UnitCounts:
    """Create or update the provinces and communes of the post-1-July-2025 structure.

    Running it twice changes nothing; a unit's code never changes, its name may.
    """
    provinces = [
        AdministrativeUnit(
            code=province_code(p.code), name=p.name, name_folded=fold(p.name),
            level=UnitLevel.PROVINCE, division_type=str(p.division_type.value),
        )
        for p in Province.iter_all()
        if only_province in (None, province_code(p.code))
    ]  # fmt: skip
    AdministrativeUnit.objects.bulk_create(
        provinces, update_conflicts=True, unique_fields=["code"], update_fields=_UPDATE
    )
    parents = dict(
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).values_list("code", "id")
    )
    communes = [
        AdministrativeUnit(
            code=commune_code(w.code), name=w.name, name_folded=fold(w.name),
            level=UnitLevel.COMMUNE, division_type=str(w.division_type.value),
            parent_id=parents[province_code(w.province_code)],
        )
        for w in Ward.iter_all()
        if province_code(w.province_code) in parents
        and only_province in (None, province_code(w.province_code))
    ]  # fmt: skip
    AdministrativeUnit.objects.bulk_create(
        communes, update_conflicts=True, unique_fields=["code"], update_fields=_UPDATE,
        batch_size=500,
    )  # fmt: skip
    return UnitCounts(provinces=len(provinces), communes=len(communes))
