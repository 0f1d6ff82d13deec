"""Made-up people of the demo: Vietnamese names, personal numbers, phones and addresses."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Phan", "Trịnh", "Đinh")  # fmt: skip
MIDDLE = {
    "Nam": ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Thành", "Xuân", "Gia"),
    "Nữ": ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Khánh"),
}
GIVEN = {
    "Nam": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc",
            "Quang", "Sơn", "Tuấn", "Việt", "Hiếu", "Trung"),
    "Nữ": ("Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc",
           "Thảo", "Trang", "Yến", "Vy", "Nhung"),
}  # fmt: skip
# Streets of the ward of Hoàn Kiếm (since 1 July 2025) and of other central wards.
STREETS = ("phố Hàng Bài", "phố Tràng Tiền", "phố Hàng Khay", "phố Lý Thái Tổ",
           "phố Đinh Tiên Hoàng", "phố Hàng Bông", "phố Hàng Gai", "phố Bà Triệu",
           "phố Hai Bà Trưng", "phố Lê Thái Tổ", "phố Hàng Trống", "phố Nhà Thờ",
           "phố Lý Quốc Sư", "phố Hàng Hành", "phố Bảo Khánh")  # fmt: skip
OTHER_WARDS = ("Phường Ba Đình", "Phường Cửa Nam", "Phường Hai Bà Trưng", "Phường Đống Đa",
               "Phường Tây Hồ", "Phường Cầu Giấy")  # fmt: skip
PROVINCES = ("Hà Nội", "Nam Định", "Thái Bình", "Hải Dương", "Bắc Ninh", "Nghệ An",
             "Thanh Hóa", "Hưng Yên", "Phú Thọ", "Hà Nam")  # fmt: skip
HOME_WARD = "Phường Hoàn Kiếm"


@dataclass(frozen=True)
class Person:
    name: str
    gender: str
    birth: date
    id_number: str
    phone: str
    email: str
    address: str


def national_id(rng: random.Random, gender: str, birth: date) -> str:
    """A 12-digit personal number: Hà Nội's birth prefix, the gender-and-century digit, the
    year of birth and a random serial."""
    century = 0 if birth.year < 2000 else 2
    digit = century + (1 if gender == "Nữ" else 0)
    return f"001{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def phone(rng: random.Random) -> str:
    return rng.choice(("09", "03", "08", "07")) + f"{rng.randrange(10**8):08d}"


def address(rng: random.Random, ward: str = HOME_WARD) -> str:
    return f"Số {rng.randint(1, 120)} {rng.choice(STREETS)}, {ward}, Thành phố Hà Nội"


def _ascii(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if c.isascii() and c.isalnum()).lower()


def person(
    rng: random.Random,
    *,
    gender: str | None = None,
    born: tuple[int, int] = (1955, 2002),
    ward: str = HOME_WARD,
    surname: str | None = None,
) -> Person:
    birth = date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
    return _person(rng, gender, birth, ward, surname)


def newborn(rng: random.Random, *, on: date, surname: str | None = None) -> Person:
    """A baby born in the two months before ``on`` (a birth registration)."""
    return _person(rng, None, on - timedelta(days=rng.randint(3, 60)), HOME_WARD, surname)


def _person(
    rng: random.Random, gender: str | None, birth: date, ward: str, surname: str | None
) -> Person:
    gender = gender or rng.choice(("Nam", "Nữ"))
    family = surname or rng.choice(SURNAMES)
    name = f"{family} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    given = _ascii(name.split()[-1])
    email = f"{given}.{_ascii(family)}{rng.randint(10, 99)}@example.vn"
    return Person(
        name=name,
        gender=gender,
        birth=birth,
        id_number=national_id(rng, gender, birth),
        phone=phone(rng),
        email=email,
        address=address(rng, ward),
    )
