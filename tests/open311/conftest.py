"""Wards, their people's committees and reference points, Open311 services and a partner app
with a known key."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from motcua.feedback.models import PartnerApp, Topic, WardPoint
from motcua.feedback.partners import issue_key
from motcua.identity.models import AdministrativeUnit, Agency, UnitLevel
from tests.factories import make_hanoi, make_unit

KEY = "thu-nghiem-open311-khoa-0123456789"


@dataclass
class City:
    ward: AdministrativeUnit
    agency: Agency
    other_ward: AdministrativeUnit
    other_agency: Agency
    pothole: Topic
    lights: Topic
    partner: PartnerApp
    key: str = KEY


def _attributes(*wards: AdministrativeUnit) -> list[dict[str, object]]:
    return [
        {"code": "muc_do", "datatype": "singlevaluelist", "required": True, "order": 1,
         "description": "Mức độ hư hỏng",
         "values": [{"key": "nhe", "name": "Nhẹ"}, {"key": "nang", "name": "Nguy hiểm"}]},
        {"code": "ward", "datatype": "singlevaluelist", "required": False, "order": 2,
         "description": "Phường, xã", "values": [{"key": w.code, "name": w.name} for w in wards]},
        {"code": "vat_can", "datatype": "multivaluelist", "required": False, "order": 3,
         "description": "Vật cản",
         "values": [{"key": "da", "name": "Đá"}, {"key": "nuoc", "name": "Nước đọng"}]},
        {"code": "rong", "datatype": "number", "required": False, "order": 4,
         "description": "Bề rộng (m)", "datatype_description": "Số mét, ví dụ 1.5"},
        {"code": "luu_y", "datatype": "text", "variable": False, "order": 5,
         "description": "Không đứng giữa lòng đường khi chụp ảnh."},
    ]  # fmt: skip


@pytest.fixture
def city(db) -> City:
    _, ward, agency = make_hanoi()
    district = ward.parent
    other_ward = make_unit("00073", "Phường Hàng Bạc", UnitLevel.COMMUNE, district)
    other_agency = Agency.objects.create(
        electronic_id="000.02.99.H26", name="Ủy ban nhân dân Phường Hàng Bạc",
        kind=Agency.Kind.PEOPLES_COMMITTEE, unit=other_ward,
    )  # fmt: skip
    WardPoint.objects.create(ward=ward, latitude=Decimal("21.028800"),
                             longitude=Decimal("105.852100"))  # fmt: skip
    WardPoint.objects.create(ward=other_ward, latitude=Decimal("21.034200"),
                             longitude=Decimal("105.853300"))  # fmt: skip
    pothole = Topic.objects.create(
        code="o311-o-ga", name="Ổ gà trên đường", description="Mặt đường hư hỏng, ổ gà.",
        group="Hạ tầng", keywords="ổ gà, mặt đường", on_open311=True,
        attributes=_attributes(ward, other_ward),
    )  # fmt: skip
    lights = Topic.objects.create(
        code="o311-den", name="Đèn đường hỏng", group="Hạ tầng", on_open311=True
    )
    partner = PartnerApp.objects.create(name="Ứng dụng Phản ánh Hà Nội")
    issue_key(partner, KEY)
    return City(ward, agency, other_ward, other_agency, pothole, lights, partner)
