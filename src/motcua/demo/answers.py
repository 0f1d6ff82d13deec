"""Plausible answers to a procedure's form (its JSON Schema) for the demo's dossiers.

Every required question gets a value that passes the schema; optional ones are answered
often, so that the answers read like a real declaration. Values follow the question's name
(``ho_ten``, ``ngay_sinh``, ``noi_cu_tru``…), then its format, pattern, choices and limits.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from . import people
from .people import Person

SKIP = object()
# The objects about the person submitting (their own details go there).
APPLICANT_OBJECTS = frozenset({"nguoi_yeu_cau", "nguoi_nop", "nguoi_de_nghi", "nguoi_duoc_cap",
                               "nguoi_su_dung_dat", "nguoi_lap_di_chuc", "chu_dau_tu"})  # fmt: skip
GENDER_OF = {"me": "Nữ", "ben_nu": "Nữ", "cha": "Nam", "ben_nam": "Nam"}
# Optional questions a typical applicant leaves empty.
LEFT_EMPTY = frozenset({"so_ho_chieu", "ngay_sinh_bang_chu", "giai_trinh", "dia_chi_khac",
                        "noi_tam_tru", "dang_huong_tro_cap_khac", "chuc_vu"})  # fmt: skip
ALWAYS_TRUE = frozenset({"cam_doan", "cam_ket", "cam_doan_chua_dang_ky",
                         "cam_doan_khong_con_ban_chinh", "y_kien_chu_ho_chu_so_huu",
                         "y_kien_cha_me_giam_ho", "de_nghi_cap_gcn",
                         "da_hoan_thanh_nghia_vu_thue"})  # fmt: skip
ALWAYS_FALSE = frozenset({"co_an_tich", "sinh_o_nuoc_ngoai", "thuc_hien_ngoai_tru_so",
                          "de_nghi_ghi_no", "dang_huong_luong_huu"})  # fmt: skip
REGISTERED_AT = (
    "Ủy ban nhân dân phường Hàng Trống, quận Hoàn Kiếm, Hà Nội",
    "Ủy ban nhân dân phường Tràng Tiền, quận Hoàn Kiếm, Hà Nội",
    "Ủy ban nhân dân phường Hàng Bạc, quận Hoàn Kiếm, Hà Nội",
    "Ủy ban nhân dân xã Yên Sở, huyện Thanh Trì, Hà Nội",
)
PROPERTY = (
    "Xe máy Honda Vision, biển kiểm soát 29-B1 234.56",
    "Quyền sử dụng thửa đất số 45, tờ bản đồ số 12, diện tích 62 m²",
    "Căn hộ số 1203, tòa nhà số 18 phố Lý Thường Kiệt",
    "Nhà ở riêng lẻ 3 tầng trên thửa đất số 118, tờ bản đồ số 7",
)
TRADES = (("5610", "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động"),
          ("4711", "Bán lẻ lương thực, thực phẩm trong cửa hàng kinh doanh tổng hợp"),
          ("9631", "Cắt tóc, làm đầu, gội đầu"),
          ("4771", "Bán lẻ hàng may mặc, giày dép trong các cửa hàng chuyên doanh"),
          ("5510", "Dịch vụ lưu trú ngắn ngày"))  # fmt: skip
SCHOOLS = ("Trường THCS Trưng Vương", "Trường THCS Ngô Sĩ Liên", "Trường THCS Nguyễn Du",
           "Trường THCS Lê Ngọc Hân", "Trường THCS Thăng Long")  # fmt: skip


@dataclass
class Context:
    rng: random.Random
    today: date
    applicant: Person
    agency_name: str
    procedure_name: str

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def number(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


Text = Callable[[Context, Person], str]


def _relation(c: Context, who: Person) -> str:
    if "khai tử" in c.procedure_name:
        return c.pick("Con", "Vợ", "Chồng")
    return c.pick("Cha", "Mẹ", "Mẹ", "Ông nội", "Bà ngoại")


def _business_name(c: Context, who: Person) -> str:
    kind = c.pick("Phở", "Bún chả", "Tạp hóa", "Cà phê", "May đo", "Lưu trú")
    return f"Hộ kinh doanh {kind} {who.name.split()[-1]} {c.number(1, 99)}"


def _birthplace(c: Context, who: Person) -> str:
    if (c.today - who.birth).days > 366:
        return c.pick(*people.PROVINCES)
    return c.pick("Bệnh viện Phụ sản Hà Nội", "Bệnh viện Phụ sản Trung ương", "Bệnh viện Bạch Mai")


def _home_address(c: Context, who: Person) -> str:
    return people.address(c.rng)


TEXTS: dict[str, Text] = {
    "ho_ten": lambda c, w: w.name,
    "ten": lambda c, w: w.name,
    "nguoi_dai_dien": lambda c, w: w.name,
    "noi_cu_tru": lambda c, w: w.address,
    "dia_chi": lambda c, w: w.address,
    "dia_chi_lien_he": lambda c, w: w.address,
    "noi_cu_tru_cuoi_cung": lambda c, w: w.address,
    "dia_chi_cho_o": _home_address,
    "dia_chi_tru_so": _home_address,
    "tai_san": lambda c, w: f"Nhà và đất tại {w.address}",
    "kinh_gui": lambda c, w: c.agency_name,
    "dan_toc": lambda c, w: "Kinh",
    "quoc_tich": lambda c, w: "Việt Nam",
    "quoc_tich_lua_chon": lambda c, w: "Việt Nam",
    "que_quan": lambda c, w: c.pick(*people.PROVINCES),
    "noi_sinh": _birthplace,
    "quan_he": _relation,
    "quan_he_voi_chu_ho": lambda c, w: c.pick("Con", "Vợ", "Chồng", "Cháu"),
    "noi_dung_de_nghi": lambda c, w: f"{c.procedure_name} tại {c.applicant.address}",
    "muc_dich": lambda c, w: c.pick(
        "Bổ sung hồ sơ xin việc", "Hồ sơ du học", "Hồ sơ đi làm việc ở nước ngoài"
    ),
    "muc_dich_su_dung": lambda c, w: c.pick(
        "Để đăng ký kết hôn", "Bổ sung hồ sơ vay vốn ngân hàng", "Bổ sung hồ sơ mua bán nhà"
    ),
    "noi_da_dang_ky": lambda c, w: c.pick(*REGISTERED_AT),
    "noi_dang_ky": lambda c, w: c.pick(*REGISTERED_AT),
    "ten_giay_to": lambda c, w: c.pick(
        "Giấy ủy quyền", "Đơn đề nghị", "Hợp đồng thuê nhà", "Bản cam kết"
    ),
    "loai_giay_to": lambda c, w: c.pick(
        "Bằng tốt nghiệp đại học", "Giấy khai sinh", "Học bạ trung học phổ thông"
    ),
    "ten_ho_kinh_doanh": _business_name,
    "ly_do": lambda c, w: c.pick(
        "Thay đổi nơi làm việc",
        "Theo nguyện vọng của gia đình",
        "Giấy tờ bị mất",
        "Sai sót khi đăng ký trước đây",
    ),
    "noi_dung_truoc": lambda c, w: f"Họ, chữ đệm và tên: {w.name.upper()}",
    "noi_dung_sau": lambda c, w: f"Họ, chữ đệm và tên: {w.name}",
    "chi_tiet": lambda c, w: f"Địa chỉ trụ sở mới: {people.address(c.rng)}",
    "noi_dung_sua_chua": lambda c, w: c.pick(
        "Cải tạo mặt tiền, thay mái tôn bằng mái bê tông", "Sửa chữa, gia cố sàn tầng 2"
    ),
    "noi_dung_dieu_chinh": lambda c, w: c.pick(
        "Điều chỉnh chiều cao tầng 3 từ 3,3 m xuống 3,0 m", "Điều chỉnh mặt đứng công trình"
    ),
    "hien_trang": lambda c, w: "Nhà 2 tầng xây năm 1995, tường gạch, mái tôn",
    "nguon_goc": lambda c, w: c.pick(
        "Nhận chuyển nhượng năm 2005", "Được thừa kế năm 2012", "Sử dụng ổn định từ năm 1993"
    ),
    "can_cu": lambda c, w: c.pick("Theo quy định của Bộ luật Dân sự", "Theo thỏa thuận gia đình"),
    "noi_dung": lambda c, w: c.pick(
        "Sửa đổi thời hạn hợp đồng", "Bổ sung điều khoản thanh toán", "Hủy bỏ hợp đồng"
    ),
    "truong_noi_di": lambda c, w: c.pick(*SCHOOLS[:3]),
    "truong_noi_den": lambda c, w: c.pick(*SCHOOLS[3:]),
    "so_giay_phep": lambda c, w: f"{c.number(10, 999)}/GPXD",
    "so": lambda c, w: str(c.number(1, 400)),
    "quyen_so": lambda c, w: f"{c.number(1, 5)}/{c.number(1995, 2020)}",
    "so_trich_luc_khai_tu": lambda c, w: f"{c.number(1, 300)}/TLKT-BS",
    "so_chung_thuc": lambda c, w: f"{c.number(1, 900)}/{c.today.year - 1}/SCT/HĐGD",
    "so_giay_to": lambda c, w: f"{c.number(100, 9999)}/QĐ",
    "vai_tro": lambda c, w: c.pick("Bên chuyển nhượng", "Bên nhận chuyển nhượng"),
    "ten_giao_dich": lambda c, w: c.pick(
        "Hợp đồng chuyển nhượng quyền sử dụng đất", "Hợp đồng mua bán xe máy", "Hợp đồng thuê nhà"
    ),
    "lo_dat_so": lambda c, w: str(c.number(1, 300)),
    "thua_so": lambda c, w: str(c.number(1, 300)),
    "to_ban_do_so": lambda c, w: str(c.number(1, 40)),
    "don_vi_thiet_ke": lambda c, w: "Văn phòng kiến trúc sư (tên minh họa)",
    "ngan_hang": lambda c, w: c.pick(
        "Vietcombank chi nhánh Hà Nội", "Agribank chi nhánh Hoàn Kiếm", "BIDV chi nhánh Hà Thành"
    ),
    "noi_dang_ky_kcb_ban_dau": lambda c, w: c.pick(
        "Bệnh viện Đa khoa Xanh Pôn", "Trạm y tế phường Hoàn Kiếm", "Bệnh viện Đa khoa Đống Đa"
    ),
    "noi_chet": lambda c, w: c.pick("Tại nhà riêng", "Bệnh viện Bạch Mai", "Bệnh viện Việt Đức"),
    "nguyen_nhan_chet": lambda c, w: c.pick("Bệnh già", "Bệnh hiểm nghèo"),
    "nghe_nghiep": lambda c, w: c.pick(
        "Giáo viên", "Kinh doanh tự do", "Nhân viên văn phòng", "Hưu trí"
    ),
    "co_quan_cap": lambda c, w: c.pick(
        "Cục Cảnh sát quản lý hành chính về trật tự xã hội", "Ủy ban nhân dân quận Hoàn Kiếm"
    ),
    "mo_ta_tai_san": lambda c, w: c.pick(*PROPERTY),
    "mo_ta_di_san": lambda c, w: c.pick(*PROPERTY),
}
INTEGERS = {"so_ban_sao": (1, 3), "so_ban": (1, 5), "so_luong": (1, 3), "so_lao_dong": (1, 6),
            "nam_hoan_thanh": (1995, 2022), "so_tang": (2, 6), "thoi_gian_gia_han": (6, 12),
            "thoi_gian_hoan_thanh": (6, 18), "ket_hon_lan_thu": (1, 1),
            "so_nguoi_dang_ky": (2, 6), "so_trang": (1, 6)}  # fmt: skip


def build_answers(schema: Mapping[str, Any], context: Context) -> dict[str, Any]:
    """Answers to ``schema`` for ``context.applicant``; an empty schema gets no answers."""
    if not schema:
        return {}
    answers = _object("", schema, context, context.applicant)
    return answers if isinstance(answers, dict) else {}


def _who(name: str, schema: Mapping[str, Any], c: Context, around: Person) -> Person:
    """Whom an object is about: the applicant, a newborn, a pupil, someone else, or (for an
    object that is not about a person) the person around it."""
    if name in APPLICANT_OBJECTS:
        return c.applicant
    if "ho_ten" not in schema.get("properties", {}):
        return around
    if name == "nguoi_duoc_khai_sinh":
        return people.newborn(c.rng, on=c.today, surname=c.applicant.name.split()[0])
    if name == "hoc_sinh":
        return people.person(c.rng, born=(c.today.year - 14, c.today.year - 11))
    return people.person(c.rng, gender=GENDER_OF.get(name))


def _object(name: str, schema: Mapping[str, Any], c: Context, around: Person) -> Any:
    who = _who(name, schema, c, around)
    required = set(schema.get("required", []))
    for choice in schema.get("anyOf", [])[:1]:
        required |= set(choice.get("required", []))  # answer the first alternative
    out: dict[str, Any] = {}
    for key, sub in schema.get("properties", {}).items():
        # The applicant gives every detail about themselves; other questions are optional.
        if key not in required and (
            key in LEFT_EMPTY or (who is not c.applicant and c.rng.random() < 0.25)
        ):
            continue
        value = _value(key, sub, c, who, key in required)
        if value is not SKIP:
            out[key] = value
    return out


def _value(name: str, schema: Mapping[str, Any], c: Context, who: Person, required: bool) -> Any:
    kind = schema.get("type")
    if "const" in schema:
        return schema["const"]
    if kind == "object":
        return _object(name, schema, c, who)
    if kind == "array":
        return _array(name, schema, c, who)
    if name == "gioi_tinh" and who.gender in schema.get("enum", ()):
        return who.gender
    if "enum" in schema:
        return c.rng.choice(schema["enum"])
    if kind == "boolean":
        return name in ALWAYS_TRUE or (name not in ALWAYS_FALSE and c.rng.random() < 0.3)
    if kind in ("integer", "number"):
        return _number(name, schema, c)
    return _string(name, schema, c, who, required)


def _array(name: str, schema: Mapping[str, Any], c: Context, who: Person) -> Any:
    items = schema.get("items", {})
    low = max(int(schema.get("minItems", 1)), 1)
    count = min(c.number(low, low + 1), int(schema.get("maxItems", low + 1)))
    if "enum" in items:
        return c.rng.sample(list(items["enum"]), min(count, len(items["enum"])))
    if name == "nganh_nghe":
        return [
            {"ma_nganh": code, "ten_nganh": title} for code, title in c.rng.sample(TRADES, count)
        ]
    return [_value(name, items, c, who, True) for _ in range(count)]


def _number(name: str, schema: Mapping[str, Any], c: Context) -> int | float:
    if name == "von_kinh_doanh":
        return c.number(5, 50) * 10_000_000
    if schema.get("type") == "number":
        value: int | float = round(
            c.rng.uniform(7, 18) if name == "chieu_cao" else c.rng.uniform(40, 160), 1
        )
    else:
        value = c.number(*INTEGERS.get(name, (1, 5)))
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    if low is not None and value <= low:
        value = low if "minimum" in schema else low + 1
    high = schema.get("maximum")
    return min(value, high) if high is not None else value


def _date(name: str, c: Context, who: Person) -> date:
    today, days = c.today, c.rng.randint
    offsets = {
        "ngay_chet": -days(1, 20), "tu_ngay": days(2, 10), "den_ngay": days(40, 200),
        "ngay_cham_dut": days(5, 30), "ngay_cap": -days(300, 3000),
        "ngay_dang_ky": -days(2000, 9000), "ngay_dang_ky_truoc_day": -days(2000, 9000),
        "ngay_chung_thuc": -days(100, 900), "thoi_diem_bat_dau_su_dung": -days(6000, 12000),
    }  # fmt: skip
    if name == "ngay_sinh":
        return who.birth
    return today + timedelta(days=offsets.get(name, -days(1, 365)))


PATTERNS: dict[str, Callable[[Context, Person], str]] = {
    "^[0-9]{12}$": lambda c, w: w.id_number,
    "^0[0-9]{9,10}$": lambda c, w: w.phone,
    "^[0-9]{10}(-[0-9]{3})?$": lambda c, w: f"01{c.number(0, 10**8 - 1):08d}",
    "^([01][0-9]|2[0-3]):[0-5][0-9]$": lambda c, w: f"{c.number(0, 23):02d}:{c.number(0, 59):02d}",
    "^[0-9]{4}$": lambda c, w: c.pick(*(code for code, _ in TRADES)),
    "^[0-9]{6,20}$": lambda c, w: f"{c.number(10**9, 10**12):d}",
    "^[0-9]{4}-[0-9]{4}$": lambda c, w: _school_year(c.today),
}


def _school_year(today: date) -> str:
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


def _string(name: str, schema: Mapping[str, Any], c: Context, who: Person, required: bool) -> Any:
    if schema.get("format") == "date":
        return _date(name, c, who).isoformat()
    if schema.get("format") == "email":
        return who.email
    if schema.get("pattern") in PATTERNS:
        return PATTERNS[schema["pattern"]](c, who)
    if name in TEXTS:
        return TEXTS[name](c, who)[: int(schema.get("maxLength", 500))]
    if "default" in schema:
        return schema["default"]
    if not required:
        return SKIP
    # A question this module does not know yet: a neutral answer that still validates.
    return f"{schema.get('title', name)}: theo giấy tờ kèm theo"
