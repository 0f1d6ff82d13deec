"""The demo's data catalogue: the platform's own databases (dossiers, procedures, feedback,
evaluations, payments, the audit log, agencies and units) and three of the city's as examples
(civil status, land, population reference). Version 1 was approved six months ago, so its
review falls due today; one proposal (the land database gains two fields) waits for the
coordinator's review. Made through the services as the agencies' leaders, the coordinator and
the city would; a second run adds nothing."""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from motcua.datacatalog import services
from motcua.datacatalog.models import CatalogueVersion, Proposal
from motcua.datacatalog.selectors import add_months
from motcua.datacatalog.specs import DatabaseSpec, FieldSpec
from motcua.identity.models import User

from .accounts import find_agency

CENTRE, CITY, HOME_AFFAIRS = "000.00.01.H26", "000.00.00.H26", "000.00.08.H26"
JUSTICE, LAND, FINANCE = "000.00.02.H26", "000.00.04.H26", "000.00.07.H26"
SCIENCE, POLICE = "000.00.09.H26", "000.00.20.H26"
# Who proposes for an agency: its leader in the demo accounts, else the system administrator.
LEADERS = {JUSTICE: "lanhdao.sotuphap", LAND: "lanhdao.sonnmt", POLICE: "lanhdao.congantp"}
PLATFORM = "Hệ thống thông tin giải quyết thủ tục hành chính (Một Cửa)"
ONE_STOP = "Nghị định 61/2018/NĐ-CP về cơ chế một cửa, một cửa liên thông (minh họa)"


def _f(name: str, type_: str, sharing: str, description: str = "", personal: bool = False
       ) -> FieldSpec:  # fmt: skip
    return FieldSpec(name=name, type=type_, description=description, personal=personal,
                     sharing=sharing)  # fmt: skip


def _personal(name: str, type_: str = "string", description: str = "") -> FieldSpec:
    return _f(name, type_, "restricted", description, personal=True)


