"""The lifecycle test world (tests.dossiers.world) seen from the portal: a citizen living in
Phường Hoàn Kiếm, and the birth registration with a form of several pages."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse

from motcua.catalog.models import ProcedureVersion
from motcua.demo.pdf import one_page_pdf
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.services import store_upload
from tests.dossiers.world import World, build_world

CODE = "1.000001"  # Đăng ký khai sinh: full online service, two documents, at the ward
PDF = one_page_pdf("Giay to")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Tờ khai đăng ký khai sinh",
    "properties": {
        "nguoi_yeu_cau": {
            "type": "object",
            "title": "Người yêu cầu",
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ, chữ đệm và tên", "minLength": 1},
                "so_dinh_danh": {
                    "type": "string",
                    "title": "Số định danh cá nhân",
                    "pattern": "^[0-9]{12}$",
                },
                "dien_thoai": {"type": "string", "title": "Số điện thoại"},
                "noi_cu_tru": {"type": "string", "title": "Nơi cư trú"},
            },
            "required": ["ho_ten", "so_dinh_danh", "noi_cu_tru"],
        },
        "nguoi_duoc_khai_sinh": {
            "type": "object",
            "title": "Người được khai sinh",
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ, chữ đệm và tên", "minLength": 1},
                "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
                "gioi_tinh": {"type": "string", "title": "Giới tính", "enum": ["Nam", "Nữ"]},
                "noi_sinh": {"type": "string", "title": "Nơi sinh"},
            },
            "required": ["ho_ten", "ngay_sinh", "gioi_tinh"],
        },
        "cam_doan": {
            "type": "boolean",
            "const": True,
            "title": "Tôi cam đoan nội dung khai là đúng sự thật",
        },
    },
    "required": ["nguoi_yeu_cau", "nguoi_duoc_khai_sinh", "cam_doan"],
}
PAGES = ["nguoi_yeu_cau", "nguoi_duoc_khai_sinh", "thong-tin-chung"]
ANSWERS = {
    "nguoi_yeu_cau": {
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": "001090012345",
        "noi_cu_tru": "12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội",
    },
    "nguoi_duoc_khai_sinh": {
        "ho_ten": "Nguyễn Văn Bé",
        "ngay_sinh": "2026-11-01",
        "gioi_tinh": "Nam",
    },
    "cam_doan": True,
}


def build_citizen_world() -> World:
    world = build_world()
    citizen = world["citizen"]
    citizen.address_unit = world.ward
    citizen.address_street = "12 Hàng Bạc"
    citizen.national_id = "001090012345"
    citizen.save()
    ProcedureVersion.objects.filter(procedure__code=CODE).update(form_schema=SCHEMA)
    return world


def submitted(world: World, *, citizen: str = "citizen", at: Any = None) -> Dossier:
    """A dossier of the citizen's, submitted online with the answers above and one file."""
    dossier = world.submit(CODE, citizen=world[citizen], data=ANSWERS, at=at)
    store_upload(
        io.BytesIO(PDF), name="giay-chung-sinh.pdf", uploaded_by=world[citizen], dossier=dossier
    )
    return dossier


def first_file(dossier: Dossier) -> DossierFile:
    return dossier.files.order_by("id").first()  # type: ignore[return-value]


def url(name: str, *args: Any) -> str:
    return reverse(f"portal:{name}", args=args)
