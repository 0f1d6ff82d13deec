import pytest
from django.core.exceptions import ValidationError

from motcua.identity.validators import (
    validate_electronic_id,
    validate_national_id,
    validate_phone,
    validate_tax_code,
)


@pytest.mark.parametrize("number", ["001090012345", "079203001234", "096185000001"])
def test_a_well_formed_citizen_id_is_accepted(number):
    validate_national_id(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("00109001234", "format"),
        ("0010900123456", "format"),
        ("00109001234a", "format"),
        ("003090012345", "province"),
        ("099090012345", "province"),
        ("001299012345", "birth_year"),
    ],
)
def test_a_bad_citizen_id_is_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as error:
        validate_national_id(number)
    assert error.value.code == code


def test_the_citizen_id_message_is_vietnamese():
    with pytest.raises(ValidationError) as error:
        validate_national_id("123")
    assert "12 chữ số" in error.value.messages[0]


@pytest.mark.parametrize("code", ["0100109106", "0100109106-001", "001090012345"])
def test_a_valid_tax_code_is_accepted(code):
    validate_tax_code(code)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("0100109107", "checksum"),
        ("010010910", "format"),
        ("0100109106-01", "format"),
    ],
)
def test_a_bad_tax_code_is_refused(code, reason):
    with pytest.raises(ValidationError) as error:
        validate_tax_code(code)
    assert error.value.code == reason


@pytest.mark.parametrize("value", ["000.00.00.H26", "000.A0.01.H26", "000.00.00.G08"])
def test_agency_electronic_ids_in_the_decision_20_shape_are_accepted(value):
    validate_electronic_id(value)


@pytest.mark.parametrize("value", ["H26", "000.00.00.26", "000.00.00.h26", "00.00.00.H26"])
def test_malformed_electronic_ids_are_refused(value):
    with pytest.raises(ValidationError):
        validate_electronic_id(value)


@pytest.mark.parametrize("value", ["0912345678", "+84912345678", "091 234 5678"])
def test_vietnamese_phone_numbers_are_accepted(value):
    validate_phone(value)


def test_a_short_phone_number_is_refused():
    with pytest.raises(ValidationError):
        validate_phone("091234")
