"""Validators for Vietnamese identifiers, each raising a translated ValidationError."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Birth-province prefixes of the 12-digit personal identification number (the 63 provinces
# before the 2025 merger; numbers already issued keep them).
_ID_PROVINCE_PREFIXES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_CODE = re.compile(r"^(\d{10})(-\d{3})?$")
_ELECTRONIC_ID = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$")


def birth_year_from_national_id(number: str) -> int:
    """Year of birth encoded in digits 4-6: the 4th digit gives sex and century."""
    century = 1900 + 100 * (int(number[3]) // 2)
    return century + int(number[4:6])


def validate_national_id(value: str) -> None:
    """A 12-digit citizen identification number (số định danh cá nhân, CCCD)."""
    if not re.fullmatch(r"\d{12}", value or ""):
        raise ValidationError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="format")
    if value[:3] not in _ID_PROVINCE_PREFIXES:
        raise ValidationError(
            _("Ba chữ số đầu của số định danh cá nhân không phải mã tỉnh hợp lệ."),
            code="province",
        )
    if birth_year_from_national_id(value) > date.today().year:
        raise ValidationError(
            _("Số định danh cá nhân ghi năm sinh trong tương lai."), code="birth_year"
        )


def tax_code_check_digit(first_nine: str) -> int:
    return 10 - sum(int(d) * w for d, w in zip(first_nine, _TAX_WEIGHTS, strict=True)) % 11


def validate_tax_code(value: str) -> None:
    """A business tax code: 10 digits with a check digit, or 10-3 for a branch.

    Since 1 July 2025 individuals and household businesses use their 12-digit personal
    identification number as tax code, so that form is accepted too.
    """
    value = value or ""
    if re.fullmatch(r"\d{12}", value):
        validate_national_id(value)
        return
    match = _TAX_CODE.fullmatch(value)
    if not match:
        raise ValidationError(
            _("Mã số thuế gồm 10 chữ số (hoặc 10 chữ số, dấu gạch ngang và 3 chữ số)."),
            code="format",
        )
    digits = match.group(1)
    if tax_code_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(_("Mã số thuế sai chữ số kiểm tra."), code="checksum")


def validate_electronic_id(value: str) -> None:
    """Agency electronic ID (mã định danh điện tử), e.g. 000.00.00.H26."""
    if not _ELECTRONIC_ID.fullmatch(value or ""):
        raise ValidationError(_("Mã định danh điện tử phải có dạng 000.00.00.H26."), code="format")


def validate_phone(value: str) -> None:
    """A Vietnamese phone number: 10 digits starting with 0, or +84 and 9 digits."""
    if not re.fullmatch(r"(0|\+84)\d{9}", (value or "").replace(" ", "")):
        raise ValidationError(
            _("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0 hoặc +84."), code="format"
        )


def normalise_phone(value: str) -> str:
    """The national form "0xxxxxxxxx" of a phone typed as "+84…", "84…" or "0…", with any
    spaces, dots or dashes; "" when it is not a Vietnamese phone number."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    match = re.fullmatch(r"(?:\+84|84|0)(\d{9})", digits)
    return f"0{match.group(1)}" if match else ""
