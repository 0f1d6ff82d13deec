"""A small city for the data catalogue: the city's People's Committee above the coordinating
department (Sở Khoa học và Công nghệ) and two departments that keep databases, with their
leaders, a specialist, the city's leader and a system administrator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.datacatalog import services
from motcua.datacatalog.specs import DatabaseSpec, FieldSpec
from motcua.identity.models import Agency, OfficerRole, User
from tests.dossiers.world import make_unit, officer

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
COORDINATOR = "000.00.09.H26"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=HANOI)  # type: ignore[misc]


@dataclass
class City:
    city: Agency
    science: Agency
    justice: Agency
    land: Agency
    people: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, name: str) -> User:
        return self.people[name]


@pytest.fixture
def city(db, settings) -> City:
    settings.DATA_COORDINATOR = COORDINATOR
    hanoi = make_unit("01", "Thành phố Hà Nội", "province")

    def agency(eid: str, name: str, parent: Agency | None) -> Agency:
        kind = "peoples_committee" if parent is None else "department"
        return Agency.objects.create(electronic_id=eid, name=name, kind=kind, unit=hanoi,
                                     parent=parent)  # fmt: skip

    top = agency("000.00.00.H26", "Ủy ban nhân dân Thành phố Hà Nội", None)
    found = City(
        city=top,
        science=agency(COORDINATOR, "Sở Khoa học và Công nghệ", top),
        justice=agency("000.00.02.H26", "Sở Tư pháp", top),
        land=agency("000.00.04.H26", "Sở Nông nghiệp và Môi trường", top),
    )
    R = OfficerRole.Role
    found.people = {
        "justice_leader": officer("lanhdao.sotuphap", R.APPROVER, found.justice),
        "justice_specialist": officer("chuyenvien.sotuphap", R.SPECIALIST, found.justice),
        "land_leader": officer("lanhdao.sonnmt", R.APPROVER, found.land),
        "reviewer": officer("chuyenvien.sokhcn", R.SPECIALIST, found.science),
        "city_leader": officer("lanhdao.thanhpho", R.APPROVER, top),
        "city_specialist": officer("chuyenvien.thanhpho", R.SPECIALIST, top),
        "admin": officer("quantri", R.SYSTEM_ADMIN, top),
    }
    return found


def civil_status(owner: Agency, **changes: object) -> DatabaseSpec:
    spec = DatabaseSpec(
        code="CSDL-HT", name="Cơ sở dữ liệu hộ tịch điện tử", name_en="Civil status database",
        owner_id=owner.pk, purpose="Lưu trữ, khai thác dữ liệu đăng ký hộ tịch.",
        legal_basis="Luật Hộ tịch 2014", system="Phần mềm đăng ký, quản lý hộ tịch",
        frequency="continuous", sharing="open",
        fields=(
            FieldSpec("Số định danh cá nhân", "string", "Số định danh của người được đăng ký",
                      personal=True, sharing="restricted"),
            FieldSpec("Loại sự kiện hộ tịch", "code", "Khai sinh, kết hôn, khai tử…",
                      sharing="open"),
            FieldSpec("Ngày đăng ký", "date", "Ngày đăng ký sự kiện", sharing="open"),
        ),
    )  # fmt: skip
    return DatabaseSpec(**{**vars(spec), **changes})  # type: ignore[arg-type]


def land(owner: Agency) -> DatabaseSpec:
    return DatabaseSpec(
        code="CSDL-DD", name="Cơ sở dữ liệu đất đai", owner_id=owner.pk,
        purpose="Quản lý thửa đất, quyền sử dụng đất.", frequency="daily", sharing="shared",
        fields=(
            FieldSpec("Số thửa", "string", sharing="shared"),
            FieldSpec("Người sử dụng đất", "string", personal=True, sharing="restricted"),
        ),
    )  # fmt: skip


def first_version(city: City, when: datetime | None = None):
    """Version 1: the civil-status and land databases, proposed, reviewed and approved."""
    when = when or at(2026, 1, 10, 9)
    for spec, leader, agency in ((civil_status(city.justice), "justice_leader", city.justice),
                                 (land(city.land), "land_leader", city.land)):  # fmt: skip
        proposal = services.create_proposal(
            kind="add",
            agency=agency,
            code=spec.code,
            spec=spec,
            reason="Đưa vào danh mục",
            by=city[leader],
            at=when,
        )
        services.submit_proposal(proposal=proposal, by=city[leader], at=when)
        services.review_proposal(proposal=proposal, decision="accept", note="Đạt",
                                 by=city["reviewer"], at=when)  # fmt: skip
    return services.approve_version(by=city["city_leader"], effective_from=date(2026, 1, 15),
                                    decision="Quyết định 1/QĐ-UBND", at=when)  # fmt: skip
