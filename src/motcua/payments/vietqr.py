"""VietQR (NAPAS 247 IBFT "qr_format_v1.5.2"): the text a banking app scans to pre-fill a transfer.

A VietQR is an EMVCo merchant-presented payload: two-digit ID, two-digit length, value, nested
for templates, closed by a CRC-16/CCITT-FALSE. Banking apps refuse a payload whose lengths or
CRC are off by one, so the builder validates everything up front and the parser refuses
anything it cannot read exactly. Pure functions: no Django, no database (docs/DOMAIN-VN §6).

Text fields (bill number, purpose) are folded to ASCII: banks print them on statements, many
apps mangle UTF-8, and EMVCo lengths count characters, which only equal bytes in ASCII.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import TypedDict

import segno

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
SERVICE_TO_CARD = "QRIBFTTC"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
STATIC = "11"
DYNAMIC = "12"
MAX_AMOUNT = 9_999_999_999_999  # field 54 holds at most 13 characters
MAX_TEXT = 25  # bill number and purpose, as NAPAS-compliant generators cut them
MAX_PAYLOAD = 512  # far above any VietQR; refuses huge input before parsing it

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_CARD = re.compile(r"[0-9]{1,19}")
_DIGITS = re.compile(r"[0-9]{1,13}")
_CRC_TAIL = re.compile(r"6304[0-9A-Fa-f]{4}")


class VietQRFields(TypedDict):
    """What :func:`parse_payload` reads out of a VietQR payload."""

    payload_format: str
    initiation: str  # "11" static, "12" dynamic
    guid: str
    bin: str
    account: str
    service: str  # QRIBFTTA (to account) or QRIBFTTC (to card)
    currency: str
    amount: int | None
    country: str
    bill_number: str
    purpose: str
    crc: str


def ascii_text(text: str) -> str:
    """Vietnamese text without diacritics, case kept: "Lệ phí Đăng ký" -> "Le phi Dang ky".

    Unlike ``core.text.fold`` this keeps upper case, because a dossier code such as
    "000.00.01.H26-260930-0012" must reach the bank statement unchanged for reconciliation.
    Anything that is not printable ASCII after removing the marks is dropped.
    """
    mapped = text.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d")
    kept = []
    for ch in unicodedata.normalize("NFKD", mapped):
        if ch.isspace():
            kept.append(" ")
        elif " " <= ch <= "~":
            kept.append(ch)
    return " ".join("".join(kept).split())


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("crc16_ccitt_false() takes bytes")
    crc = 0xFFFF
    for byte in bytes(data):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if not 1 <= len(value) <= 99:
        raise ValueError(f"field {tag} must hold 1 to 99 characters, got {len(value)}")
    return f"{tag}{len(value):02d}{value}"


def _short_text(value: str, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    return ascii_text(value)[:MAX_TEXT].rstrip()


def build_payload(
    *,
    bin: str,
    account: str,
    amount: int | None,
    bill_number: str = "",
    purpose: str = "",
    to_card: bool = False,
) -> str:
    """The VietQR text for a transfer to ``account`` at the bank with NAPAS ``bin``.

    ``amount`` in whole đồng makes the QR dynamic (the app pre-fills and locks the amount);
    None makes it static. ``bill_number`` (put the dossier code here) goes to 62/01 and
    ``purpose`` to 62/08, both folded to ASCII and cut to 25 characters.
    """
    if not isinstance(bin, str) or not _BIN.fullmatch(bin):
        raise ValueError("bin must be the bank's 6-digit NAPAS BIN, e.g. '970403'")
    pattern = _CARD if to_card else _ACCOUNT
    if not isinstance(account, str) or not pattern.fullmatch(account):
        kind = "card number (digits)" if to_card else "account number (letters and digits)"
        raise ValueError(f"account must be a {kind} of at most 19 characters")
    if amount is not None and (
        isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT
    ):
        raise ValueError(f"amount must be None or a whole number of đồng from 1 to {MAX_AMOUNT}")
    bill = _short_text(bill_number, "bill_number")
    note = _short_text(purpose, "purpose")

    beneficiary = _tlv("00", bin) + _tlv("01", account)
    service = SERVICE_TO_CARD if to_card else SERVICE_TO_ACCOUNT
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", service)
    parts = [
        _tlv("00", "01"),
        _tlv("01", STATIC if amount is None else DYNAMIC),
        _tlv("38", merchant),
        _tlv("53", CURRENCY_VND),
    ]
    if amount is not None:
        parts.append(_tlv("54", str(amount)))
    parts.append(_tlv("58", COUNTRY_VN))
    additional = (_tlv("01", bill) if bill else "") + (_tlv("08", note) if note else "")
    if additional:
        parts.append(_tlv("62", additional))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def verify_crc(text: object) -> bool:
    """Whether ``text`` ends with a field 63 whose CRC matches everything before it."""
    if not isinstance(text, str) or not 8 <= len(text) <= MAX_PAYLOAD or not text.isascii():
        return False
    if not _CRC_TAIL.fullmatch(text[-8:]):
        return False
    return crc16_ccitt_false(text[:-4].encode("ascii")) == int(text[-4:], 16)


def parse_tlv(text: str) -> dict[str, str]:
    """One level of EMVCo ID-length-value fields; ValueError unless the text is exactly that."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("TLV data must be an ASCII string")
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        head = text[position : position + 4]
        if len(head) < 4 or not head.isdigit():
            raise ValueError(f"malformed field header at position {position}")
        tag, length = head[:2], int(head[2:])
        value = text[position + 4 : position + 4 + length]
        if length == 0 or len(value) != length:
            raise ValueError(f"field {tag} at position {position} has a wrong length")
        if tag in fields:
            raise ValueError(f"field {tag} appears twice")
        fields[tag] = value
        position += 4 + length
    return fields


