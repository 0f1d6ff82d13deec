"""Validators for Vietnamese identifiers, each raising a translated ValidationError."""

from __future__ import annotations

import re
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from django.contrib.auth.password_validation import (
    MinimumLengthValidator as DjangoMinimumLengthValidator,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold

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


# Passwords. Django's validators refuse short, common, all-digit passwords and passwords like
# the username; these add what Vietnamese users are known to choose and Django cannot know.

MIN_PASSWORD_LENGTH = 12
_GUESSABLE_WORDS = ("matkhau", "password", "anhyeuem", "emyeuanh", "iloveyou", "motcua")
# Rows a finger or a count runs along; a password that mostly walks them is guessed early.
_RUNS = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
_NEIGHBOURS = frozenset(
    pair for run in _RUNS for a, b in pairwise(run) for pair in ((a, b), (b, a))
)
_SEPARATORS = re.compile(r"[\s./\-_]")


def _compact(text: str) -> str:
    """Folded to lower-case ASCII, without spaces or separators: "Mật khẩu" -> "matkhau"."""
    return _SEPARATORS.sub("", fold(text))


def _walks_a_row(password: str) -> bool:
    """Mostly one character repeated, or steps along the keyboard or the digits ("aaaa…",
    "123456789012", "qwertyuiop12", "abcabcabcabc")."""
    text = password.lower()
    if len(set(text)) < 5:
        return True
    steps = list(pairwise(text))
    walked = sum(1 for a, b in steps if a == b or (a, b) in _NEIGHBOURS)
    return walked >= 0.75 * len(steps)


def _is_date(digits: str) -> bool:
    for pattern in ("%d%m%Y", "%Y%m%d", "%d%m%y"):
        try:
            datetime.strptime(digits, pattern)
        except ValueError:
            continue
        return len(digits) == (6 if pattern == "%d%m%y" else 8)
    return False


def _personal_number(digits: str) -> bool:
    """A phone number, a date of birth, a 12-digit ID or a 9-digit old identity card."""
    return bool(
        normalise_phone(digits)
        or _is_date(digits)
        or (re.fullmatch(r"\d{12}", digits) and digits[:3] in _ID_PROVINCE_PREFIXES)
        or re.fullmatch(r"\d{9}", digits)
    )


def _own_details(user: Any) -> list[str]:
    """The account's own name, contact and identity numbers, compacted, 4 characters or more."""
    values = [getattr(user, name, "") or "" for name in (
        "username", "full_name", "organisation_name", "national_id", "tax_code",
    )]  # fmt: skip
    email = getattr(user, "email", "") or ""
    values.append(email.split("@")[0])
    phone = normalise_phone(getattr(user, "phone", "") or "")
    values += [phone, phone[1:]]
    birth = getattr(user, "date_of_birth", None)
    if birth:
        values += [birth.strftime(pattern) for pattern in ("%d%m%Y", "%Y%m%d", "%d%m%y")]
    return [value for value in map(_compact, values) if len(value) >= 4]


class GuessablePasswordValidator:
    """Refuses what people here often choose: "matkhau…", a phone number, a date of birth or
    an ID number with little else, a row of the keyboard or the digits, one character
    repeated, and the account's own name, phone, email or numbers."""

    def validate(self, password: str, user: Any = None) -> None:
        compact = _compact(password)
        if any(word in compact for word in _GUESSABLE_WORDS):
            raise ValidationError(
                _("Mật khẩu không được chứa những từ dễ đoán như “matkhau”, “password”."),
                code="password_guessable_word",
            )
        if _walks_a_row(compact):
            raise ValidationError(
                _("Mật khẩu không được là một ký tự lặp lại hay một dãy phím, dãy số liền nhau."),
                code="password_sequence",
            )
        for digits in re.findall(r"\d{6,}", compact):
            if _personal_number(digits) and len(compact) - len(digits) < 6:
                raise ValidationError(
                    _("Mật khẩu không được là số điện thoại, ngày sinh hay số giấy tờ tùy thân."),
                    code="password_personal_number",
                )
        if user is not None and any(detail in compact for detail in _own_details(user)):
            raise ValidationError(
                _(
                    "Mật khẩu không được chứa tên, số điện thoại, thư điện tử, ngày sinh hay "
                    "số giấy tờ của chính tài khoản."
                ),
                code="password_own_details",
            )

    def get_help_text(self) -> str:
        return str(_(
            "Mật khẩu không được là số điện thoại, ngày sinh, số giấy tờ, dãy phím hay từ dễ "
            "đoán như “matkhau”, và không chứa tên hay thông tin liên hệ của bạn."
        ))  # fmt: skip


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's, with the Vietnamese message its catalogue lacks."""

    def __init__(self, min_length: int = MIN_PASSWORD_LENGTH) -> None:
        super().__init__(min_length)

    def get_error_message(self) -> str:
        return str(_("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.")) % {
            "min_length": self.min_length
        }

    def get_help_text(self) -> str:
        return str(_("Mật khẩu cần ít nhất %(min_length)d ký tự.")) % {
            "min_length": self.min_length
        }
