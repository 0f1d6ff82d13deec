from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from motcua.identity.backends import NationalIdentityBackend, claims_from_userinfo
from motcua.identity.validators import normalise_phone

from .factories import PASSWORD, AccountFactory


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("091234567", ""),
        ("an@example.vn", ""),
        ("", ""),
    ],
)
def test_phones_are_normalised_to_their_national_form(typed, expected):
    assert normalise_phone(typed) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "identifier", ["0912345678", "+84 912 345 678", "An@Example.VN", "congdan-an"]
)
def test_a_password_signs_in_with_a_phone_an_email_or_the_username(identifier):
    user = AccountFactory(username="congdan-an", phone="0912345678", email="an@example.vn")
    assert authenticate(username=identifier, password=PASSWORD) == user


@pytest.mark.django_db
def test_a_phone_stored_in_its_international_form_still_matches():
    user = AccountFactory(phone="+84912345678")
    assert authenticate(username="0912345678", password=PASSWORD) == user


@pytest.mark.django_db
def test_a_wrong_password_or_an_inactive_account_signs_nobody_in():
    AccountFactory(phone="0912345678")
    AccountFactory(phone="0987654321", is_active=False)
    assert authenticate(username="0912345678", password="sai") is None
    assert authenticate(username="0987654321", password=PASSWORD) is None
    assert authenticate(username="0900000000", password=PASSWORD) is None


@pytest.mark.django_db
def test_a_password_sign_in_never_calls_the_identity_provider(settings):
    settings.OIDC_RP_CLIENT_ID = "motcua"
    request = RequestFactory().post("/tai-khoan/dang-nhap/?code=x&state=y")
    assert NationalIdentityBackend().authenticate(request, username="a", password="b") is None


def test_claims_in_the_openid_names_map_to_an_account():
    claims = claims_from_userinfo({
        "sub": "abc", "name": "Lê Văn Cường", "national_id": "001090012345",
        "birthdate": "1990-05-01", "phone_number": "+84912345678", "email": "Cuong@Example.vn",
    })  # fmt: skip
    assert claims.subject == "abc"
    assert (claims.full_name, claims.national_id) == ("Lê Văn Cường", "001090012345")
    assert claims.date_of_birth == date(1990, 5, 1)
    assert (claims.phone, claims.email) == ("0912345678", "cuong@example.vn")


def test_claims_in_the_national_portal_names_map_too():
    claims = claims_from_userinfo({
        "sub": "abc", "HoVaTen": "Lê Văn Cường", "SoDinhDanh": "001090012345",
        "NgayThangNamSinh": "01/05/1990", "SoDienThoai": "0912345678", "ThuDienTu": "c@x.vn",
    })  # fmt: skip
    assert (claims.full_name, claims.national_id, claims.email) == (
        "Lê Văn Cường", "001090012345", "c@x.vn",
    )  # fmt: skip
    assert claims.date_of_birth == date(1990, 5, 1)


def test_claim_names_follow_the_settings(settings):
    settings.OIDC_CLAIM_NATIONAL_ID = ["so_cccd"]
    assert claims_from_userinfo({"sub": "a", "so_cccd": "001090012345"}).national_id == (
        "001090012345"
    )


def test_claims_that_fail_our_validation_are_dropped():
    claims = claims_from_userinfo({
        "sub": "abc", "national_id": "123456789", "birthdate": "1990-13-45",
        "phone_number": "12345", "email": "not-an-email",
    })  # fmt: skip
    assert (claims.national_id, claims.date_of_birth, claims.phone, claims.email) == (
        "", None, "", "",
    )  # fmt: skip