# (code, name, English name, owner, purpose, legal basis, system, frequency, sharing, fields)
DATABASES = (
    ("CSDL-TTHC", "Cơ sở dữ liệu thủ tục hành chính của thành phố",
     "Administrative procedures of the city", CITY,
     "Công khai các thủ tục hành chính, trình tự, thời hạn, phí, lệ phí và các phiên bản.",
     "Nghị định 63/2010/NĐ-CP về kiểm soát thủ tục hành chính (minh họa)", PLATFORM, "weekly",
     "open", (
         _f("Mã thủ tục", "string", "open", "Mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính"),
         _f("Tên thủ tục", "string", "open"), _f("Lĩnh vực", "code", "open"),
         _f("Cấp thực hiện", "code", "open"),
         _f("Thời hạn giải quyết", "integer", "open", "Số ngày làm việc"),
         _f("Phí, lệ phí", "number", "open", "Đồng"), _f("Phiên bản", "integer", "open"),
         _f("Ngày có hiệu lực", "date", "open"))),
    ("CSDL-CQDV", "Cơ sở dữ liệu cơ quan, đơn vị hành chính và bộ phận một cửa",
     "Agencies, administrative units and one-stop desks", HOME_AFFAIRS,
     "Danh sách cơ quan, đơn vị hành chính, bộ phận một cửa và giờ tiếp nhận.",
     "Quyết định 20/2020/QĐ-TTg về mã định danh điện tử của cơ quan, tổ chức", PLATFORM,
     "irregular", "open", (
         _f("Mã định danh cơ quan", "string", "open"), _f("Tên cơ quan", "string", "open"),
         _f("Loại cơ quan", "code", "open"), _f("Mã đơn vị hành chính", "code", "open"),
         _f("Địa chỉ trụ sở", "string", "open"), _f("Điện thoại cơ quan", "string", "open"),
         _f("Giờ tiếp nhận", "string", "open"))),
    ("CSDL-HSTTHC", "Cơ sở dữ liệu hồ sơ thủ tục hành chính", "Administrative dossiers", CENTRE,
     "Tiếp nhận, giải quyết, trả kết quả hồ sơ thủ tục hành chính và theo dõi đúng hạn.",
     ONE_STOP, PLATFORM, "continuous", "shared", (
         _f("Mã hồ sơ", "string", "shared"), _f("Mã thủ tục", "code", "shared"),
         _f("Cơ quan giải quyết", "code", "shared"), _f("Ngày tiếp nhận", "datetime", "shared"),
         _f("Hạn trả kết quả", "datetime", "shared"), _f("Trạng thái", "code", "shared"),
         _personal("Họ tên người nộp"), _personal("Số định danh cá nhân người nộp"),
         _personal("Số điện thoại, thư điện tử người nộp"),
         _personal("Thành phần hồ sơ", "document", "Giấy tờ người nộp gửi kèm"))),
    ("CSDL-PAKN", "Cơ sở dữ liệu phản ánh, kiến nghị", "Feedback and petitions", CENTRE,
     "Tiếp nhận, chuyển xử lý và công khai trả lời phản ánh, kiến nghị của người dân.",
     "Nghị định 20/2008/NĐ-CP về tiếp nhận, xử lý phản ánh, kiến nghị (minh họa)", PLATFORM,
     "continuous", "shared", (
         _f("Mã phản ánh", "string", "shared"), _f("Chủ đề", "code", "shared"),
         _f("Cơ quan xử lý", "code", "shared"), _f("Ngày tiếp nhận", "datetime", "shared"),
         _f("Trạng thái", "code", "shared"), _f("Nội dung trả lời công khai", "string", "shared"),
         _personal("Họ tên người phản ánh"), _personal("Số điện thoại, thư điện tử"))),
    ("CSDL-DGHL", "Cơ sở dữ liệu đánh giá sự hài lòng", "Satisfaction evaluations", CENTRE,
     "Ghi nhận đánh giá của người dân về việc giải quyết từng hồ sơ.", ONE_STOP, PLATFORM,
     "continuous", "shared", (
         _f("Mã hồ sơ", "string", "shared"), _f("Điểm theo tiêu chí", "integer", "shared"),
         _f("Kênh đánh giá", "code", "shared"), _f("Thời điểm đánh giá", "datetime", "shared"),
         _personal("Ý kiến khác", "string", "Lời người dân viết, có thể có thông tin cá nhân"))),
    ("CSDL-TTTT", "Cơ sở dữ liệu thanh toán trực tuyến phí, lệ phí", "Online fee payments",
     FINANCE, "Đối soát các khoản phí, lệ phí nộp trực tuyến khi giải quyết hồ sơ.", ONE_STOP,
     PLATFORM, "daily", "restricted", (
         _f("Mã giao dịch", "string", "restricted"), _f("Mã hồ sơ", "string", "restricted"),
         _f("Số tiền", "number", "restricted", "Đồng"),
         _f("Kênh thanh toán", "code", "restricted"),
         _f("Thời điểm thanh toán", "datetime", "restricted"), _personal("Người nộp tiền"))),
    ("CSDL-NKHT", "Nhật ký hệ thống Một Cửa", "Audit log of the one-stop platform", SCIENCE,
     "Ghi vết mọi thao tác trên hệ thống để kiểm tra, bảo đảm an toàn thông tin.",
     "Luật An toàn thông tin mạng số 86/2015/QH13", PLATFORM, "continuous", "restricted", (
         _f("Thời điểm", "datetime", "restricted"), _personal("Người thực hiện"),
         _f("Thao tác", "code", "restricted"), _f("Đối tượng", "string", "restricted"),
         _personal("Địa chỉ IP"), _f("Chuỗi băm", "string", "restricted",
                                     "Nối các bản ghi để phát hiện sửa, xóa"))),
    ("CSDL-HT", "Cơ sở dữ liệu hộ tịch điện tử", "Electronic civil status register", JUSTICE,
     "Lưu giữ, khai thác thông tin đăng ký khai sinh, kết hôn, khai tử và các sự kiện hộ tịch.",
     "Luật Hộ tịch số 60/2014/QH13; Nghị định 87/2020/NĐ-CP",
     "Phần mềm đăng ký, quản lý hộ tịch", "continuous", "shared", (
         _personal("Số định danh cá nhân"), _personal("Họ, chữ đệm, tên"),
         _personal("Ngày sinh", "date"), _f("Loại sự kiện hộ tịch", "code", "shared"),
         _f("Ngày đăng ký", "date", "shared"), _f("Cơ quan đăng ký", "code", "shared"),
         _f("Số, quyển sổ đăng ký", "string", "shared"))),
    ("CSDL-DD", "Cơ sở dữ liệu đất đai", "Land database", LAND,
     "Quản lý thửa đất, mục đích sử dụng và giấy chứng nhận quyền sử dụng đất.",
     "Luật Đất đai số 31/2024/QH15", "Hệ thống thông tin đất đai", "daily", "shared", (
         _f("Mã thửa đất", "string", "shared"), _f("Số tờ bản đồ", "string", "shared"),
         _f("Diện tích", "number", "shared", "Mét vuông"),
         _f("Mục đích sử dụng", "code", "shared"),
         _f("Số giấy chứng nhận", "string", "shared"),
         _f("Hình thể thửa đất", "geometry", "shared"), _personal("Người sử dụng đất"))),
    ("CSDL-DC", "Cơ sở dữ liệu dân cư (tham chiếu)", "Population data (reference)", POLICE,
     "Tham chiếu, xác thực thông tin công dân khi giải quyết thủ tục hành chính; dữ liệu gốc do "
     "Bộ Công an quản lý.", "Luật Căn cước số 26/2023/QH15; Luật Cư trú số 68/2020/QH14",
     "Cơ sở dữ liệu quốc gia về dân cư (kết nối)", "continuous", "restricted", (
         _personal("Số định danh cá nhân"), _personal("Họ, chữ đệm, tên"),
         _personal("Ngày sinh", "date"), _personal("Nơi thường trú"),
         _personal("Quan hệ với chủ hộ", "code"),
         _f("Mã đơn vị hành chính nơi cư trú", "code", "restricted"))),
)  # fmt: skip


