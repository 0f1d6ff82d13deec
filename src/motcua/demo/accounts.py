"""Demo accounts: citizens, a business, and officers for every role at the demo's units."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.identity.models import AdministrativeUnit, Agency, OfficerRole, User
from motcua.identity.second_factor import enrol_totp_device

DEMO_PASSWORD = "MotCua@2026"
DEMO_COMMUNE = "00070"  # Phường Hoàn Kiếm
OTHER_COMMUNE = "00004"  # Phường Ba Đình
OFFICER_EMAIL_DOMAIN = "demo.motcua.vn"
PEOPLE = "Công dân, doanh nghiệp"
EVERYWHERE = "Toàn hệ thống"
Role = OfficerRole.Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str
    totp_key: str | None = None
    unit: str = PEOPLE


@dataclass(frozen=True)
class Officer:
    username: str
    full_name: str
    description: str
    role: str
    # An electronic ID, or "<commune code>/<agency kind>" for a ward's agency (demo codes).
    agency: str | None


# Every role at the ward of Hoàn Kiếm and its police; the receivers and the handling units the
# demo's dossiers go through at city level; a second ward with its own desk.
OFFICERS = (
    Officer("quantri", "Quản trị hệ thống", "Quản trị hệ thống", Role.SYSTEM_ADMIN, None),
    Officer("motcua.hoankiem", "Nguyễn Thị Hồng", "Cán bộ một cửa (tiếp nhận, trả kết quả)",
            Role.RECEIVER, "00070/peoples_committee"),
    Officer("chuyenvien.hoankiem", "Trần Văn Nam", "Chuyên viên tư pháp - hộ tịch",
            Role.SPECIALIST, "00070/peoples_committee"),
    Officer("chuyenvien2.hoankiem", "Lê Thị Mai", "Chuyên viên địa chính - xây dựng, văn thư",
            Role.SPECIALIST, "00070/peoples_committee"),
    Officer("lanhdao.hoankiem", "Phạm Quốc Hùng", "Phó Chủ tịch UBND phường (phê duyệt)",
            Role.APPROVER, "00070/peoples_committee"),
    Officer("quantri.hoankiem", "Đỗ Minh Tuấn", "Quản trị đơn vị", Role.UNIT_ADMIN,
            "00070/peoples_committee"),
    Officer("chuyenvien.conganhoankiem", "Vũ Đức Anh", "Cán bộ đăng ký cư trú", Role.SPECIALIST,
            "00070/police"),
    Officer("lanhdao.conganhoankiem", "Hoàng Văn Thắng", "Trưởng Công an phường (phê duyệt)",
            Role.APPROVER, "00070/police"),
    Officer("motcua.trungtam", "Bùi Thu Trang", "Cán bộ một cửa, tiếp nhận cho các sở, ngành",
            Role.RECEIVER, "000.00.01.H26"),
    Officer("chuyenvien.sotuphap", "Ngô Thị Hạnh", "Chuyên viên", Role.SPECIALIST,
            "000.00.02.H26"),
    Officer("lanhdao.sotuphap", "Đặng Quang Vinh", "Lãnh đạo Sở (phê duyệt)", Role.APPROVER,
            "000.00.02.H26"),
    Officer("chuyenvien.sonnmt", "Dương Văn Khánh", "Chuyên viên Văn phòng đăng ký đất đai",
            Role.SPECIALIST, "000.00.04.H26"),
    Officer("lanhdao.sonnmt", "Lý Thị Hương", "Lãnh đạo Sở (phê duyệt)", Role.APPROVER,
            "000.00.04.H26"),
    Officer("chuyenvien.bhxh", "Hồ Thị Ngọc", "Chuyên viên cấp thẻ bảo hiểm y tế",
            Role.SPECIALIST, "000.00.30.H26"),
    Officer("lanhdao.bhxh", "Trịnh Văn Long", "Lãnh đạo (phê duyệt)", Role.APPROVER,
            "000.00.30.H26"),
    Officer("chuyenvien.congantp", "Mai Xuân Sơn", "Cán bộ Phòng Hồ sơ nghiệp vụ",
            Role.SPECIALIST, "000.00.20.H26"),
    Officer("lanhdao.congantp", "Phan Thanh Bình", "Lãnh đạo Phòng Hồ sơ nghiệp vụ (phê duyệt)",
            Role.APPROVER, "000.00.20.H26"),
    Officer("motcua.badinh", "Đinh Thị Yến", "Cán bộ một cửa (tiếp nhận, trả kết quả)",
            Role.RECEIVER, "00004/peoples_committee"),
    Officer("chuyenvien.badinh", "Cao Văn Phúc", "Chuyên viên tư pháp - hộ tịch",
            Role.SPECIALIST, "00004/peoples_committee"),
    Officer("lanhdao.badinh", "Tạ Minh Quang", "Phó Chủ tịch UBND phường (phê duyệt)",
            Role.APPROVER, "00004/peoples_committee"),
    # The data catalogue: the coordinator's reviewer and the city's leader who approves.
    Officer("chuyenvien.sokhcn", "Nguyễn Thu Hà", "Chuyên viên quản lý danh mục cơ sở dữ liệu "
            "(thẩm định đề xuất)", Role.SPECIALIST, "000.00.09.H26"),
    Officer("lanhdao.ubndtp", "Lê Hoàng Minh", "Lãnh đạo UBND Thành phố (phê duyệt danh mục cơ "
            "sở dữ liệu)", Role.APPROVER, "000.00.00.H26"),
    Officer("tongdai.1022", "Vương Thị Thu", "Điện thoại viên đường dây nóng 1022 (ghi nhận "
            "cuộc gọi phản ánh)", Role.HOTLINE_OPERATOR, "000.00.01.H26"),
)  # fmt: skip

# The people who use the portal: (username, account fields, description).
PORTAL_USERS: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("congdan", {
        "kind": User.Kind.CITIZEN, "full_name": "Nguyễn Văn An", "national_id": "001090012345",
        "phone": "0912345678", "email": "congdan@example.vn", "date_of_birth": date(1990, 3, 12),
        "address_street": "Số 12 phố Hàng Bài", "identity_verified": True,
    }, "Công dân Nguyễn Văn An, đã xác thực định danh điện tử; có hồ sơ ở mọi trạng thái"),
    ("congdan2", {
        "kind": User.Kind.CITIZEN, "full_name": "Lê Thị Lan", "national_id": "001195006789",
        "phone": "0903456789", "email": "congdan2@example.vn", "date_of_birth": date(1995, 8, 2),
        "address_street": "Số 5 phố Hàng Gai", "identity_verified": False,
    }, "Công dân Lê Thị Lan, chưa xác thực định danh điện tử"),
    ("congdan3", {
        "kind": User.Kind.CITIZEN, "full_name": "Phạm Minh Đức", "national_id": "001088004321",
        "phone": "0934567890", "email": "congdan3@example.vn", "date_of_birth": date(1988, 11, 20),
        "address_street": "Số 27 phố Lý Thái Tổ", "identity_verified": True,
    }, "Công dân Phạm Minh Đức"),
    ("doanhnghiep", {
        # A made-up tax code with a valid check digit (not a real company's).
        "kind": User.Kind.BUSINESS, "full_name": "Trần Thị Bình", "tax_code": "0109999904",
        "organisation_name": "Công ty TNHH Minh Họa Một Cửa",
        "phone": "0987654321", "email": "doanhnghiep@example.vn",
        "address_street": "Số 8 phố Tràng Tiền",
    }, "Người được ủy quyền của Công ty TNHH Minh Họa Một Cửa, MST 0109999904"),
)  # fmt: skip


def find_agency(key: str) -> Agency:
    """An agency by electronic ID, or by "<commune code>/<kind>" for a ward's agency."""
    if "/" in key:
        unit, kind = key.split("/")
        return Agency.objects.get(unit__code=unit, kind=kind)
    return Agency.objects.get(electronic_id=key)


