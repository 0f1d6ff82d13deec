"""An action's parameters as CKAN reads them: from the query string (GET) or a JSON body
(POST), each checked the way CKAN's validators check it, a bad one answered 409 with the
field's message."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from .errors import Invalid

Params = dict[str, Any]

_TRUE = {"true", "yes", "on", "y", "t", "1"}
_FALSE = {"false", "no", "off", "n", "f", "0", ""}


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class Unreadable(Exception):
    """The body is not a JSON object (CKAN: 400 "Bad request - JSON Error: …")."""


def from_request(request: HttpRequest) -> Params:
    """GET (and HEAD): the query string, a repeated key as a list. POST: the JSON object in
    the body, or the form's fields (and CKAN's old form of a JSON object sent as the only
    field's name)."""
    if request.method in ("GET", "HEAD"):
        return _mixed(request.GET.lists())
    if request.content_type in _FORMS:
        # Read as a form: once parsed (the NUL-byte check may have done it), the body is gone.
        try:
            fields = list(request.POST.lists())
        except MultiPartParserError as error:
            raise Unreadable(str(error)) from error
        if len(fields) == 1 and fields[0][1] in (["1"], [""]):
            return _json_object(fields[0][0].encode())
        return _mixed(fields)
    body = request.body
    return _json_object(body) if body.strip() else {}


def _mixed(pairs: Any) -> Params:
    return {key: found[0] if len(found) == 1 else found for key, found in pairs}


def _json_object(body: bytes) -> Params:
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # not UTF-8, or nested past Python's stack
        raise Unreadable(_("không đọc được JSON: %(error)s") % {"error": error}) from error
    if not isinstance(data, dict):
        raise Unreadable(_("nội dung JSON phải là một đối tượng, không phải %(kind)s")
                         % {"kind": type(data).__name__})  # fmt: skip
    return data


def text(params: Params, key: str, default: str = "") -> str:
    value = params.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(key, _("Phải là một chuỗi ký tự"))
    return str(value).replace("\x00", "")


def required(params: Params, *keys: str) -> str:
    """The first of ``keys`` given (``id`` or ``name_or_id``), else 409 "Missing value"."""
    for key in keys:
        if value := text(params, key).strip():
            return value
    raise Invalid(keys[0], _("Thiếu giá trị"))


def integer(params: Params, key: str, default: int) -> int:
    value = params.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise Invalid(key, _("Số nguyên không hợp lệ"))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        digits = value.strip()
        unsigned = digits.removeprefix("-").removeprefix("+")
        # int() accepts "²" and "1_000", and refuses a 5,000-digit string with a ValueError.
        if unsigned.isascii() and unsigned.isdigit() and len(unsigned) <= 18:
            return int(digits)
    raise Invalid(key, _("Số nguyên không hợp lệ"))


def natural(params: Params, key: str, default: int) -> int:
    value = integer(params, key, default)
    if value < 0:
        raise Invalid(key, _("Phải là số tự nhiên"))
    return value


def boolean(params: Params, key: str, default: bool) -> bool:
    value = params.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, str | int) else None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise Invalid(key, _("Phải là true hoặc false"))


def strings(params: Params, key: str) -> list[str]:
    """A list of strings: a JSON list, a JSON string of one ('["tags"]' as CKAN's clients
    send ``facet.field``), a repeated query key, or a string separated by commas or spaces
    (``fl=id,name``)."""
    value = params.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                raise Invalid(key, _("Phải là một danh sách chuỗi ký tự")) from None
        else:
            value = value.replace(",", " ").split()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(key, _("Phải là một danh sách chuỗi ký tự"))
    return value
