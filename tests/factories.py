"""Test data builders shared by the suite."""

from __future__ import annotations

from pathlib import Path

from motcua.catalog.loader import load_file
from motcua.catalog.services import ImportReport, import_catalogue
from motcua.identity.models import AdministrativeUnit, Agency, UnitLevel

FIXTURES = Path(__file__).parent / "fixtures"


def import_small_catalogue() -> ImportReport:
    return import_catalogue(load_file(FIXTURES / "catalogue-small.yaml"))


def make_unit(
    code: str,
    name: str,
    level: str,
    parent: AdministrativeUnit | None = None,
    division_type: str = "",
) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        code=code, name=name, level=level, parent=parent,
        division_type=division_type or {"province": "thành phố trung ương",
                                         "district": "quận", "commune": "phường"}[level],
    )  # fmt: skip


def make_hanoi() -> tuple[AdministrativeUnit, AdministrativeUnit, Agency]:
    """Hà Nội, Phường Hoàn Kiếm and its People's Committee."""
    hanoi = make_unit("01", "Thành phố Hà Nội", UnitLevel.PROVINCE)
    ward = make_unit("00070", "Phường Hoàn Kiếm", UnitLevel.COMMUNE, hanoi)
    agency = Agency.objects.create(
        electronic_id="000.01.99.H26", name="Ủy ban nhân dân Phường Hoàn Kiếm",
        kind=Agency.Kind.PEOPLES_COMMITTEE, unit=ward,
    )  # fmt: skip
    return hanoi, ward, agency
