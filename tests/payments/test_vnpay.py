"""VNPay 2.1.0: the signed redirect, IPN verification and QueryDR.

Independent checks: ``django-vnpay`` (PyPI) signs and verifies with its own code
(``vnpay.utils.VnPay``), and the QueryDR hashes are recomputed here by hand with ``hmac``.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st
from vnpay.utils import VnPay  # django-vnpay, an independent implementation

from motcua.payments import vnpay

SECRET = "SANDBOXSECRETFORTESTS0123456789AB"
BASE = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
# 03:04:05 UTC is 10:04:05 in Hanoi (GMT+7).
CREATED = datetime(2026, 9, 30, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def theirs(settings) -> VnPay:
    settings.VNPAY_HASH_SECRET_KEY = SECRET
    settings.VNPAY_PAYMENT_URL = BASE
    return VnPay()


def _their_verify(theirs: VnPay, params: dict[str, str]) -> bool:
    try:
        return bool(theirs.validate_hash(dict(params)))
    except KeyError:  # no vnp_SecureHash at all
        return False


def _url(**overrides):
    fields = {
        "base_url": BASE,
        "tmn_code": "MOTCUA01",
        "hash_secret": SECRET,
        "txn_ref": "K7QM2XH9",
        "amount": 150_000,
        "order_info": "Lệ phí hồ sơ 000.00.01.H26-260930-0012",
        "return_url": "http://127.0.0.1:8000/thanh-toan/vnpay/ket-qua/",
        "ip": "203.0.113.7",
        "created_at": CREATED,
    }
    fields.update(overrides)
    return vnpay.payment_url(**fields)


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _ipn(**overrides) -> dict[str, str]:
    params = {
        "vnp_Amount": "15000000",
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14422574",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Le phi ho so 000.00.01.H26-260930-0012",
        "vnp_PayDate": "20260930101500",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": "MOTCUA01",
        "vnp_TransactionNo": "14422574",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": "K7QM2XH9",
    }
    params.update(overrides)
    return params


# --- the payment URL ---------------------------------------------------------------------------


def test_payment_url_carries_the_documented_parameters():
    params = _query(_url())
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_Command"] == "pay"
    assert params["vnp_Amount"] == "15000000"  # amount x 100
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_OrderInfo"] == "Le phi ho so 000.00.01.H26-260930-0012"
    assert params["vnp_OrderType"] == "other"
    assert params["vnp_Locale"] == "vn"
    assert params["vnp_CreateDate"] == "20260930100405"  # GMT+7
    assert params["vnp_ExpireDate"] == "20260930101905"  # +15 minutes
    assert "vnp_BankCode" not in params  # empty parameters are dropped
    assert len(params["vnp_SecureHash"]) == 128


def test_independent_library_builds_the_same_url_and_accepts_its_signature(theirs):
    url = _url(bank_code="NCB", locale="en")
    params = _query(url)
    assert _their_verify(theirs, params)
    unsigned = {key: value for key, value in params.items() if key != "vnp_SecureHash"}
    assert theirs.get_payment_url(unsigned) == url
    assert vnpay.verify(params, SECRET)


def test_signature_matches_a_vector_computed_by_hand():
    params = {"vnp_TxnRef": "A1", "vnp_Amount": "500000", "vnp_OrderInfo": "Le phi: ho so/1"}
    by_hand = hmac.new(
        SECRET.encode(),
        b"vnp_Amount=500000&vnp_OrderInfo=Le+phi%3A+ho+so%2F1&vnp_TxnRef=A1",
        hashlib.sha512,
    ).hexdigest()
    assert vnpay.sign(params, SECRET) == by_hand


# --- verify agrees with the independent library ------------------------------------------------


def _signed_by_them(theirs: VnPay, params: dict[str, str]) -> dict[str, str]:
    _, signature = theirs.get_query_string_and_hash(params)
    return {**params, "vnp_SecureHash": signature}


def test_both_accept_a_genuine_ipn(theirs):
    params = _signed_by_them(theirs, _ipn())
    assert _their_verify(theirs, params)
    assert vnpay.verify(params, SECRET)
    assert vnpay.verify({**params, "vnp_SecureHashType": "HmacSHA512"}, SECRET)
    assert _their_verify(theirs, {**params, "vnp_SecureHashType": "HmacSHA512"})


def test_both_accept_what_we_sign(theirs):
    params = _ipn()
    params["vnp_SecureHash"] = vnpay.sign(params, SECRET)
    assert _their_verify(theirs, params)
    assert vnpay.verify(params, SECRET)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: {**p, "vnp_Amount": "1500000"},  # a changed amount
        lambda p: {**p, "vnp_ResponseCode": "24"},
        lambda p: {**p, "vnp_TxnRef": "K7QM2XH8"},
        lambda p: {**p, "vnp_SecureHash": "0" * 128},  # a changed signature
        lambda p: {**p, "vnp_SecureHash": p["vnp_SecureHash"][:-1] + "0"},
        lambda p: {k: v for k, v in p.items() if k != "vnp_SecureHash"},  # a missing hash
        lambda p: {k: v for k, v in p.items() if k != "vnp_BankTranNo"},  # a dropped field
        lambda p: {**p, "vnp_Extra": "1"},  # an added field
    ],
)
def test_both_reject_tampering(theirs, tamper):
    params = tamper(_signed_by_them(theirs, _ipn()))
    assert not _their_verify(theirs, params)
    assert not vnpay.verify(params, SECRET)


def test_a_different_secret_is_rejected(theirs):
    params = _signed_by_them(theirs, _ipn())
    assert not vnpay.verify(params, SECRET + "x")


def test_upper_case_hex_is_accepted_unlike_the_library(theirs):
    # The one deliberate difference: some VNPay examples send upper-case hex.
    params = _signed_by_them(theirs, _ipn())
    params["vnp_SecureHash"] = params["vnp_SecureHash"].upper()
    assert vnpay.verify(params, SECRET)


def test_verify_ignores_the_merchants_own_query_parameters():
    params = _ipn()
    params["vnp_SecureHash"] = vnpay.sign(params, SECRET)
    assert vnpay.verify({**params, "lang": "en"}, SECRET)


def test_verify_reads_a_query_dict_and_refuses_a_repeated_parameter():
    params = _ipn()
    params["vnp_SecureHash"] = vnpay.sign(params, SECRET)
    query = QueryDict(mutable=True)
    query.update(params)
    assert vnpay.verify(query, SECRET)
    query.appendlist("vnp_Amount", "15000000")
    assert not vnpay.verify(query, SECRET)


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        [],
        "vnp_Amount=1",
        {},
        {"vnp_SecureHash": None},
        {"vnp_SecureHash": "xyz"},
        {"vnp_SecureHash": "é" * 128},
        {"vnp_SecureHash": "0" * 128, "vnp_Amount": 15000000},
        {"vnp_SecureHash": "0" * 128, "vnp_A=1&vnp_B": "2"},
        {"vnp_SecureHash": "0" * 128, "vnp_Amount": "\ud800"},
        {"vnp_SecureHash": "0" * 128, 5: "x"},
    ],
)
def test_verify_returns_false_on_garbage(garbage):
    assert vnpay.verify(garbage, SECRET) is False


@given(st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=6))
def test_verify_never_raises(params):
    assert vnpay.verify(params, SECRET) in (True, False)
    assert vnpay.verify({**params, "vnp_SecureHash": "a" * 128}, SECRET) is False


def test_an_unconfigured_secret_is_a_developer_error():
    with pytest.raises(ValueError):
        vnpay.verify(_ipn(), "")
    with pytest.raises(ValueError):
        vnpay.sign(_ipn(), "")


# --- payment request validation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": 1500.5}, "amount"),
        ({"amount": True}, "amount"),
        ({"txn_ref": ""}, "txn_ref"),
        ({"txn_ref": "a b"}, "txn_ref"),
        ({"tmn_code": "MOTCUA 01"}, "tmn_code"),
        ({"return_url": "javascript:alert(1)"}, "return_url"),
        ({"ip": "not-an-ip"}, "ip"),
        ({"created_at": datetime(2026, 9, 30, 10, 4, 5)}, "timezone"),
        ({"locale": "vi"}, "locale"),
        ({"order_info": "!!!"}, "order_info"),
        ({"bank_code": "N C B"}, "bank_code"),
        ({"expire_minutes": 0}, "expire_minutes"),
    ],
)
def test_payment_url_refuses_bad_input(overrides, message):
    with pytest.raises(ValueError, match=message):
        _url(**overrides)


def test_order_info_is_plain_ascii_without_special_characters():
    assert vnpay.order_text("Nộp phí #12 & lệ phí ~ “cấp phép”") == "Nop phi 12 le phi cap phep"
    assert vnpay.order_text("Đăng ký\nkhai sinh") == "Dang ky khai sinh"


def test_amount_in_dong():
    assert vnpay.amount_in_dong({"vnp_Amount": "15000000"}) == 150_000
    for raw in ("1500050", "", "-100", "１００", "1e5", None):
        assert vnpay.amount_in_dong({"vnp_Amount": raw}) is None


def test_dates_round_trip_in_gmt7():
    assert vnpay.format_date(CREATED) == "20260930100405"
    assert vnpay.parse_date("20260930100405") == CREATED
    for bad in ("2026093010040", "20261330100405", "２０２６０９３０１００４０５", None):
        with pytest.raises(ValueError):
            vnpay.parse_date(bad)


# --- IPN helpers -------------------------------------------------------------------------------


def test_success_needs_both_codes():
    assert vnpay.is_success(_ipn())
    assert not vnpay.is_success(_ipn(vnp_TransactionStatus="02"))
    assert not vnpay.is_success(_ipn(vnp_ResponseCode="24"))
    assert not vnpay.is_success({})


def test_ipn_replies_use_vnpays_codes_and_messages():
    assert vnpay.IPN_CONFIRM_SUCCESS.as_dict() == {"RspCode": "00", "Message": "Confirm Success"}
    assert vnpay.IPN_ORDER_NOT_FOUND.rsp_code == "01"
    assert vnpay.IPN_ORDER_ALREADY_CONFIRMED.rsp_code == "02"
    assert vnpay.IPN_INVALID_AMOUNT.rsp_code == "04"
    assert vnpay.IPN_INVALID_CHECKSUM.as_dict() == {"RspCode": "97", "Message": "Invalid Checksum"}
    assert vnpay.IPN_UNKNOWN_ERROR.rsp_code == "99"


def test_citizen_explanations_are_vietnamese():
    assert str(vnpay.response_message("24")) == "Bạn đã hủy giao dịch."
    assert str(vnpay.response_message("51")).startswith("Tài khoản của bạn không đủ số dư")
    assert str(vnpay.response_message("xx")) == "Giao dịch không thành công."
    assert str(vnpay.response_message(None)) == "Giao dịch không thành công."


# --- QueryDR -----------------------------------------------------------------------------------


def test_querydr_request_hash_is_the_documented_pipe_order():
    body = vnpay.querydr_request(
        tmn_code="MOTCUA01",
        hash_secret=SECRET,
        txn_ref="K7QM2XH9",
        transaction_date="20260930100405",
        order_info="Truy vấn giao dịch K7QM2XH9",
        ip="203.0.113.7",
        created_at=datetime(2026, 9, 30, 4, 0, 0, tzinfo=UTC),
        request_id="REQ0001",
    )
    by_hand = hmac.new(
        SECRET.encode(),
        b"REQ0001|2.1.0|querydr|MOTCUA01|K7QM2XH9|20260930100405|20260930110000|203.0.113.7|"
        b"Truy van giao dich K7QM2XH9",
        hashlib.sha512,
    ).hexdigest()
    assert body == {
        "vnp_RequestId": "REQ0001",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "MOTCUA01",
        "vnp_TxnRef": "K7QM2XH9",
        "vnp_TransactionDate": "20260930100405",
        "vnp_CreateDate": "20260930110000",
        "vnp_IpAddr": "203.0.113.7",
        "vnp_OrderInfo": "Truy van giao dich K7QM2XH9",
        "vnp_SecureHash": by_hand,
    }


def test_querydr_request_makes_a_fresh_request_id_and_takes_a_datetime():
    one = vnpay.querydr_request(
        tmn_code="MOTCUA01",
        hash_secret=SECRET,
        txn_ref="K7QM2XH9",
        transaction_date=CREATED,
        order_info="Truy van",
        ip="127.0.0.1",
        created_at=CREATED,
        transaction_no="14422574",
    )
    two = vnpay.querydr_request(
        tmn_code="MOTCUA01",
        hash_secret=SECRET,
        txn_ref="K7QM2XH9",
        transaction_date=CREATED,
        order_info="Truy van",
        ip="127.0.0.1",
        created_at=CREATED,
    )
    assert one["vnp_RequestId"] != two["vnp_RequestId"]
    assert one["vnp_TransactionDate"] == "20260930100405"
    assert one["vnp_TransactionNo"] == "14422574"


def _querydr_response() -> dict[str, object]:
    body: dict[str, object] = {
        "vnp_ResponseId": "4f6b1a2c",
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success",
        "vnp_TmnCode": "MOTCUA01",
        "vnp_TxnRef": "K7QM2XH9",
        "vnp_Amount": "15000000",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20260930101500",
        "vnp_TransactionNo": "14422574",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "00",
        "vnp_OrderInfo": "Le phi ho so",
    }
    # No promotion: the two promotion fields hash as empty strings.
    body["vnp_SecureHash"] = hmac.new(
        SECRET.encode(),
        b"4f6b1a2c|querydr|00|QueryDR Success|MOTCUA01|K7QM2XH9|15000000|NCB|20260930101500|"
        b"14422574|01|00|Le phi ho so||",
        hashlib.sha512,
    ).hexdigest()
    return body


def test_querydr_response_signed_by_hand_verifies():
    body = _querydr_response()
    assert vnpay.verify_querydr_response(body, SECRET)
    assert vnpay.verify_querydr_response({**body, "vnp_Amount": 15000000}, SECRET)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda b: {**b, "vnp_TransactionStatus": "02"},
        lambda b: {**b, "vnp_Amount": "1500000"},
        lambda b: {**b, "vnp_SecureHash": "f" * 128},
        lambda b: {k: v for k, v in b.items() if k != "vnp_SecureHash"},
        lambda b: {**b, "vnp_Amount": 15000000.0},
        lambda b: {**b, "vnp_Amount": True},
        lambda b: {**b, "vnp_OrderInfo": ["Le phi ho so"]},
        lambda b: [b],
        lambda b: None,
        lambda b: "{}",
    ],
)
def test_querydr_response_rejects_tampering_and_garbage(tamper):
    assert vnpay.verify_querydr_response(tamper(_querydr_response()), SECRET) is False