def _has_field(name: str) -> bool:
    return any(f.name == name for f in User._meta.get_fields())


def _user(username: str, password: str, fields: dict[str, Any]) -> User:
    # Profile fields another release adds are set only when the model has them.
    known = {k: v for k, v in fields.items() if _has_field(k)}
    # Demo accounts are verified (a reset code may go to them) and never forced to change
    # the shared demo password.
    verified = {"email_verified": True, "phone_verified": bool(fields.get("phone"))}
    known |= {k: v for k, v in verified.items() if _has_field(k)}
    if _has_field("must_change_password"):
        known["must_change_password"] = False
    user, _ = User.objects.update_or_create(username=username, defaults=known)
    user.password = password
    user.save(update_fields=["password"])
    return user


def _portal_users(password: str) -> list[DemoAccount]:
    home = AdministrativeUnit.objects.filter(code=DEMO_COMMUNE).first()
    accounts = []
    for username, fields, description in PORTAL_USERS:
        _user(username, password, {**fields, "address_unit": home})
        accounts.append(DemoAccount(username, description))
    return accounts


def _officer(spec: Officer, password: str) -> DemoAccount:
    agency = find_agency(spec.agency) if spec.agency else None
    is_admin = spec.role == Role.SYSTEM_ADMIN
    user = _user(spec.username, password, {
        "kind": User.Kind.OFFICER, "full_name": spec.full_name, "is_staff": True,
        "is_superuser": is_admin, "email": f"{spec.username}@{OFFICER_EMAIL_DOMAIN}",
    })  # fmt: skip
    OfficerRole.objects.get_or_create(user=user, role=spec.role, agency=agency)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = enrol_totp_device(user, confirmed=True)
    secret = base64.b32encode(device.bin_key).decode()
    unit = agency.name if agency else EVERYWHERE
    return DemoAccount(spec.username, f"{spec.full_name} — {spec.description}", secret, unit)


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    """Create or refresh the demo accounts; officers keep their TOTP secret across runs."""
    # One hash for every account: the hasher is slow by design and this is one shared password.
    password = make_password(DEMO_PASSWORD)
    accounts = _portal_users(password)
    accounts += [_officer(spec, password) for spec in OFFICERS]
    return accounts
