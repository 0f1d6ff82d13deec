"""Messages of the national online payment platform on the National Public Service Portal.

("Nền tảng thanh toán trực tuyến" of DVCQG.) The official specification was not found: these
messages follow what a provincial one-stop system sends and checks (docs/DOMAIN-VN §7.2), so
treat them as observed behaviour and confirm them against the platform's test environment.

Every message carries ``MaXacThuc`` = SHA-256 (lower-case hex) of some of its fields joined with
"|" and followed by the partner's secret. A "|" inside a field would let a field boundary move
without changing the hash, so signed fields never contain one. Pure functions: no models, no
HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

VERSION = "1.0.6"
GMT7 = timezone(timedelta(hours=7))
TIME_FORMAT = "%Y%m%d%H%M%S"
SUCCESS = "00"  # MaLoi of a confirmed payment
# MaLoi of a QUERY answer, assumed (no specification found): the confirmation's codes ("00"
# paid, "24" cancelled by the payer, anything else failed), and "01" while the platform has no
# outcome for the reference (not paid yet, or never seen), as "01" is "unknown order" in the
# answers to a confirmation.
CANCELLED = "24"
NO_OUTCOME = "01"
# The answer to a message whose MaXacThuc does not verify (unsigned: we cannot trust the key).
BAD_SIGNATURE_ANSWER = {"MaLoi": "97", "MoTa": "Sai ma xac thuc"}

INIT_FIELDS = (
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
)
CONFIRM_FIELDS = (
    "LoaiBanTin",
    "MaLoi",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "MaTienTe",
    "MaGiaoDich",
    "MaNganHang",
    "ThoiGianGD",
    "ThongTinGiaoDich",
)
QUERY_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
# Fields a confirmation cannot do without; the others hash as "" when absent.
_CONFIRM_REQUIRED = ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaXacThuc")
_QUERY_ANSWER_REQUIRED = ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "MaXacThuc")

_CODE = re.compile(r"[A-Za-z0-9_.-]{1,50}")
_REFERENCE = re.compile(r"[A-Za-z0-9_]{1,255}")
_TIME = re.compile(r"[0-9]{14}")
_SHA256 = re.compile(r"[0-9A-Fa-f]{64}")
MAX_DESCRIPTION = 210


def format_time(moment: datetime) -> str:
    """``yyyyMMddHHmmss`` in GMT+7 (24-hour clock; the observed client used 12-hour "hh",
    which makes afternoon times ambiguous)."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError("platform times need a timezone-aware datetime")
    return moment.astimezone(GMT7).strftime(TIME_FORMAT)


def _time_text(moment: datetime | str) -> str:
    if isinstance(moment, str):
        if not _TIME.fullmatch(moment):
            raise ValueError("a platform time is 14 digits, yyyyMMddHHmmss")
        return moment
    return format_time(moment)


def auth_code(values: Sequence[str], secret: str) -> str:
    """``MaXacThuc``: SHA-256 hex of the values and the secret joined with "|"."""
    if not isinstance(secret, str) or not secret:
        raise ValueError("the payment platform secret is not configured")
    if any(not isinstance(value, str) or "|" in value for value in values):
        raise ValueError("signed fields must be strings without '|'")
    return hashlib.sha256("|".join([*values, secret]).encode("utf-8")).hexdigest()


def plain_text(text: str) -> str:
    """Vietnamese without diacritics, case kept, printable ASCII only and no "|"."""
    mapped = text.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d")
    kept = (
        ch
        for ch in unicodedata.normalize("NFKD", mapped)
        if (" " <= ch <= "~" and ch != "|") or ch.isspace()
    )
    return " ".join("".join(kept).split())


def make_reference(dossier_code: str, moment: datetime) -> str:
    """``MaThamChieu`` as observed: "dvc" + the dossier code without punctuation + the time.

    Unique per attempt, since each attempt has its own time to the second.
    """
    compact = re.sub(r"[^A-Za-z0-9]", "", plain_text(dossier_code))
    if not compact:
        raise ValueError("dossier_code must contain letters or digits")
    return f"dvc{compact}{format_time(moment)}"


