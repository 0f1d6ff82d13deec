"""The Decision 766 indicators a target may track: those the platform computes from its own
data (docs/plans.md). Their formulas and points are the index's (motcua.reporting)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

INDICATORS: dict[str, Promise] = {
    "1.4": _("Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"),
    "2.1": _("Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"),
    "3.1": _("Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến"),
    "3.2": _("Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ"),
    "3.3": _("Tỷ lệ hồ sơ nộp trực tuyến"),
    "3.5": _("Tỷ lệ thủ tục có phí, lệ phí thanh toán trực tuyến được"),
    "3.6": _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
    "4.1": _("Tỷ lệ cấp kết quả điện tử"),
    "4.2": _("Tỷ lệ số hóa hồ sơ"),
    "4.3": _("Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa"),
    "4.5": _("Tỷ lệ hồ sơ sử dụng dữ liệu dân cư (VNeID)"),
    "5.2": _("Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn"),
    "5.3": _("Mức độ hài lòng trong xử lý phản ánh, kiến nghị"),
    "5.4": _("Mức độ hài lòng trong giải quyết thủ tục hành chính"),
}


def indicator_name(code: str) -> str:
    name = INDICATORS.get(code)
    return str(name) if name is not None else code
