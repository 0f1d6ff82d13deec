"""VietQR payloads: the DOMAIN-VN reference vectors, and a second, independent implementation.

``vietnam-qr-pay`` (PyPI, a port of the "vietnam-qr-pay" JS library, with its own table-driven
CRC) decodes what we build and builds what we build: if both agree on every field and on the
CRC, a banking app reading the EMVCo layout will too.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vietnam_qr_pay import QRPay, VietQRService

from motcua.payments import vietqr

DYNAMIC_TO_ACCOUNT = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA5303704540618"
    "00005802VN62340107NPS68690819thanh toan don hang63042E2E"
)
STATIC_TO_CARD = (
    "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN"
    "63044F52"
)
STATIC_TO_ACCOUNT = (
    "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F"
)
DOSSIER_CODE = "000.00.01.H26-260930-0012"  # 25 characters, the longest 62/01 holds


# --- the reference vectors (docs/DOMAIN-VN §6) -------------------------------------------------


def test_dynamic_qr_to_an_account_reproduces_the_reference_vector():
    payload = vietqr.build_payload(
        bin="970403",
        account="0011012345678",
        amount=180_000,
        bill_number="NPS6869",
        purpose="thanh toan don hang",
    )
    assert payload == DYNAMIC_TO_ACCOUNT


def test_static_qr_to_a_card_reproduces_the_reference_vector():
    payload = vietqr.build_payload(
        bin="970403", account="9704031101234567", amount=None, to_card=True
    )
    assert payload == STATIC_TO_CARD


def test_static_qr_to_an_account_reproduces_the_corrected_spec_example():
    assert vietqr.build_payload(bin="970403", account="0011012345678", amount=None) == (
        STATIC_TO_ACCOUNT
    )


def test_crc_is_ccitt_false_by_the_catalogue_check_value():
    # The CRC catalogue's check value for CRC-16/CCITT-FALSE over "123456789" is 0x29B1.
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1
    assert vietqr.crc16_ccitt_false(b"") == 0xFFFF


@pytest.mark.parametrize("payload", [DYNAMIC_TO_ACCOUNT, STATIC_TO_CARD, STATIC_TO_ACCOUNT])
def test_reference_vectors_pass_the_crc_check(payload):
    assert vietqr.verify_crc(payload)


# --- an independent implementation decodes and encodes the same -------------------------------


def _ours(**overrides):
    fields = {
        "bin": "970422",
        "account": "0123456789",
        "amount": 150_000,
        "bill_number": DOSSIER_CODE,
        "purpose": "Lệ phí đăng ký khai sinh",
    }
    fields.update(overrides)
    return vietqr.build_payload(**fields)


def test_independent_parser_reads_bank_account_amount_and_dossier_code():
    decoded = QRPay(_ours())
    assert decoded.is_valid  # it recomputed our CRC and accepted it
    assert decoded.provider.guid == "A000000727"
    assert decoded.provider.service == "QRIBFTTA"
    assert decoded.consumer.bank_bin == "970422"
    assert decoded.consumer.bank_number == "0123456789"
    assert decoded.init_method == "12"
    assert decoded.amount == "150000"
    assert decoded.currency == "704"
    assert decoded.nation == "VN"
    assert decoded.additional_data.bill_number == DOSSIER_CODE
    assert decoded.additional_data.purpose == "Le phi dang ky khai sinh"


def test_independent_encoder_builds_the_very_same_payload():
    theirs = QRPay.init_viet_qr(
        bank_bin="970422",
        bank_number="0123456789",
        amount="150000",
        purpose="Le phi dang ky khai sinh",
        service=VietQRService.BY_ACCOUNT_NUMBER,
    )
    theirs.additional_data.bill_number = DOSSIER_CODE
    assert theirs.build() == _ours()


def test_independent_parser_refuses_a_tampered_amount():
    tampered = _ours().replace("5406150000", "5406950000")
    assert not QRPay(tampered).is_valid
    assert not vietqr.verify_crc(tampered)


_account = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=1, max_size=19)
_vietnamese = st.text(
    alphabet="abcdeghiklmnopqrstuvxyđĐăâêôơưáàảãạấầẩẫậếềểễệốồổỗộớờởỡợ 0123456789.-"
)


@given(
    bin=st.from_regex(r"97[0-9]{4}", fullmatch=True),
    account=_account,
    amount=st.none() | st.integers(min_value=1, max_value=vietqr.MAX_AMOUNT),
    bill=_vietnamese,
    purpose=_vietnamese,
)
def test_independent_parser_agrees_on_any_valid_input(bin, account, amount, bill, purpose):
    payload = vietqr.build_payload(
        bin=bin, account=account, amount=amount, bill_number=bill, purpose=purpose
    )
    decoded = QRPay(payload)
    ours = vietqr.parse_payload(payload)
    assert decoded.is_valid
    assert decoded.consumer.bank_bin == ours["bin"] == bin
    assert decoded.consumer.bank_number == ours["account"] == account
    assert decoded.amount == (None if amount is None else str(amount))
    assert ours["amount"] == amount
    assert decoded.init_method == ours["initiation"] == ("11" if amount is None else "12")
    assert (decoded.additional_data.bill_number or "") == ours["bill_number"]
    assert (decoded.additional_data.purpose or "") == ours["purpose"]
    assert len(ours["bill_number"]) <= 25 and len(ours["purpose"]) <= 25
    assert ours["bill_number"].isascii() and ours["purpose"].isascii()


# --- our parser --------------------------------------------------------------------------------


def test_parse_payload_reads_the_reference_vector():
    fields = vietqr.parse_payload(DYNAMIC_TO_ACCOUNT)
    assert fields == {
        "payload_format": "01",
        "initiation": "12",
        "guid": "A000000727",
        "bin": "970403",
        "account": "0011012345678",
        "service": "QRIBFTTA",
        "currency": "704",
        "amount": 180_000,
        "country": "VN",
        "bill_number": "NPS6869",
        "purpose": "thanh toan don hang",
        "crc": "2E2E",
    }


def test_parse_tlv_reads_one_level():
    assert vietqr.parse_tlv("0002010102115802VN") == {"00": "01", "01": "11", "58": "VN"}


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "0",
        "000201",  # no CRC
        DYNAMIC_TO_ACCOUNT[:-1],  # truncated
        DYNAMIC_TO_ACCOUNT[:-4] + "2E2F",  # wrong CRC
        DYNAMIC_TO_ACCOUNT[:-4] + "ZZZZ",
        DYNAMIC_TO_ACCOUNT.replace("0208QRIBFTTA", "0209QRIBFTTA"),  # inner length off by one
        "0002010102116304" + "0000",
        "ab" * 300,
        "０００２０１",  # full-width digits are not digits here
        "0002€1",
        "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA5303704"
        "5406-180005802VN6304",
    ],
)
def test_parse_payload_refuses_garbage_with_value_error(garbage):
    with pytest.raises(ValueError):
        vietqr.parse_payload(garbage)


@pytest.mark.parametrize("garbage", [None, 42, b"0002", ["00"], {"00": "01"}])
def test_parse_functions_refuse_other_types(garbage):
    with pytest.raises(ValueError):
        vietqr.parse_payload(garbage)
    assert vietqr.verify_crc(garbage) is False


def test_a_payload_without_napas_guid_is_not_a_vietqr():
    other = "0002010102115303704" + "5802VN" + "6304"
    other += f"{vietqr.crc16_ccitt_false(other.encode()):04X}"
    assert vietqr.verify_crc(other)
    with pytest.raises(ValueError, match="field 38"):
        vietqr.parse_payload(other)


@given(st.text(max_size=200))
def test_parse_payload_raises_only_value_error_on_any_text(text):
    with contextlib.suppress(ValueError):
        vietqr.parse_payload(text)
    assert vietqr.verify_crc(text) in (True, False)


# --- input validation and text folding ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"bin": "97040"}, "bin"),
        ({"bin": "97040a"}, "bin"),
        ({"bin": "９７０４０３"}, "bin"),
        ({"account": ""}, "account"),
        ({"account": "0" * 20}, "account"),
        ({"account": "0123-456"}, "account"),
        ({"account": "ABC123", "to_card": True}, "account"),
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": vietqr.MAX_AMOUNT + 1}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": "150000"}, "amount"),
        ({"purpose": None}, "purpose"),
    ],
)
def test_build_payload_refuses_bad_input(overrides, message):
    with pytest.raises(ValueError, match=message):
        _ours(**overrides)


def test_text_is_folded_to_ascii_and_cut_to_25_characters():
    fields = vietqr.parse_payload(
        _ours(bill_number="Hồ sơ\t" + DOSSIER_CODE, purpose="Nộp lệ phí cấp Giấy phép xây dựng")
    )
    assert fields["bill_number"] == "Ho so 000.00.01.H26-26093"
    assert fields["purpose"] == "Nop le phi cap Giay phep"  # cut at 25, trailing space dropped


def test_empty_text_fields_leave_out_field_62():
    payload = _ours(bill_number="", purpose="  ")
    assert "62" not in vietqr.parse_tlv(payload[:-8])


def test_ascii_text_keeps_case_and_maps_d_with_stroke():
    assert vietqr.ascii_text("Đăng ký Khai sinh — H26") == "Dang ky Khai sinh H26"


# --- images ------------------------------------------------------------------------------------


def test_qr_svg_and_png_render_a_valid_payload():
    svg = vietqr.qr_svg(DYNAMIC_TO_ACCOUNT, title="Mã VietQR")
    assert svg.startswith("<svg") and "<title>Mã VietQR</title>" in svg
    png = vietqr.qr_png(DYNAMIC_TO_ACCOUNT, scale=2)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_qr_images_refuse_a_payload_with_a_wrong_crc():
    with pytest.raises(ValueError):
        vietqr.qr_svg(DYNAMIC_TO_ACCOUNT[:-4] + "0000")
    with pytest.raises(ValueError):
        vietqr.qr_png("not a payload")
