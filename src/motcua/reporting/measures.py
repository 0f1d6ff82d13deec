"""What each indicator of Decision 766 means here: its name, and for those the platform
measures, the exact definition shown beside every figure (formula, what is counted, what is
left out) so that "on time" means one thing on every page, export and API answer; and the
rules that judge one dossier, named in the explanations."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NAMES: dict[str, Promise] = {
    "1.1": _("Tỷ lệ thủ tục hành chính được công bố đúng hạn"),
    "1.2": _("Tỷ lệ thủ tục hành chính được công khai đúng hạn trên Cơ sở dữ liệu quốc gia"),
    "1.3": _("Tỷ lệ thủ tục hành chính được công khai đầy đủ các nội dung"),
    "1.4": _("Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"),
    "2.1": _("Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"),
    "2.2": _("Thời gian giải quyết trung bình"),
    "3.1": _("Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến"),
    "3.2": _("Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ"),
    "3.3": _("Tỷ lệ hồ sơ nộp trực tuyến"),
    "3.4": _("Tỷ lệ thủ tục có phí được tích hợp thanh toán trên Cổng Dịch vụ công quốc gia"),
    "3.5": _("Tỷ lệ thủ tục có phí phát sinh thanh toán trực tuyến"),
    "3.6": _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
    "4.1": _("Tỷ lệ cấp kết quả điện tử"),
    "4.2": _("Tỷ lệ số hóa hồ sơ"),
    "4.3": _("Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa"),
    "4.4": _("Tỷ lệ hồ sơ số hóa được đồng bộ vào kho dữ liệu của công dân"),
    "4.5": _("Tỷ lệ hồ sơ của người nộp xác thực bằng định danh điện tử VNeID"),
    "5.1": _("Phản ánh, kiến nghị về quy định, hành vi"),
    "5.2": _("Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn"),
    "5.3": _("Mức độ hài lòng trong xử lý phản ánh, kiến nghị"),
    "5.4": _("Mức độ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính"),
}


@dataclass(frozen=True)
class Measure:
    code: str
    formula: Promise
    counted: Promise
    excluded: Promise
    source: str  # dossiers | catalogue | feedback
    unit: str = "%"  # "%" or "days" (2.2, shown, not a ratio)


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        Measure(
            "synced",
            _("Hồ sơ tiếp nhận trong kỳ đã đồng bộ lên Cổng DVCQG / hồ sơ tiếp nhận trong kỳ."),
            _("Hồ sơ có ít nhất một lần gửi trạng thái lên Cổng DVCQG thành công."),
            _("Hồ sơ chưa được tiếp nhận hoặc bị từ chối tiếp nhận."),
            "dossiers",
        ),
        Measure(
            "on_time",
            _(
                "(Hồ sơ kết thúc trong kỳ đúng hoặc trước hạn + hồ sơ đang giải quyết cuối kỳ "
                "chưa đến hạn) / (hồ sơ kết thúc trong kỳ + hồ sơ đang giải quyết cuối kỳ)."
            ),
            _(
                "Thời điểm kết thúc theo thứ tự ưu tiên: xử lý xong, trả kết quả, dừng xử lý "
                "hoặc từ chối; hồ sơ đang chờ bổ sung (yêu cầu một lần) kết thúc ở thời điểm "
                "yêu cầu. Đúng hạn khi thời điểm kết thúc không sau ngày hẹn trả; ngày hẹn đã "
                "cộng thời gian chờ bổ sung. Yêu cầu bổ sung quá một lần: trễ hạn. Hồ sơ chưa "
                "kết thúc: xét ở ngày cuối kỳ (hoặc hôm nay nếu kỳ chưa hết)."
            ),
            _(
                "Hồ sơ chưa được tiếp nhận, bị từ chối tiếp nhận, hoặc công dân rút hồ sơ. "
                "Ngày hẹn mới trong phiếu xin lỗi được dùng như ngày hẹn trả."
            ),
            "dossiers",
        ),
        Measure(
            "average_time",
            _("Tổng số ngày làm việc giải quyết / số hồ sơ xử lý xong trong kỳ."),
            _(
                "Từ thời điểm bắt đầu tính thời hạn đến khi xử lý xong, theo lịch làm việc "
                "(8 giờ là một ngày), trừ thời gian chờ bổ sung. Chỉ để theo dõi, không tính điểm."
            ),
            _("Hồ sơ chưa xử lý xong, dừng xử lý, từ chối, rút."),
            "dossiers",
            unit="days",
        ),
        Measure(
            "procedures_online",
            _(
                "Thủ tục cung cấp dịch vụ công trực tuyến (toàn trình, một phần) / thủ tục thuộc "
                "thẩm quyền của đơn vị, còn hiệu lực ngày cuối kỳ."
            ),
            _("Thủ tục đơn vị được chỉ định hoặc thuộc cấp, loại cơ quan thực hiện."),
            _(
                "Thủ tục hết hiệu lực trước ngày cuối kỳ (thủ tục chỉ cung cấp thông tin vẫn ở "
                "mẫu số)."
            ),
            "catalogue",
        ),
        Measure(
            "services_used",
            _(
                "Dịch vụ công trực tuyến có ít nhất một hồ sơ nộp trực tuyến được tiếp nhận "
                "trong kỳ / dịch vụ công trực tuyến thuộc thẩm quyền."
            ),
            _("Thủ tục toàn trình hoặc một phần thuộc thẩm quyền của đơn vị."),
            _("Thủ tục không cung cấp trực tuyến."),
            "catalogue",
        ),
        Measure(
            "submitted_online",
            _("Hồ sơ nộp trực tuyến được tiếp nhận trong kỳ / hồ sơ được tiếp nhận trong kỳ."),
            _("Kênh nộp trực tuyến; hồ sơ trực tiếp và qua bưu chính ở mẫu số."),
            _("Hồ sơ chưa được tiếp nhận hoặc bị từ chối tiếp nhận."),
            "dossiers",
        ),
        Measure(
            "procedures_paid_online",
            _(
                "Thủ tục có phí, lệ phí có ít nhất một hồ sơ thanh toán trực tuyến trong kỳ / "
                "thủ tục có phí, lệ phí thuộc thẩm quyền."
            ),
            _("Thủ tục có mức phí, lệ phí lớn hơn 0 đồng."),
            _("Thủ tục không thu phí, lệ phí."),
            "catalogue",
        ),
        Measure(
            "paid_online",
            _(
                "Hồ sơ tiếp nhận trong kỳ đã thanh toán trực tuyến / hồ sơ tiếp nhận trong kỳ "
                "phải nộp phí, lệ phí."
            ),
            _("Thanh toán thành công qua VNPay, VietQR, nền tảng thanh toán quốc gia."),
            _(
                "Hồ sơ được miễn hoặc không phải nộp phí (tổng phí bằng 0). Hồ sơ nộp tiền mặt "
                "ở mẫu số, không ở tử số."
            ),
            "dossiers",
        ),
        Measure(
            "e_results",
            _("Hồ sơ xử lý xong trong kỳ có kết quả điện tử / hồ sơ xử lý xong trong kỳ."),
            _("Kết quả điện tử đã ký số gắn với hồ sơ."),
            _("Hồ sơ chưa xử lý xong, dừng xử lý, từ chối, rút."),
            "dossiers",
        ),
        Measure(
            "digitised",
            _(
                "Hồ sơ tiếp nhận trong kỳ có thành phần số hóa và có kết quả điện tử / hồ sơ "
                "tiếp nhận trong kỳ."
            ),
            _(
                "Thành phần số hóa: giấy tờ quét tại Bộ phận một cửa hoặc tệp nộp trực tuyến; "
                "một hồ sơ được tính khi có cả kết quả điện tử."
            ),
            _("Hồ sơ chưa được tiếp nhận hoặc bị từ chối tiếp nhận."),
            "dossiers",
        ),
        Measure(
            "reused",
            _(
                "Hồ sơ tiếp nhận trong kỳ có thành phần sử dụng lại dữ liệu số hóa / hồ sơ tiếp "
                "nhận trong kỳ."
            ),
            _("Giấy tờ lấy lại từ kho dữ liệu (kết quả đã cấp, giấy tờ đã số hóa)."),
            _("Hồ sơ chưa được tiếp nhận hoặc bị từ chối tiếp nhận."),
            "dossiers",
        ),
        Measure(
            "verified",
            _(
                "Hồ sơ tiếp nhận trong kỳ do tài khoản đã xác thực VNeID nộp / hồ sơ tiếp nhận "
                "trong kỳ."
            ),
            _("Tài khoản người nộp đã xác thực định danh điện tử khi nộp."),
            _("Hồ sơ chưa được tiếp nhận hoặc bị từ chối tiếp nhận."),
            "dossiers",
        ),
        Measure(
            "feedback_on_time",
            _("Phản ánh, kiến nghị nhận trong kỳ xử lý đúng hạn / phản ánh nhận trong kỳ."),
            _(
                "Đúng hạn từng bước: từ chối trong 2, yêu cầu bổ sung trong 5, trả lời trong 15, "
                "công khai trong 2 ngày làm việc; phản ánh đang mở đã quá hạn là trễ."
            ),
            _("Phản ánh trùng đã gộp vào phản ánh gốc."),
            "feedback",
        ),
        Measure(
            "feedback_satisfied",
            _("(Phản ánh − không hài lòng − trễ hạn − lặp lại) / phản ánh nhận trong kỳ."),
            _("Phản ánh nhận trong kỳ, mỗi phản ánh trừ một lần dù có nhiều lý do."),
            _("Phản ánh trùng đã gộp vào phản ánh gốc."),
            "feedback",
        ),
        Measure(
            "satisfied",
            _(
                "100% − tỷ lệ hồ sơ trễ hạn − tỷ lệ hồ sơ có phản ánh hoặc đánh giá không hài "
                "lòng, trên hồ sơ xử lý xong trong kỳ."
            ),
            _(
                "Hồ sơ xử lý xong trong kỳ; trễ hạn theo cùng quy tắc của chỉ số 2.1; phản ánh "
                "gắn với hồ sơ hoặc đánh giá chung “không hài lòng”."
            ),
            _("Hồ sơ chưa xử lý xong; phản ánh trùng đã gộp."),
            "dossiers",
        ),
    )
}

# How one dossier was judged: shown beside it in the explanation of a figure.
RULES: dict[str, Promise] = {
    "not_received": _("Chưa được tiếp nhận: chưa tính vào chỉ số."),
    "refused_at_intake": _("Từ chối tiếp nhận: không phải hồ sơ được tiếp nhận."),
    "withdrawn": _("Công dân rút hồ sơ: không tính đúng hạn, trễ hạn."),
    "decided": _("Xử lý xong: so thời điểm xử lý xong với ngày hẹn trả."),
    "stopped": _("Dừng xử lý: so thời điểm dừng với ngày hẹn trả."),
    "refused": _("Từ chối sau khi tiếp nhận: so thời điểm kết thúc với ngày hẹn trả."),
    "supplement_pending": _(
        "Chờ bổ sung (yêu cầu một lần): thời điểm yêu cầu bổ sung là thời điểm kết thúc."
    ),
    "more_supplements": _("Yêu cầu bổ sung quá một lần: tính là trễ hạn."),
    "open": _("Đang giải quyết: xét ở ngày cuối kỳ so với ngày hẹn trả."),
    "no_due": _("Không có ngày hẹn trả (thủ tục không quy định thời hạn): tính đúng hạn."),
}