def parse_payload(text: object, *, check_crc: bool = True) -> VietQRFields:
    """Read a VietQR payload back; ValueError for anything that is not a well-formed one.

    Used to check what a QR really says before showing it, and by tests; it refuses a wrong
    CRC unless ``check_crc`` is False (to inspect a damaged payload).
    """
    if not isinstance(text, str) or not text or len(text) > MAX_PAYLOAD:
        raise ValueError("a VietQR payload is a non-empty string of at most 512 characters")
    top = parse_tlv(text)
    if top.get("00") != "01":
        raise ValueError("field 00 (payload format indicator) must be '01'")
    if "63" not in top or not _CRC_TAIL.fullmatch(text[-8:]):
        raise ValueError("field 63 (CRC) must be the last field, 4 hex digits")
    if check_crc and not verify_crc(text):
        raise ValueError("the CRC does not match the payload")
    if top.get("01", STATIC) not in (STATIC, DYNAMIC):
        raise ValueError("field 01 (point of initiation) must be '11' or '12'")
    if "38" not in top:
        raise ValueError("no field 38: not a NAPAS VietQR payload")
    merchant = parse_tlv(top["38"])
    if merchant.get("00") != NAPAS_GUID:
        raise ValueError(f"field 38/00 must be the NAPAS GUID {NAPAS_GUID}")
    beneficiary = parse_tlv(merchant.get("01", ""))
    if not _BIN.fullmatch(beneficiary.get("00", "")):
        raise ValueError("field 38/01/00 must be a 6-digit bank BIN")
    if not _ACCOUNT.fullmatch(beneficiary.get("01", "")):
        raise ValueError("field 38/01/01 must be an account or card number")
    raw_amount = top.get("54")
    if raw_amount is not None and not _DIGITS.fullmatch(raw_amount):
        raise ValueError("field 54 (amount) must be whole đồng, digits only")
    extra = parse_tlv(top["62"]) if "62" in top else {}
    return VietQRFields(
        payload_format=top["00"],
        initiation=top.get("01", STATIC),
        guid=merchant["00"],
        bin=beneficiary["00"],
        account=beneficiary["01"],
        service=merchant.get("02", ""),
        currency=top.get("53", ""),
        amount=int(raw_amount) if raw_amount is not None else None,
        country=top.get("58", ""),
        bill_number=extra.get("01", ""),
        purpose=extra.get("08", ""),
        crc=top["63"].upper(),
    )


def _qr(payload: str) -> segno.QRCode:
    # A QR of a payload with a wrong CRC is refused by every banking app: fail here instead.
    if not verify_crc(payload):
        raise ValueError("payload is not a VietQR payload with a valid CRC")
    return segno.make(payload, error="m", micro=False)


def qr_svg(payload: str, *, scale: int = 4, title: str = "") -> str:
    """Inline SVG of the QR; black on white with a quiet zone so phones read it on dark themes.
    Sized by its viewBox (CSS sets the size: larger on the desk's screen), an image named by
    its title for screen readers."""
    svg = _qr(payload).svg_inline(
        scale=scale, border=4, dark="#000", light="#fff", title=title or None, omitsize=True
    )
    return str(svg).replace("<svg ", '<svg role="img" ', 1)


def qr_png(payload: str, *, scale: int = 8) -> bytes:
    """PNG of the QR, for printing on the fee notice or downloading."""
    buffer = io.BytesIO()
    _qr(payload).save(buffer, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return buffer.getvalue()