def init_message(
    *,
    partner_code: str,
    reference: str,
    amount: int,
    description: str,
    created_at: datetime,
    ip: str,
    secret: str,
    receipt: Mapping[str, Any] | None = None,
    version: str = VERSION,
    channel: str = "1",
    device: str = "1",
    language: str = "vi-VN",
    bank_code: str = "PAYMENT",
) -> dict[str, Any]:
    """The INIT message (POST as JSON with the Bearer token); the reply holds UrlThanhToan.

    ``amount`` is whole đồng, sent as a string as observed. ``receipt`` becomes
    ``ThongTinBienLai`` (MaDVC, MaTTHC, MaHoSo, TKThuHuong, PhiLePhi, DSKhoanNop…), which is
    not signed; MaDichVu defaults to "2" as observed.
    """
    for name, value in (("partner_code", partner_code), ("version", version)):
        if not isinstance(value, str) or not _CODE.fullmatch(value):
            raise ValueError(f"{name} must be 1-50 letters, digits, '_', '.', '-'")
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        raise ValueError("reference must be 1-255 letters, digits or '_'")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValueError("amount must be a positive whole number of đồng")
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise ValueError("ip must be an IPv4 or IPv6 address") from None
    text = (
        plain_text(description)[:MAX_DESCRIPTION].rstrip() if isinstance(description, str) else ""
    )
    if not text:
        raise ValueError("description must say what is paid for")
    message: dict[str, Any] = {
        "LoaiBanTin": "INIT",
        "PhienBan": version,
        "MaDoiTac": partner_code,
        "MaThamChieu": reference,
        "SoTien": str(amount),
        "LoaiHinhThanhToan": "PAY",
        "MaKenhThanhToan": channel,
        "MaThietBi": device,
        "NgonNgu": language,
        "MaTienTe": "VND",
        "MaNganHang": bank_code,
        "ThongTinGiaoDich": text,
        "ThoiGianGD": format_time(created_at),
        "Ip": ip,
    }
    message["MaXacThuc"] = auth_code([message[name] for name in INIT_FIELDS], secret)
    message["ThongTinBienLai"] = {"MaDichVu": "2", **dict(receipt or {})}
    return message


def query_message(
    *,
    partner_code: str,
    reference: str,
    transaction_time: datetime | str,
    secret: str,
    version: str = VERSION,
    kind: str = "QUERY",
) -> dict[str, str]:
    """A status query for ``reference`` (``kind="GET_BILL"`` asks for the e-receipt instead).

    ``transaction_time`` is the ThoiGianGD of the INIT message.
    """
    if kind not in ("QUERY", "GET_BILL"):
        raise ValueError("kind must be 'QUERY' or 'GET_BILL'")
    if not isinstance(partner_code, str) or not _CODE.fullmatch(partner_code):
        raise ValueError("partner_code must be 1-50 letters, digits, '_', '.', '-'")
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        raise ValueError("reference must be 1-255 letters, digits or '_'")
    message = {
        "LoaiBanTin": kind,
        "PhienBan": version,
        "MaDoiTac": partner_code,
        "MaThamChieu": reference,
        "ThoiGianGD": _time_text(transaction_time),
    }
    message["MaXacThuc"] = auth_code([message[name] for name in QUERY_FIELDS], secret)
    return message


