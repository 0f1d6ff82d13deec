"""National payment platform messages; every MaXacThuc is recomputed here with hashlib."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.payments import national

SECRET = "platform-secret"
# 07:30:15 UTC is 14:30:15 in Hanoi: an afternoon time, where a 12-hour clock would say 02.
AT = datetime(2026, 9, 30, 7, 30, 15, tzinfo=UTC)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _init(**overrides):
    fields = {
        "partner_code": "HNI01",
        "reference": "dvc00000001H262609300012",
        "amount": 150_000,
        "description": "Thanh toán hồ sơ 000.00.01.H26-260930-0012",
        "created_at": AT,
        "ip": "203.0.113.7",
        "secret": SECRET,
    }
    fields.update(overrides)
    return national.init_message(**fields)


def test_init_message_fields_and_code():
    message = _init(receipt={"MaHoSo": "000.00.01.H26-260930-0012", "PhiLePhi": []})
    expected = _sha256(
        "INIT|1.0.6|HNI01|dvc00000001H262609300012|150000|PAY|1|1|vi-VN|VND|PAYMENT|"
        "Thanh toan ho so 000.00.01.H26-260930-0012|20260930143015|203.0.113.7|platform-secret"
    )
    assert message == {
        "LoaiBanTin": "INIT",
        "PhienBan": "1.0.6",
        "MaDoiTac": "HNI01",
        "MaThamChieu": "dvc00000001H262609300012",
        "SoTien": "150000",
        "LoaiHinhThanhToan": "PAY",
        "MaKenhThanhToan": "1",
        "MaThietBi": "1",
        "NgonNgu": "vi-VN",
        "MaTienTe": "VND",
        "MaNganHang": "PAYMENT",
        "ThongTinGiaoDich": "Thanh toan ho so 000.00.01.H26-260930-0012",
        "ThoiGianGD": "20260930143015",
        "Ip": "203.0.113.7",
        "MaXacThuc": expected,
        "ThongTinBienLai": {
            "MaDichVu": "2",
            "MaHoSo": "000.00.01.H26-260930-0012",
            "PhiLePhi": [],
        },
    }


def test_make_reference_follows_the_observed_shape():
    assert national.make_reference("000.00.01.H26-260930-0012", AT) == (
        "dvc0000001H26260930001220260930143015"
    )
    with pytest.raises(ValueError):
        national.make_reference("..-..", AT)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"partner_code": "HN|01"}, "partner_code"),
        ({"reference": "dvc-123"}, "reference"),
        ({"reference": "a|b"}, "reference"),
        ({"amount": 0}, "amount"),
        ({"amount": "150000"}, "amount"),
        ({"amount": False}, "amount"),
        ({"ip": "localhost"}, "ip"),
        ({"description": "|||"}, "description"),
        ({"created_at": datetime(2026, 9, 30, 14, 30, 15)}, "timezone"),
        ({"secret": ""}, "secret"),
    ],
)
def test_init_message_refuses_bad_input(overrides, message):
    with pytest.raises(ValueError, match=message):
        _init(**overrides)


def test_description_loses_pipes_so_field_boundaries_cannot_move():
    assert _init(description="a | b")["ThongTinGiaoDich"] == "a b"


def test_query_message_code():
    message = national.query_message(
        partner_code="HNI01",
        reference="dvc00000001H262609300012",
        transaction_time=AT,
        secret=SECRET,
    )
    assert message == {
        "LoaiBanTin": "QUERY",
        "PhienBan": "1.0.6",
        "MaDoiTac": "HNI01",
        "MaThamChieu": "dvc00000001H262609300012",
        "ThoiGianGD": "20260930143015",
        "MaXacThuc": _sha256(
            "QUERY|1.0.6|HNI01|dvc00000001H262609300012|20260930143015|platform-secret"
        ),
    }


def test_receipt_request_uses_the_same_shape():
    message = national.query_message(
        partner_code="HNI01",
        reference="dvcX",
        transaction_time="20260930143015",
        secret=SECRET,
        kind="GET_BILL",
    )
    assert message["MaXacThuc"] == _sha256(
        "GET_BILL|1.0.6|HNI01|dvcX|20260930143015|platform-secret"
    )
    with pytest.raises(ValueError):
        national.query_message(
            partner_code="HNI01", reference="dvcX", transaction_time="2026", secret=SECRET
        )
    with pytest.raises(ValueError):
        national.query_message(
            partner_code="HNI01", reference="dvcX", transaction_time=AT, secret=SECRET, kind="X"
        )


def _confirm(**overrides) -> dict[str, object]:
    message: dict[str, object] = {
        "LoaiBanTin": "CONFIRM",
        "MaLoi": "00",
        "MaDoiTac": "HNI01",
        "MaThamChieu": "dvc00000001H262609300012",
        "SoTien": 150000,  # a JSON number, as the observed handler declares it
        "MaTienTe": "VND",
        "MaGiaoDich": "GD123456",
        "MaNganHang": "VCB",
        "ThoiGianGD": "20260930143500",
        "ThongTinGiaoDich": "Thanh toan ho so 000.00.01.H26-260930-0012",
    }
    message.update(overrides)
    message["MaXacThuc"] = _sha256(
        "|".join(str(message[name]) for name in national.CONFIRM_FIELDS) + "|" + SECRET
    )
    return message


def test_a_confirmation_signed_by_hand_verifies():
    message = _confirm()
    assert national.verify_confirm(message, SECRET)
    assert national.is_confirm_success(message)
    assert national.verify_confirm({**message, "SoTien": "150000"}, SECRET)
    upper = {**message, "MaXacThuc": str(message["MaXacThuc"]).upper()}
    assert national.verify_confirm(upper, SECRET)


def test_a_failed_payment_verifies_but_is_not_a_success():
    message = _confirm(MaLoi="01")
    assert national.verify_confirm(message, SECRET)
    assert not national.is_confirm_success(message)


def test_confirm_message_builder_matches_the_hand_computed_code():
    built = national.confirm_message(
        result_code="00",
        partner_code="HNI01",
        reference="dvc00000001H262609300012",
        amount=150000,
        transaction_id="GD123456",
        paid_at=datetime(2026, 9, 30, 7, 35, tzinfo=UTC),
        description="Thanh toán hồ sơ 000.00.01.H26-260930-0012",
        secret=SECRET,
        bank_code="VCB",
    )
    assert built == _confirm()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda m: {**m, "SoTien": 1500000},
        lambda m: {**m, "MaLoi": "01"},
        lambda m: {**m, "MaThamChieu": "dvcOTHER"},
        lambda m: {**m, "MaXacThuc": "0" * 64},
        lambda m: {k: v for k, v in m.items() if k != "MaXacThuc"},
        lambda m: {k: v for k, v in m.items() if k != "SoTien"},
        lambda m: {**m, "SoTien": 150000.0},
        lambda m: {**m, "SoTien": True},
        lambda m: {**m, "ThongTinGiaoDich": ["x"]},
        # Moving the boundary between two fields keeps the joined text, so it is refused.
        lambda m: {**m, "MaGiaoDich": "GD123456|VCB", "MaNganHang": ""},
    ],
)
def test_verify_confirm_rejects_tampering(tamper):
    assert national.verify_confirm(tamper(_confirm()), SECRET) is False


def test_a_moved_field_boundary_is_refused_even_with_a_matching_code():
    message = _confirm()
    moved = {**message, "MaGiaoDich": "GD123456|VCB", "MaNganHang": ""}
    moved["MaXacThuc"] = _sha256(
        "|".join(str(moved[name]) for name in national.CONFIRM_FIELDS) + "|" + SECRET
    )
    assert not national.verify_confirm(moved, SECRET)


@pytest.mark.parametrize("garbage", [None, [], "{}", 42, {}, {"MaXacThuc": "x"}])
def test_verify_confirm_returns_false_on_garbage(garbage):
    assert national.verify_confirm(garbage, SECRET) is False


@given(st.dictionaries(st.sampled_from([*national.CONFIRM_FIELDS, "MaXacThuc"]), st.text()))
def test_verify_confirm_never_raises(message):
    assert national.verify_confirm(message, SECRET) in (True, False)


def test_verify_confirm_with_no_secret_is_a_developer_error():
    with pytest.raises(ValueError):
        national.verify_confirm(_confirm(), "")
