"""A small Hà Nội for lifecycle tests: a ward with its People's Committee, police and desk,
the city's departments and social-insurance agency, officers for every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from motcua.catalog.loader import load_file
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import import_catalogue
from motcua.dossiers.intake import Applicant, Submission, submit_dossier
from motcua.dossiers.models import Channel, Dossier
from motcua.identity.models import Agency, OfficerRole, OneStopDesk, User
from tests.factories import make_unit

CATALOGUE = Path(__file__).parent.parent / "fixtures" / "catalogue-lifecycle.yaml"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HANOI)


@dataclass
class World:
    ward: Any
    ward2: Any
    committee: Agency
    committee2: Agency
    police: Agency
    land_dept: Agency
    health_insurance: Agency
    people: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, name: str) -> User:
        return self.people[name]

    def version(self, code: str) -> ProcedureVersion:
        return ProcedureVersion.objects.get(procedure__code=code)

    def submit(
        self,
        code: str = "1.000001",
        *,
        citizen: User | None = None,
        agency: Agency | None = None,
        at: datetime | None = None,
        data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Dossier:
        version = self.version(code)
        citizen = citizen or self.people["citizen"]
        return submit_dossier(
            submission=Submission(
                version=version,
                variant=version.variants.first(),
                agency=agency or self.committee,
                applicant=Applicant(
                    name=citizen.full_name,
                    phone=citizen.phone,
                    email=citizen.email,
                    id_number="001090012345",
                ),
                data=data if data is not None else {"ho_ten_tre": "Nguyễn Văn Bé"},
                **kwargs,
            ),
            submitted_by=citizen,
            channel=Channel.ONLINE,
            at=at,
        ).dossier


def officer(username: str, role: str, agency: Agency, **extra: Any) -> User:
    user = User.objects.create_user(
        username=username,
        password="x",
        kind=User.Kind.OFFICER,
        full_name=username,
        email=f"{username}@example.vn",
        **extra,
    )
    OfficerRole.objects.create(user=user, role=role, agency=agency)
    return user


def build_world(*, with_district: bool = False) -> World:
    hanoi = make_unit("01", "Thành phố Hà Nội", "province")
    parent = make_unit("001", "Quận Ba Đình", "district", hanoi) if with_district else hanoi
    ward = make_unit("00070", "Phường Hoàn Kiếm", "commune", parent)
    ward2 = make_unit("00004", "Phường Ba Đình", "commune", parent)

    def agency(eid: str, name: str, kind: str, unit: Any) -> Agency:
        return Agency.objects.create(electronic_id=eid, name=name, kind=kind, unit=unit)

    committee = agency("000.01.99.H26", "UBND Phường Hoàn Kiếm", "peoples_committee", ward)
    committee2 = agency("000.02.99.H26", "UBND Phường Ba Đình", "peoples_committee", ward2)
    police = agency("000.01.98.H26", "Công an Phường Hoàn Kiếm", "police", ward)
    land = agency("000.00.04.H26", "Sở Nông nghiệp và Môi trường", "department", hanoi)
    bhxh = agency("000.00.30.H26", "Bảo hiểm xã hội Hà Nội", "social_insurance", hanoi)
    desk = OneStopDesk.objects.create(name="TT PVHCC Hoàn Kiếm", unit=ward, address="x")
    desk.agencies.set([committee])
    import_catalogue(load_file(CATALOGUE))
    R = OfficerRole.Role
    world = World(ward, ward2, committee, committee2, police, land, bhxh)
    world.people = {
        "receiver": officer("motcua", R.RECEIVER, committee),
        "specialist": officer("chuyenvien", R.SPECIALIST, committee),
        "approver": officer("lanhdao", R.APPROVER, committee),
        "receiver2": officer("motcua2", R.RECEIVER, committee2),
        "specialist2": officer("chuyenvien2", R.SPECIALIST, committee2),
        "police_specialist": officer("congan", R.SPECIALIST, police),
        "police_approver": officer("truongcongan", R.APPROVER, police),
        "land_specialist": officer("so.chuyenvien", R.SPECIALIST, land),
        "land_approver": officer("so.lanhdao", R.APPROVER, land),
        "bhxh_specialist": officer("bhxh", R.SPECIALIST, bhxh),
        "bhxh_approver": officer("bhxh.lanhdao", R.APPROVER, bhxh),
        "citizen": User.objects.create_user(
            username="congdan",
            password="x",
            kind=User.Kind.CITIZEN,
            full_name="Nguyễn Văn An",
            phone="0912345678",
            email="an@example.vn",
        ),
        "other_citizen": User.objects.create_user(
            username="khac",
            password="x",
            kind=User.Kind.CITIZEN,
            full_name="Trần Thị Bình",
            phone="0987654321",
            email="binh@example.vn",
        ),
    }
    return world
