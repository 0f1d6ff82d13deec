"""The Vietnamese (translatable) messages and the display of answers, shared by the page
forms and ``validate()`` so that a citizen reads the same sentence wherever a check fails."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _


def required(field: str, *, choice: bool = False) -> str:
    if choice:
        return _("Chưa chọn “%(field)s”.") % {"field": field}
    return _("Chưa khai “%(field)s”.") % {"field": field}


def declaration(field: str) -> str:
    return _("Cần đánh dấu vào ô xác nhận: “%(field)s”.") % {"field": field}


def pattern(field: str, hint: str) -> str:
    if hint:
        return _("“%(field)s” không đúng định dạng (%(hint)s).") % {"field": field, "hint": hint}
    return _("“%(field)s” không đúng định dạng.") % {"field": field}


def bad_date(field: str) -> str:
    return _("“%(field)s” phải là một ngày có thật, dạng dd/mm/yyyy, ví dụ 25/08/1990.") % {
        "field": field
    }


def bad_email(field: str) -> str:
    return _("“%(field)s” phải là địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com.") % {
        "field": field
    }


def bad_format(field: str) -> str:
    return _("“%(field)s” không đúng định dạng.") % {"field": field}


def bad_integer(field: str) -> str:
    return _("“%(field)s” phải là một số nguyên, ví dụ 2.") % {"field": field}


def bad_number(field: str) -> str:
    return _("“%(field)s” phải là một số, ví dụ 12,5.") % {"field": field}


def minimum(field: str, limit: Any, *, exclusive: bool = False) -> str:
    values = {"field": field, "limit": show_number(limit)}
    if exclusive:
        return _("“%(field)s” phải lớn hơn %(limit)s.") % values
    return _("“%(field)s” không được nhỏ hơn %(limit)s.") % values


def maximum(field: str, limit: Any, *, exclusive: bool = False) -> str:
    values = {"field": field, "limit": show_number(limit)}
    if exclusive:
        return _("“%(field)s” phải nhỏ hơn %(limit)s.") % values
    return _("“%(field)s” không được lớn hơn %(limit)s.") % values


def min_length(field: str, limit: Any) -> str:
    return _("“%(field)s” phải có ít nhất %(limit)s ký tự.") % {"field": field, "limit": limit}


def max_length(field: str, limit: Any) -> str:
    return _("“%(field)s” không được dài quá %(limit)s ký tự.") % {"field": field, "limit": limit}


def choices(field: str, allowed: list[Any]) -> str:
    names = ", ".join(show_scalar(v) for v in allowed)
    return _("“%(field)s” phải là một trong các lựa chọn: %(choices)s.") % {
        "field": field,
        "choices": names,
    }


def constant(field: str, value: Any) -> str:
    if value is True:
        return declaration(field)
    return _("“%(field)s” phải là %(value)s.") % {"field": field, "value": show_scalar(value)}


def min_items(field: str, limit: Any) -> str:
    return _("“%(field)s” cần ít nhất %(limit)s mục.") % {"field": field, "limit": limit}


def max_items(field: str, limit: Any) -> str:
    return _("“%(field)s” chỉ được tối đa %(limit)s mục.") % {"field": field, "limit": limit}


def unique_items(field: str) -> str:
    return _("“%(field)s” có mục bị trùng nhau.") % {"field": field}


def one_of_required(field: str, names: list[str]) -> str:
    return _("“%(field)s”: cần khai ít nhất một trong các thông tin: %(names)s.") % {
        "field": field,
        "names": ", ".join(f"“{n}”" for n in names),
    }


def unexpected(field: str, names: list[str]) -> str:
    return _("“%(field)s” có thông tin không thuộc tờ khai: %(names)s.") % {
        "field": field,
        "names": ", ".join(names),
    }


def wrong_type(field: str, expected: Any) -> str:
    kinds = expected if isinstance(expected, list) else [expected]
    names = {
        "string": _("văn bản"),
        "integer": _("số nguyên"),
        "number": _("số"),
        "boolean": _("Có hoặc Không"),
        "object": _("một nhóm thông tin"),
        "array": _("một danh sách"),
        "null": _("để trống"),
    }
    wanted = f" {_('hoặc')} ".join(names.get(str(k), str(k)) for k in kinds)
    return _("“%(field)s” phải là %(type)s.") % {"field": field, "type": wanted}


def invalid(field: str) -> str:
    return _("“%(field)s” không hợp lệ.") % {"field": field}


def unreadable_form() -> str:
    return _(
        "Không kiểm tra được tờ khai vì mẫu tờ khai của thủ tục có lỗi. "
        "Xin liên hệ cơ quan giải quyết thủ tục."
    )


# Display ---------------------------------------------------------------------------------


def parse_date(value: Any) -> date | None:
    """A date from ISO ``YYYY-MM-DD`` or ``dd/mm/yyyy`` text (or a date); None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def show_date(value: Any) -> str:
    parsed = parse_date(value)
    return parsed.strftime("%d/%m/%Y") if parsed else show_scalar(value)


def show_number(value: Any) -> str:
    """1.000.000 and 12,5 as Vietnamese write them (in both languages, like the project's
    formats); below 10.000 without grouping, so a year reads 2025."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return show_scalar(value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    sign, digits = ("-", -number) if number < 0 else ("", number)
    whole, _dot, fraction = f"{digits.normalize():f}".partition(".")
    if len(whole) > 4:
        whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + (f",{fraction}" if fraction else "")


def show_scalar(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return str(_("Có"))
    if value is False:
        return str(_("Không"))
    if isinstance(value, (int, float, Decimal)):
        return show_number(value)
    return str(value)
