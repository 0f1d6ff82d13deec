"""VNPay payment gateway, vnp_Version 2.1.0: the signed redirect, the IPN and QueryDR.

Pure protocol code (no models, no HTTP): building and checking what goes over the wire, so the
payment service stays small and the sandbox speaks exactly the same protocol. The business state
of a payment changes only on a verified IPN (server to server); the Return URL is for the page
the citizen sees. Reference: docs/DOMAIN-VN §7.1 and VNPay's own samples.

Signature: sort the parameters by name, drop empty ones, form-encode them with ``quote_plus``
(as VNPay's Python sample does), HMAC-SHA512 with the merchant's hash secret, hex.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote_plus

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERSION = "2.1.0"
SANDBOX_PAYMENT_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
SANDBOX_API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
GMT7 = timezone(timedelta(hours=7))
DATE_FORMAT = "%Y%m%d%H%M%S"
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")

_KEY = re.compile(r"vnp_[A-Za-z0-9_]{1,64}")
_HASH = re.compile(r"[0-9A-Fa-f]{128}")
_TXN_REF = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_TMN_CODE = re.compile(r"[A-Za-z0-9]{1,32}")
_BANK_CODE = re.compile(r"[A-Za-z0-9_]{0,20}")
_DATE = re.compile(r"[0-9]{14}")
# VNPay asks for "Vietnamese without diacritics and without special characters". These are the
# characters that every VNPay sample (Python quote_plus, PHP urlencode, Java URLEncoder, JS
# URLSearchParams) encodes the same way, so the hash never depends on the encoder.
_ORDER_INFO_DROP = re.compile(r"[^A-Za-z0-9 .,:_/-]+")
MAX_ORDER_INFO = 255


# --- dates -------------------------------------------------------------------------------------


def format_date(moment: datetime) -> str:
    """``yyyyMMddHHmmss`` in GMT+7, as every VNPay date is; naive datetimes are refused."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError("VNPay dates need a timezone-aware datetime")
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_date(text: object) -> datetime:
    """A VNPay ``yyyyMMddHHmmss`` (GMT+7) as an aware datetime; ValueError on anything else."""
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise ValueError("a VNPay date is 14 digits, yyyyMMddHHmmss")
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=GMT7)


# --- text --------------------------------------------------------------------------------------


def order_text(text: str) -> str:
    """``vnp_OrderInfo`` as VNPay wants it: ASCII, no diacritics, no special characters.

    Case is kept so a dossier code stays readable on the bank statement.
    """
    mapped = text.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", mapped) if not unicodedata.combining(ch)
    )
    cleaned = _ORDER_INFO_DROP.sub(" ", " ".join(stripped.split()))
    return " ".join(cleaned.split())[:MAX_ORDER_INFO].rstrip()


# --- signing -----------------------------------------------------------------------------------


def _secret_bytes(hash_secret: str) -> bytes:
    if not isinstance(hash_secret, str) or not hash_secret:
        raise ValueError("the VNPay hash secret is not configured")
    return hash_secret.encode("utf-8")


def hash_data(params: Mapping[str, object]) -> str:
    """The string VNPay signs: sorted ``key=quote_plus(value)`` pairs, empty values dropped."""
    pairs = sorted(
        (key, str(value))
        for key, value in params.items()
        if key not in HASH_FIELDS and value is not None and str(value) != ""
    )
    return "&".join(f"{key}={quote_plus(value)}" for key, value in pairs)


def sign(params: Mapping[str, object], hash_secret: str) -> str:
    """``vnp_SecureHash`` for ``params`` (lower-case hex HMAC-SHA512).

    vnp_SecureHash and vnp_SecureHashType are left out, as VNPay does, so a dict that already
    carries a signature can be re-signed or checked.
    """
    digest = hmac.new(_secret_bytes(hash_secret), hash_data(params).encode("utf-8"), "sha512")
    return digest.hexdigest()