def _spec(row: tuple, owner_id: int) -> DatabaseSpec:  # type: ignore[type-arg]
    code, name, name_en, _owner, purpose, legal, system, frequency, sharing, fields = row
    return DatabaseSpec(code=code, name=name, name_en=name_en, owner_id=owner_id,
                        purpose=purpose, legal_basis=legal, system=system, frequency=frequency,
                        sharing=sharing, fields=fields)  # fmt: skip


def _leader(owner: str) -> User:
    return User.objects.get(username=LEADERS.get(owner, "quantri"))


def _proposed(row: tuple, kind: str, reason: str, at: datetime) -> Proposal:  # type: ignore[type-arg]
    owner = row[3]
    agency = find_agency(owner)
    spec = _spec(row, agency.pk)
    by = _leader(owner)
    proposal = services.create_proposal(kind=kind, agency=agency, code=spec.code, spec=spec,
                                        reason=reason, by=by, at=at)  # fmt: skip
    return services.submit_proposal(proposal=proposal, by=by, at=at)


def _pending_change() -> tuple:  # type: ignore[type-arg]
    land = next(row for row in DATABASES if row[0] == "CSDL-DD")
    fields = (*land[9][:-1], _f("Giá đất theo bảng giá", "number", "shared", "Đồng/m²"),
              _f("Biến động gần nhất", "date", "shared"), land[9][-1])  # fmt: skip
    return (*land[:9], fields)


@transaction.atomic
def seed_demo_data_catalogue() -> int:
    """Version 1 and the pending proposal; the number of databases added (0 on a second run)."""
    if CatalogueVersion.objects.exists():
        return 0
    today = timezone.localdate()
    approved_on = add_months(today, -6)
    when = timezone.make_aware(datetime.combine(approved_on, time(9, 0)))
    reviewer = User.objects.get(username="chuyenvien.sokhcn")
    for row in DATABASES:
        proposal = _proposed(row, "add", "Đưa vào danh mục lần đầu", when)
        services.review_proposal(proposal=proposal, decision="accept", by=reviewer, at=when,
                                 note="Đủ thông tin; mức chia sẻ phù hợp.")  # fmt: skip
    services.approve_version(
        by=User.objects.get(username="lanhdao.ubndtp"), effective_from=approved_on,
        decision=f"Quyết định phê duyệt danh mục cơ sở dữ liệu ngày {approved_on:%d/%m/%Y} "
                 "(minh họa)", at=when,
    )  # fmt: skip
    _proposed(_pending_change(), "change", "Bổ sung giá đất theo bảng giá và ngày biến động để "
              "chia sẻ cho cơ quan thuế.", timezone.now())  # fmt: skip
    return len(DATABASES)