def _wire_text(value: Any) -> str | None:
    """A JSON value as the platform hashed it: strings as is, integers in decimal."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return str(value)
    return None


def confirm_values(message: Mapping[str, Any]) -> list[str] | None:
    """The signed values of a confirmation in order, or None if one is not usable."""
    values = [_wire_text(message.get(name)) for name in CONFIRM_FIELDS]
    clean = [value for value in values if value is not None and "|" not in value]
    return clean if len(clean) == len(CONFIRM_FIELDS) else None


def verify_confirm(message: object, secret: str) -> bool:
    """Whether a confirmation (platform → us) carries the platform's MaXacThuc.

    False for anything else: not a JSON object, a required field missing, a value that is
    neither string nor integer, a "|" in a field, or a wrong code. Constant-time, any hex case.
    """
    return _verify_signed(message, secret, _CONFIRM_REQUIRED)


def verify_query_answer(message: object, secret: str) -> bool:
    """Whether the platform's answer to a QUERY carries its MaXacThuc.

    Assumed (no specification found): the answer has the confirmation's fields (the observed
    client reads it into the confirmation's type) and is signed the same way; SoTien and
    MaGiaoDich may be empty while the platform has no outcome. Same refusals as
    :func:`verify_confirm`.
    """
    return _verify_signed(message, secret, _QUERY_ANSWER_REQUIRED)


def _verify_signed(message: object, secret: str, required: Sequence[str]) -> bool:
    if not isinstance(secret, str) or not secret:
        raise ValueError("the payment platform secret is not configured")
    if not isinstance(message, Mapping):
        return False
    try:
        if any(message.get(name) in (None, "") for name in required):
            return False
        given = message.get("MaXacThuc")
        if not isinstance(given, str) or not _SHA256.fullmatch(given):
            return False
        values = confirm_values(message)
        if values is None:
            return False
        expected = auth_code(values, secret)
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(expected, given.lower())


def verify_init(message: object, secret: str) -> bool:
    """Whether an INIT message carries the partner's MaXacThuc (what the platform checks; the
    local sandbox checks it the same way). False for anything odd."""
    return _verify_request(message, secret, INIT_FIELDS)


def verify_query(message: object, secret: str) -> bool:
    """Whether a QUERY message carries the partner's MaXacThuc (for the local sandbox)."""
    return _verify_request(message, secret, QUERY_FIELDS)


def _verify_request(message: object, secret: str, fields: Sequence[str]) -> bool:
    if not isinstance(message, Mapping) or not secret:
        return False
    values = [_wire_text(message.get(name)) for name in fields]
    given = message.get("MaXacThuc")
    if any(v is None or "|" in v for v in values) or not isinstance(given, str):
        return False
    expected = auth_code([v for v in values if v is not None], secret)
    return hmac.compare_digest(expected, given.lower())


def is_confirm_success(message: Mapping[str, Any]) -> bool:
    """Whether a (verified) confirmation reports the payment as made."""
    return message.get("MaLoi") == SUCCESS


def confirm_message(
    *,
    result_code: str,
    partner_code: str,
    reference: str,
    amount: int,
    transaction_id: str,
    paid_at: datetime,
    description: str,
    secret: str,
    bank_code: str = "PAYMENT",
) -> dict[str, Any]:
    """A confirmation as the platform sends it (for the local sandbox and for tests)."""
    message: dict[str, Any] = {
        "LoaiBanTin": "CONFIRM",
        "MaLoi": result_code,
        "MaDoiTac": partner_code,
        "MaThamChieu": reference,
        "SoTien": amount,
        "MaTienTe": "VND",
        "MaGiaoDich": transaction_id,
        "MaNganHang": bank_code,
        "ThoiGianGD": format_time(paid_at),
        "ThongTinGiaoDich": plain_text(description),
    }
    values = confirm_values(message)
    if values is None:
        raise ValueError("confirmation fields must be strings or integers without '|'")
    message["MaXacThuc"] = auth_code(values, secret)
    return message


def query_state(answer: Mapping[str, Any]) -> str:
    """What a (verified) QUERY answer says of the payment: "paid", "pending" (ask again),
    "cancelled" or "failed". The codes are assumed; see NO_OUTCOME."""
    code = answer.get("MaLoi")
    if code == SUCCESS:
        return "paid"
    if code == NO_OUTCOME:
        return "pending"
    return "cancelled" if code == CANCELLED else "failed"


def amount_in_dong(message: Mapping[str, Any]) -> int | None:
    """SoTien as whole đồng (a JSON number or a string of digits), None if it is neither."""
    value = message.get("SoTien")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def query_answer(fields: Mapping[str, Any], secret: str) -> dict[str, Any]:
    """A QUERY answer as the platform is assumed to send it (for the local sandbox and tests):
    the confirmation's fields (absent ones empty) with LoaiBanTin "QUERY", signed like one."""
    message: dict[str, Any] = {name: fields.get(name, "") for name in CONFIRM_FIELDS}
    message["LoaiBanTin"] = "QUERY"
    values = confirm_values(message)
    if values is None:
        raise ValueError("answer fields must be strings or integers without '|'")
    message["MaXacThuc"] = auth_code(values, secret)
    return message