def verify(params: Mapping[str, str], hash_secret: str) -> bool:
    """Whether the ``vnp_*`` parameters carry VNPay's signature (IPN or Return URL).

    Only ``vnp_`` parameters count (a Return URL may carry the merchant's own query string);
    a parameter sent twice, a key outside ``vnp_[A-Za-z0-9_]``, a non-string value or a missing
    or malformed hash all fail. The comparison is constant-time and ignores hex case.
    """
    secret = _secret_bytes(hash_secret)
    try:
        given = params.get("vnp_SecureHash")
        if not isinstance(given, str) or not _HASH.fullmatch(given):
            return False
        getlist = getattr(params, "getlist", None)
        fields: dict[str, str] = {}
        for key, value in params.items():
            if not isinstance(key, str) or not key.startswith("vnp_") or key in HASH_FIELDS:
                continue
            if not _KEY.fullmatch(key) or not isinstance(value, str):
                return False
            if callable(getlist) and len(getlist(key)) != 1:
                return False
            fields[key] = value
        data = hash_data(fields).encode("utf-8")
    except (AttributeError, TypeError, ValueError):  # UnicodeError is a ValueError
        return False
    expected = hmac.new(secret, data, "sha512").hexdigest()
    return hmac.compare_digest(expected, given.lower())


# --- the payment redirect ----------------------------------------------------------------------


def payment_params(
    *,
    tmn_code: str,
    hash_secret: str,
    txn_ref: str,
    amount: int,
    order_info: str,
    return_url: str,
    ip: str,
    created_at: datetime,
    expire_minutes: int = 15,
    locale: str = "vn",
    bank_code: str = "",
    order_type: str = "other",
) -> dict[str, str]:
    """The signed ``vnp_*`` parameters of a payment request (``amount`` in whole đồng)."""
    if not isinstance(tmn_code, str) or not _TMN_CODE.fullmatch(tmn_code):
        raise ValueError("tmn_code must be the VNPay terminal code (letters and digits)")
    if not isinstance(txn_ref, str) or not _TXN_REF.fullmatch(txn_ref):
        raise ValueError("txn_ref must be 1-100 characters of letters, digits, '_', '.', '-'")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValueError("amount must be a positive whole number of đồng")
    if not isinstance(return_url, str) or not return_url.startswith(("https://", "http://")):
        raise ValueError("return_url must be an absolute http(s) URL")
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise ValueError("ip must be the citizen's IPv4 or IPv6 address") from None
    if isinstance(expire_minutes, bool) or not isinstance(expire_minutes, int):
        raise ValueError("expire_minutes must be a whole number of minutes")
    if expire_minutes < 1:
        raise ValueError("expire_minutes must be at least 1")
    if locale not in ("vn", "en"):
        raise ValueError("locale must be 'vn' or 'en'")
    if not isinstance(bank_code, str) or not _BANK_CODE.fullmatch(bank_code):
        raise ValueError("bank_code must be empty or a VNPay bank code such as 'NCB'")
    info = order_text(order_info) if isinstance(order_info, str) else ""
    if not info:
        raise ValueError("order_info must say what is paid for")
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": tmn_code,
        "vnp_Amount": str(amount * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": info,
        "vnp_OrderType": order_type,
        "vnp_Locale": locale,
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip,
        "vnp_CreateDate": format_date(created_at),
        "vnp_ExpireDate": format_date(created_at + timedelta(minutes=expire_minutes)),
        "vnp_BankCode": bank_code,
    }
    params = {key: value for key, value in params.items() if value}
    params["vnp_SecureHash"] = sign(params, hash_secret)
    return params


