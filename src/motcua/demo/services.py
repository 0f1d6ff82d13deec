"""Demo data: Hà Nội's agencies and desks, the demo catalogue, and demo accounts."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from motcua.catalog.loader import load_file
from motcua.catalog.services import ImportReport, import_catalogue
from motcua.identity.models import AdministrativeUnit, Agency, OneStopDesk

from .accounts import DEMO_PASSWORD, DemoAccount, create_demo_accounts

DATA = Path(__file__).with_name("data")
CATALOGUE = Path(__file__).resolve().parent.parent / "catalog" / "data" / "demo-hanoi.yaml"
CITY_POLICE = "000.00.20.H26"


def _base36(number: int) -> str:
    digits = string.digits + string.ascii_uppercase
    return digits[number // 36] + digits[number % 36]


def _agency(unit: AdministrativeUnit, item: dict[str, Any], parent: Agency | None) -> Agency:
    agency, _ = Agency.objects.update_or_create(
        electronic_id=item["electronic_id"],
        defaults={
            "name": item["name"], "kind": item["kind"], "unit": unit, "parent": parent,
            "address": item.get("address", ""), "is_demo_code": item.get("demo_code", True),
        },
    )  # fmt: skip
    return agency


def _desk(unit: AdministrativeUnit, name: str, address: str, hours: str) -> OneStopDesk:
    desk, _ = OneStopDesk.objects.update_or_create(
        unit=unit, name=name, defaults={"address": address, "opening_hours": hours}
    )
    return desk


@transaction.atomic
def load_demo_agencies() -> int:
    """UBND and departments of Hà Nội; for each of its communes a UBND, a police station and a
    one-stop desk that receives for both."""
    spec = yaml.safe_load((DATA / "hanoi-agencies.yaml").read_text(encoding="utf-8"))
    province = AdministrativeUnit.objects.get(code=spec["province"])
    city = _agency(province, spec["city"], None)
    departments = {d["electronic_id"]: _agency(province, d, city) for d in spec["departments"]}
    desk_spec = spec["city_desk"]
    desk = _desk(province, desk_spec["name"], desk_spec["address"], desk_spec["opening_hours"])
    desk.agencies.set([departments[e] for e in desk_spec["serves"]])
    city_police = departments[CITY_POLICE]
    communes = province.children.order_by("code")
    for index, commune in enumerate(communes, start=1):
        code = _base36(index)
        committee = _agency(commune, {
            "electronic_id": f"000.{code}.99.H26", "kind": "peoples_committee",
            "name": f"Ủy ban nhân dân {commune.name}",
        }, city)  # fmt: skip
        # The ward police registers residence; its dossiers are received at the ward's desk.
        police = _agency(commune, {
            "electronic_id": f"000.{code}.98.H26", "kind": "police",
            "name": f"Công an {commune.name}",
        }, city_police)  # fmt: skip
        centre = _desk(
            commune, f"Trung tâm Phục vụ hành chính công {commune.name}",
            f"Trụ sở Ủy ban nhân dân {commune.name}, Hà Nội (địa chỉ minh họa)",
            spec["commune_opening_hours"],
        )  # fmt: skip
        centre.agencies.set([committee, police])
    return 1 + len(departments) + 2 * communes.count()


def load_demo_catalogue() -> ImportReport:
    return import_catalogue(load_file(CATALOGUE))


__all__ = [
    "DEMO_PASSWORD",
    "DemoAccount",
    "create_demo_accounts",
    "load_demo_agencies",
    "load_demo_catalogue",
]
