"""Demo data: Hà Nội's agencies and desks, the demo catalogue, and demo accounts."""

from __future__ import annotations

import base64
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.backoffice.services import enrol_totp_device
from motcua.catalog.loader import load_file
from motcua.catalog.services import ImportReport, import_catalogue
from motcua.identity.models import AdministrativeUnit, Agency, OfficerRole, OneStopDesk, User

DATA = Path(__file__).with_name("data")
CATALOGUE = Path(__file__).resolve().parent.parent / "catalog" / "data" / "demo-hanoi.yaml"
DEMO_PASSWORD = "MotCua@2026"
DEMO_COMMUNE = "00070"  # Phường Hoàn Kiếm


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
    """UBND and departments of Hà Nội, a UBND and a desk for each of its communes."""
    spec = yaml.safe_load((DATA / "hanoi-agencies.yaml").read_text(encoding="utf-8"))
    province = AdministrativeUnit.objects.get(code=spec["province"])
    city = _agency(province, spec["city"], None)
    departments = {d["electronic_id"]: _agency(province, d, city) for d in spec["departments"]}
    desk_spec = spec["city_desk"]
    desk = _desk(province, desk_spec["name"], desk_spec["address"], desk_spec["opening_hours"])
    desk.agencies.set([departments[e] for e in desk_spec["serves"]])
    communes = province.children.order_by("code")
    for index, commune in enumerate(communes, start=1):
        committee = _agency(commune, {
            "electronic_id": f"000.{_base36(index)}.99.H26", "kind": "peoples_committee",
            "name": f"Ủy ban nhân dân {commune.name}",
        }, city)  # fmt: skip
        centre = _desk(
            commune, f"Trung tâm Phục vụ hành chính công {commune.name}",
            f"Trụ sở Ủy ban nhân dân {commune.name}, Hà Nội (địa chỉ minh họa)",
            spec["commune_opening_hours"],
        )  # fmt: skip
        centre.agencies.set([committee])
    return 1 + len(departments) + communes.count()


def load_demo_catalogue() -> ImportReport:
    return import_catalogue(load_file(CATALOGUE))


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str
    totp_key: str | None = None


def _user(username: str, **fields: Any) -> User:
    user, _ = User.objects.update_or_create(username=username, defaults=fields)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    commune_agency = Agency.objects.get(unit__code=DEMO_COMMUNE, kind="peoples_committee")
    accounts = [
        DemoAccount("congdan", "Công dân Nguyễn Văn An (tài khoản cổng dịch vụ công)"),
        DemoAccount("doanhnghiep", "Người được ủy quyền của doanh nghiệp, MST 0100109106"),
    ]
    _user(
        "congdan",
        kind=User.Kind.CITIZEN,
        full_name="Nguyễn Văn An",
        national_id="001090012345",
        phone="0912345678",
        email="congdan@example.vn",
    )
    _user(
        "doanhnghiep",
        kind=User.Kind.BUSINESS,
        full_name="Trần Thị Bình",
        tax_code="0100109106",
        phone="0987654321",
        email="doanhnghiep@example.vn",
    )
    officers = [
        ("quantri", "Quản trị hệ thống", OfficerRole.Role.SYSTEM_ADMIN, None, True),
        ("motcua.hoankiem", "Cán bộ một cửa, phường Hoàn Kiếm", OfficerRole.Role.RECEIVER,
         commune_agency, False),
        ("chuyenvien.hoankiem", "Chuyên viên tư pháp - hộ tịch, phường Hoàn Kiếm",
         OfficerRole.Role.SPECIALIST, commune_agency, False),
        ("lanhdao.hoankiem", "Lãnh đạo UBND phường Hoàn Kiếm", OfficerRole.Role.APPROVER,
         commune_agency, False),
    ]  # fmt: skip
    for username, title, role, agency, is_admin in officers:
        user = _user(username, kind=User.Kind.OFFICER, full_name=title, is_staff=True,
                     is_superuser=is_admin)  # fmt: skip
        OfficerRole.objects.get_or_create(user=user, role=role, agency=agency)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = enrol_totp_device(user, confirmed=True)
        accounts.append(DemoAccount(username, title, base64.b32encode(device.bin_key).decode()))
    return accounts