def payment_url(
    *,
    base_url: str,
    tmn_code: str,
    hash_secret: str,
    txn_ref: str,
    amount: int,
    order_info: str,
    return_url: str,
    ip: str,
    created_at: datetime,
    expire_minutes: int = 15,
    locale: str = "vn",
    bank_code: str = "",
) -> str:
    """Where to send the citizen's browser to pay ``amount`` đồng (see :func:`payment_params`)."""
    params = payment_params(
        tmn_code=tmn_code,
        hash_secret=hash_secret,
        txn_ref=txn_ref,
        amount=amount,
        order_info=order_info,
        return_url=return_url,
        ip=ip,
        created_at=created_at,
        expire_minutes=expire_minutes,
        locale=locale,
        bank_code=bank_code,
    )
    signature = params.pop("vnp_SecureHash")
    return f"{base_url}?{hash_data(params)}&vnp_SecureHash={signature}"


def amount_in_dong(params: Mapping[str, str]) -> int | None:
    """``vnp_Amount`` (×100) back in đồng; None unless it is digits and a whole đồng."""
    raw = params.get("vnp_Amount")
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    value = int(raw)
    return value // 100 if value % 100 == 0 else None


# --- IPN ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IpnResult:
    """The JSON the IPN endpoint must answer; VNPay retries until it gets 00 or 02."""

    rsp_code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"RspCode": self.rsp_code, "Message": self.message}


IPN_CONFIRM_SUCCESS = IpnResult("00", "Confirm Success")
IPN_ORDER_NOT_FOUND = IpnResult("01", "Order not found")
IPN_ORDER_ALREADY_CONFIRMED = IpnResult("02", "Order already confirmed")
IPN_INVALID_AMOUNT = IpnResult("04", "Invalid amount")
IPN_INVALID_CHECKSUM = IpnResult("97", "Invalid Checksum")
IPN_UNKNOWN_ERROR = IpnResult("99", "Unknown error")


def is_success(params: Mapping[str, str]) -> bool:
    """Whether VNPay reports the money as taken. Call only after :func:`verify` said yes."""
    return params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"


# What the citizen reads on the Return page, by vnp_ResponseCode.
RESPONSE_MESSAGES: dict[str, Promise] = {
    "00": _("Giao dịch thành công."),
    "07": _(
        "Tiền đã bị trừ nhưng giao dịch đang được ngân hàng kiểm tra thêm. "
        "Cơ quan sẽ báo cho bạn khi có kết quả."
    ),
    "09": _("Thẻ hoặc tài khoản của bạn chưa đăng ký dịch vụ Internet Banking tại ngân hàng."),
    "10": _("Bạn đã xác thực thông tin thẻ hoặc tài khoản không đúng quá 3 lần."),
    "11": _("Đã hết thời gian chờ thanh toán. Vui lòng thực hiện lại giao dịch."),
    "12": _("Thẻ hoặc tài khoản của bạn đang bị khóa."),
    "13": _("Bạn đã nhập sai mật khẩu xác thực giao dịch (OTP). Vui lòng thực hiện lại."),
    "24": _("Bạn đã hủy giao dịch."),
    "51": _("Tài khoản của bạn không đủ số dư để thực hiện giao dịch."),
    "65": _("Tài khoản của bạn đã vượt quá hạn mức giao dịch trong ngày."),
    "75": _("Ngân hàng thanh toán đang bảo trì. Vui lòng thử lại sau."),
    "79": _("Bạn đã nhập sai mật khẩu thanh toán quá số lần quy định. Vui lòng thực hiện lại."),
    "99": _("Giao dịch không thành công. Vui lòng thử lại sau."),
}
DEFAULT_RESPONSE_MESSAGE: Promise = _("Giao dịch không thành công.")


def response_message(code: object) -> Promise:
    """The citizen's explanation for a ``vnp_ResponseCode``, a generic one if unknown."""
    if isinstance(code, str) and code in RESPONSE_MESSAGES:
        return RESPONSE_MESSAGES[code]
    return DEFAULT_RESPONSE_MESSAGE


# --- QueryDR -----------------------------------------------------------------------------------

QUERYDR_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)


