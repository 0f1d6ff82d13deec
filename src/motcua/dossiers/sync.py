"""The national public-service portal (DVCQG) sync payload, queued through the outbox on
every status change. Field names and the ``yyyyMMddHHmmss`` timestamps follow the payload the
provincial systems send (see docs/national-portal.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from motcua.core.outbox import enqueue

from .models import Channel, Dossier, DossierEvent, DossierFile, in_hand

# "1" = a 12-digit personal ID (CCCD), "2" = a 9-digit ID card (CMND).
_ID_KIND = {12: "1", 9: "2"}


def stamp(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y%m%d%H%M%S")


def payload(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    version = dossier.version
    supplement = next((e for e in events if e.action == "request_supplement"), None)
    refused = next((e for e in events if e.to_status == 3), None)
    files = _components(dossier)
    identity = dossier.applicant_id_number
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": version.procedure.code,
        "TenTTHC": version.name,
        "MaLinhVuc": version.field.code,
        "TenLinhVuc": version.field.name,
        "KenhThucHien": str(dossier.channel),
        "ChuHoSo": dossier.organisation_name or dossier.applicant_name,
        "SoGiayToChuHoSo": dossier.organisation_tax_code or identity,
        "LoaiDoiTuong": str(dossier.applicant_type),
        "MaDoiTuong": "",
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": dossier.summary,
        "NgayTiepNhan": stamp(dossier.accepted_at),
        "NgayHenTra": stamp(dossier.due_at),
        "TrangThaiHoSo": str(dossier.status),
        "NgayTra": stamp(dossier.returned_at),
        "ThongTinTra": dossier.postal_tracking_number,
        "HinhThuc": {"desk": "0", "post": "1", "online": "2"}.get(dossier.result_delivery, "0"),
        "NgayKetThucXuLy": stamp(dossier.decided_at or dossier.closed_at),
        "DonViXuLy": dossier.agency.electronic_id,
        "GhiChu": dossier.outcome_note,
        "NoiNopHoSo": "1" if dossier.channel == Channel.IN_PERSON else "2",
        "HoSoCoThanhPhanSoHoa": "0",
        "TaiKhoanDuocXacThucVoiVNeID": (
            "1" if getattr(dossier.applicant, "identity_verified", False) else "0"
        ),
        "DuocThanhToanTrucTuyen": "0",
        "NgayTuChoi": stamp(refused.at if refused else None),
        "NgayNopHoSo": stamp(dossier.submitted_at),
        "NgayYeuCauBoSung": stamp(supplement.at if supplement else None),
        "DinhDanhCHS": (
            [{"LoaiDinhDanh": _ID_KIND.get(len(identity), "1"), "SoDinhDanh": identity}]
            if identity
            else []
        ),
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(f.pk),
                "TenTepDinhKem": f.original_name,
                "MaThanhPhanHoSo": str(f.requirement_id or ""),
                "DuongDanTaiTepTin": "",
                "DuocSoHoa": "0",
                "DuocTaiSuDung": "0",
                "DuocLayTuKhoDMQG": "0",
                "MaKetQuaThayThe": "",
            }
            for f in files
        ],
        "QuaTrinhXuLy": [
            {
                "MaHoSo": dossier.code,
                "NguoiXuLy": e.actor_name,
                "ChucDanh": e.actor_role,
                "ThoiDiemXuLy": stamp(e.at),
                "PhongBanXuLy": e.actor_agency.name if e.actor_agency else "",
                "NoiDungXuLy": e.note or e.action_label,
                "TrangThai": str(e.to_status or dossier.status),
                "NgayBatDau": stamp(e.at),
                "NgayKetThucTheoQuyDinh": stamp(e.step_due_at),
            }
            for e in events
        ],
    }


def _components(dossier: Dossier) -> list[DossierFile]:
    known = in_hand(dossier, "files")  # a dossier just created: the files it came with
    if known is not None:
        return [f for f in known if f.kind == DossierFile.Kind.COMPONENT]
    return list(dossier.files.filter(kind=DossierFile.Kind.COMPONENT))


def queue_national_sync(dossier: Dossier, event: DossierEvent) -> None:
    """Queue the dossier as it is now; the key makes a retried transaction harmless."""
    if event.from_status is None:  # the move created the dossier: this is all its history
        events = [event]
    else:
        events = list(dossier.events.select_related("actor_agency").order_by("at", "id"))
    enqueue(
        channel="national_portal",
        recipient="",
        payload=payload(dossier, events),
        key=f"dvcqg:{dossier.code}:{event.pk}",
    )
