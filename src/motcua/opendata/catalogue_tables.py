"""The tables of the catalogue: procedures with their versions, and agencies. Neither holds a
count, so nothing is suppressed; an agency's phone and email (and any person) are left out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from motcua.catalog.models import ProcedureVersion
from motcua.identity.models import Agency

from .table import Table, column

PROCEDURE_COLUMNS = (
    column("ma_thu_tuc", "string", "Mã thủ tục", "Procedure code",
           "Mã thủ tục trên Cơ sở dữ liệu quốc gia về thủ tục hành chính.",
           "The procedure's code in the national database of administrative procedures."),
    column("phien_ban", "integer", "Phiên bản", "Version",
           "Số thứ tự phiên bản nội dung của thủ tục.",
           "Number of the procedure's content version."),
    column("ten_thu_tuc", "string", "Tên thủ tục", "Procedure name"),
    column("ten_tieng_anh", "string", "Tên tiếng Anh", "English name"),
    column("ma_linh_vuc", "string", "Mã lĩnh vực", "Field code"),
    column("linh_vuc", "string", "Lĩnh vực", "Field"),
    column("cap_thuc_hien", "string", "Cấp thực hiện", "Implementing levels",
           "Các cấp thực hiện, cách nhau bởi dấu chấm phẩy: province, district, commune.",
           "Implementing levels separated by semicolons: province, district, commune."),
    column("loai_co_quan", "string", "Loại cơ quan thực hiện", "Implementing agency kinds",
           "Loại cơ quan thực hiện (ví dụ police), cách nhau bởi dấu chấm phẩy; trống: mọi loại.",
           "Kinds of implementing agency (e.g. police) separated by semicolons; empty: any."),
    column("co_quan_thuc_hien", "string", "Cơ quan thực hiện", "Implementing agency"),
    column("muc_do_truc_tuyen", "string", "Mức độ dịch vụ công trực tuyến", "Online service level",
           "full: toàn trình; partial: một phần; information: cung cấp thông tin (Nghị định "
           "42/2022/NĐ-CP).",
           "full, partial or information (Decree 42/2022/ND-CP)."),
    column("thoi_han_giai_quyet", "string", "Thời hạn giải quyết", "Processing time",
           "Thời hạn của từng trường hợp, cách nhau bởi dấu chấm phẩy.",
           "The time limit of each case, separated by semicolons."),
    column("phi_le_phi", "string", "Phí, lệ phí", "Fees and charges",
           "Từng khoản phí, lệ phí với mức thu (đồng), cách nhau bởi dấu chấm phẩy.",
           "Each fee or charge with its amount (VND), separated by semicolons."),
    column("can_cu_phap_ly", "string", "Căn cứ pháp lý", "Legal basis",
           "Các văn bản quy phạm pháp luật, cách nhau bởi dấu chấm phẩy.",
           "Legal documents, separated by semicolons."),
    column("hieu_luc_tu", "date", "Hiệu lực từ", "Valid from"),
    column("hieu_luc_den", "date", "Hiệu lực đến", "Valid until",
           "Trống: phiên bản đang có hiệu lực.", "Empty: the version in force."),
)  # fmt: skip

AGENCY_COLUMNS = (
    column("ma_dinh_danh", "string", "Mã định danh điện tử", "Electronic ID",
           "Mã định danh điện tử của cơ quan (Quyết định 20/2020/QĐ-TTg).",
           "The agency's electronic ID (Decision 20/2020/QD-TTg)."),
    column("ten", "string", "Tên cơ quan", "Agency name"),
    column("loai", "string", "Loại cơ quan", "Agency kind",
           "peoples_committee, department, police, social_insurance, service_centre, other.",
           "peoples_committee, department, police, social_insurance, service_centre, other."),
    column("ma_dinh_danh_cap_tren", "string", "Mã định danh cơ quan chủ quản", "Parent's ID",
           "Trống: cơ quan không có cơ quan chủ quản trên nền tảng.",
           "Empty: no parent agency on the platform."),
    column("ma_don_vi_hanh_chinh", "string", "Mã đơn vị hành chính", "Administrative unit code"),
    column("don_vi_hanh_chinh", "string", "Đơn vị hành chính", "Administrative unit"),
    column("cap_don_vi_hanh_chinh", "string", "Cấp đơn vị hành chính", "Administrative level",
           "province, district hoặc commune.", "province, district or commune."),
    column("dia_chi", "string", "Địa chỉ", "Address"),
    column("ma_minh_hoa", "boolean", "Mã minh họa", "Illustrative ID",
           "true: mã định danh do bản minh họa đặt, không phải mã chính thức.",
           "true: an ID made up by the demo, not the official one."),
)  # fmt: skip

UNITS = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc", "calendar_days": "ngày"}


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _text(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("name") or item.get("title") or item.get("text") or "")
    return str(item)


def procedure_rows() -> Table:
    versions = (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related("variants", "fees")
        .order_by("procedure__code", "number")
    )
    rows = [_procedure_row(v) for v in versions]
    starts = [v.effective_from for v in versions]
    return Table(rows, start=min(starts, default=None), end=None)


def _procedure_row(version: ProcedureVersion) -> dict[str, Any]:
    limits = [
        f"{_number(v.time_limit)} {UNITS.get(v.time_unit, v.time_unit)}"
        for v in version.variants.all()
    ]
    fees = [
        f"{fee.name}: "
        + (f"{_money(fee.amount)} đồng" if fee.amount is not None else "chưa công bố")
        + (f"/{fee.unit}" if fee.unit else "")
        for fee in version.fees.all()
    ]
    return {
        "ma_thu_tuc": version.procedure.code,
        "phien_ban": version.number,
        "ten_thu_tuc": version.name,
        "ten_tieng_anh": version.name_en,
        "ma_linh_vuc": version.field.code,
        "linh_vuc": version.field.name,
        "cap_thuc_hien": ";".join(version.level_list),
        "loai_co_quan": ";".join(str(kind) for kind in version.agency_kinds or []),
        "co_quan_thuc_hien": version.implementing_agency,
        "muc_do_truc_tuyen": version.online_level,
        "thoi_han_giai_quyet": "; ".join(limits),
        "phi_le_phi": "; ".join(fees),
        "can_cu_phap_ly": "; ".join(_text(item) for item in version.legal_basis or []),
        "hieu_luc_tu": version.effective_from,
        "hieu_luc_den": version.effective_to,
    }


def agency_rows() -> Table:
    agencies = Agency.objects.select_related("unit", "parent").order_by("electronic_id")
    return Table(
        [
            {
                "ma_dinh_danh": a.electronic_id,
                "ten": a.name,
                "loai": a.kind,
                "ma_dinh_danh_cap_tren": a.parent.electronic_id if a.parent else "",
                "ma_don_vi_hanh_chinh": a.unit.code,
                "don_vi_hanh_chinh": a.unit.name,
                "cap_don_vi_hanh_chinh": a.unit.level,
                "dia_chi": a.address,
                "ma_minh_hoa": a.is_demo_code,
            }
            for a in agencies
        ]
    )