def _pipe_hash(values: list[str], hash_secret: str) -> str:
    data = "|".join(values).encode("utf-8")
    return hmac.new(_secret_bytes(hash_secret), data, hashlib.sha512).hexdigest()


def querydr_request(
    *,
    tmn_code: str,
    hash_secret: str,
    txn_ref: str,
    transaction_date: datetime | str,
    order_info: str,
    ip: str,
    created_at: datetime,
    request_id: str = "",
    transaction_no: str = "",
) -> dict[str, str]:
    """JSON body asking VNPay for the outcome of ``txn_ref`` (POST it to the API URL).

    ``transaction_date`` is the vnp_CreateDate of the original payment; ``request_id`` must be
    unique within the day (a random one is made if empty). The hash covers the fields in
    VNPay's documented order, joined with "|".
    """
    if not isinstance(tmn_code, str) or not _TMN_CODE.fullmatch(tmn_code):
        raise ValueError("tmn_code must be the VNPay terminal code (letters and digits)")
    if not isinstance(txn_ref, str) or not _TXN_REF.fullmatch(txn_ref):
        raise ValueError("txn_ref must be 1-100 characters of letters, digits, '_', '.', '-'")
    if isinstance(transaction_date, str):
        parse_date(transaction_date)
        original = transaction_date
    else:
        original = format_date(transaction_date)
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise ValueError("ip must be the server's IPv4 or IPv6 address") from None
    request_id = request_id or secrets.token_hex(16)
    if not re.fullmatch(r"[A-Za-z0-9]{1,32}", request_id):
        raise ValueError("request_id must be 1-32 letters or digits")
    if transaction_no and not re.fullmatch(r"[0-9]{1,20}", transaction_no):
        raise ValueError("transaction_no must be VNPay's numeric transaction number")
    info = order_text(order_info) if isinstance(order_info, str) else ""
    if not info:
        raise ValueError("order_info must not be empty")
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": txn_ref,
        "vnp_TransactionDate": original,
        "vnp_CreateDate": format_date(created_at),
        "vnp_IpAddr": ip,
        "vnp_OrderInfo": info,
    }
    if transaction_no:
        body["vnp_TransactionNo"] = transaction_no
    body["vnp_SecureHash"] = _pipe_hash(
        [body[name] for name in QUERYDR_REQUEST_FIELDS], hash_secret
    )
    return body


def verify_querydr_request(body: object, hash_secret: str) -> bool:
    """Whether a QueryDR request carries the merchant's signature (the sandbox checks it as
    VNPay does); False for anything odd."""
    if not isinstance(body, Mapping):
        return False
    given = body.get("vnp_SecureHash")
    values = [body.get(name) for name in QUERYDR_REQUEST_FIELDS]
    if not isinstance(given, str) or not all(isinstance(v, str) for v in values):
        return False
    expected = _pipe_hash([str(v) for v in values], hash_secret)
    return hmac.compare_digest(expected, given.lower())


def _wire_text(value: Any) -> str | None:
    """A JSON value as VNPay hashed it: strings as is, integers in decimal, absent as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return str(value)
    return None


def querydr_response_hash(body: Mapping[str, Any], hash_secret: str) -> str:
    """The vnp_SecureHash VNPay puts on a QueryDR response (used by the sandbox and tests)."""
    values = [_wire_text(body.get(name)) for name in QUERYDR_RESPONSE_FIELDS]
    if any(value is None for value in values):
        raise ValueError("QueryDR response fields must be strings or integers")
    return _pipe_hash([value or "" for value in values], hash_secret)


def verify_querydr_response(body: object, hash_secret: str) -> bool:
    """Whether a QueryDR JSON response carries VNPay's signature; False for anything odd."""
    _secret_bytes(hash_secret)
    if not isinstance(body, Mapping):
        return False
    given = body.get("vnp_SecureHash")
    if not isinstance(given, str) or not _HASH.fullmatch(given):
        return False
    try:
        expected = querydr_response_hash(body, hash_secret)
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(expected, given.lower())
