from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError

from motcua.identity.accounts import (
    AccountError,
    IdentityClaims,
    register_account,
    sign_in_with_identity,
    update_profile,
)
from motcua.identity.models import UnitLevel, User
from tests.factories import make_hanoi, make_unit

from .factories import PASSWORD, AccountFactory

pytestmark = pytest.mark.django_db
STRONG = "Hoa-sen-no-2026"


def test_a_citizen_registers_with_a_phone_kept_in_its_national_form():
    user = register_account(
        kind="citizen", full_name="Phạm Thị Lan", phone="+84 912 345 678", password=STRONG
    )
    assert user.phone == "0912345678"
    assert user.kind == User.Kind.CITIZEN
    assert user.check_password(STRONG)
    assert user.username.startswith("congdan-")


def test_a_business_account_keeps_the_business_and_its_authorised_person():
    user = register_account(
        kind="business", full_name="Trần Thị Bình", email="Ke.Toan@Example.VN",
        organisation_name="Công ty TNHH Minh Họa", tax_code="0100109106", password=STRONG,
    )  # fmt: skip
    assert (user.full_name, user.organisation_name, user.tax_code) == (
        "Trần Thị Bình", "Công ty TNHH Minh Họa", "0100109106",
    )  # fmt: skip
    assert user.email == "ke.toan@example.vn"


def test_it_rejects_an_account_with_neither_phone_nor_email():
    with pytest.raises(AccountError) as error:
        register_account(kind="citizen", full_name="An", password=STRONG)
    assert error.value.field == "phone"


def test_it_rejects_a_business_without_a_valid_tax_code():
    with pytest.raises(AccountError) as error:
        register_account(
            kind="business", full_name="Bình", phone="0912345678", password=STRONG,
            organisation_name="Công ty", tax_code="0100109107",
        )  # fmt: skip
    assert error.value.field == "tax_code"
    assert "chữ số kiểm tra" in str(error.value.message)


@pytest.mark.parametrize(
    ("field", "taken", "typed"),
    [("phone", "0912345678", "+84912345678"), ("email", "an@example.vn", "AN@Example.vn")],
)
def test_it_rejects_a_phone_or_email_another_account_uses(field, taken, typed):
    AccountFactory(**{field: taken})
    with pytest.raises(AccountError) as error:
        register_account(kind="citizen", full_name="Bình", password=STRONG, **{field: typed})
    assert error.value.field == field
    assert "đã được dùng" in str(error.value.message)


def test_it_rejects_a_weak_password_with_djangos_validators():
    with pytest.raises(AccountError) as error:
        register_account(kind="citizen", full_name="An", phone="0912345678", password="12345678")
    assert error.value.field == "password"


def test_it_refuses_to_register_an_officer():
    with pytest.raises(AccountError):
        register_account(kind="officer", full_name="An", phone="0912345678", password=STRONG)


def test_the_database_refuses_two_accounts_with_one_email_whatever_the_case():
    AccountFactory(email="an@example.vn")
    with pytest.raises(IntegrityError):
        AccountFactory(email="AN@example.vn")


def test_the_database_allows_many_accounts_without_phone_or_email():
    AccountFactory(phone="", email="")
    AccountFactory(phone="", email="")
    assert User.objects.filter(phone="", email="").count() == 2


def test_profile_prefill_gives_the_submission_form_keys():
    _, ward, _ = make_hanoi()
    user = AccountFactory(
        full_name="Nguyễn Văn An", national_id="001090012345", date_of_birth=date(1990, 9, 2),
        phone="0912345678", email="an@example.vn", address_street="12 phố Hàng Bạc",
        address_unit=ward,
    )  # fmt: skip
    assert user.profile_prefill() == {
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": "001090012345",
        "ngay_sinh": "1990-09-02",
        "dien_thoai": "0912345678",
        "email": "an@example.vn",
        "noi_cu_tru": "12 phố Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội",
    }


def test_profile_prefill_leaves_unknown_details_empty():
    user = AccountFactory(full_name="", phone="", email="")
    assert set(user.profile_prefill().values()) == {""}


def test_the_address_walks_up_through_a_district_when_a_deployment_keeps_one():
    province = make_unit("79", "Thành phố Hồ Chí Minh", UnitLevel.PROVINCE)
    district = make_unit("760", "Quận 1", UnitLevel.DISTRICT, province)
    ward = make_unit("26734", "Phường Bến Nghé", UnitLevel.COMMUNE, district)
    user = AccountFactory(address_unit=ward)
    assert user.profile_prefill()["noi_cu_tru"] == (
        "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"
    )


def test_update_profile_saves_the_changes():
    _, ward, _ = make_hanoi()
    user = AccountFactory()
    update_profile(user=user, changes={
        "full_name": "Nguyễn Văn Ân", "address_unit": ward, "address_street": "5 Lò Sũ",
        "phone": "+84 987 654 321", "date_of_birth": date(1991, 1, 31),
    })  # fmt: skip
    user.refresh_from_db()
    assert (user.full_name, user.address_unit, user.phone) == ("Nguyễn Văn Ân", ward, "0987654321")


def test_update_profile_refuses_a_phone_of_another_account_and_changes_nothing():
    AccountFactory(phone="0987654321")
    user = AccountFactory(phone="0912345678", full_name="An")
    with pytest.raises(AccountError) as error:
        update_profile(user=user, changes={"full_name": "Ân", "phone": "0987654321"})
    assert error.value.field == "phone"
    assert (user.full_name, user.phone) == ("An", "0912345678")


def test_update_profile_keeps_details_verified_by_the_identity_provider():
    user = AccountFactory(verified=True, full_name="Nguyễn Văn An")
    with pytest.raises(AccountError) as error:
        update_profile(user=user, changes={"full_name": "Người Khác"})
    assert error.value.field == "full_name"
    update_profile(user=user, changes={"full_name": "Nguyễn Văn An", "email": "moi@example.vn"})
    assert User.objects.get(pk=user.pk).email == "moi@example.vn"


def test_update_profile_refuses_to_drop_both_phone_and_email():
    user = AccountFactory()
    with pytest.raises(AccountError):
        update_profile(user=user, changes={"phone": "", "email": ""})


def test_a_new_identity_opens_a_verified_citizen_account():
    claims = IdentityClaims(
        subject="sub-1", full_name="Lê Văn Cường", national_id="001090012345",
        date_of_birth=date(1990, 5, 1), phone="0912345678", email="cuong@example.vn",
    )  # fmt: skip
    user = sign_in_with_identity(claims=claims)
    assert user.kind == User.Kind.CITIZEN and user.identity_verified
    assert (user.oidc_subject, user.national_id, user.phone) == (
        "sub-1",
        "001090012345",
        "0912345678",
    )
    assert not user.has_usable_password()


def test_the_same_subject_finds_the_same_account_and_refreshes_its_identity():
    first = sign_in_with_identity(claims=IdentityClaims(subject="sub-1", full_name="Lê Văn Cường"))
    again = sign_in_with_identity(claims=IdentityClaims(subject="sub-1", full_name="Lê Văn Cương"))
    assert again.pk == first.pk
    assert again.full_name == "Lê Văn Cương"


def test_a_verified_owner_takes_back_the_id_number_an_unverified_profile_typed_in(announced):
    # The finding: national_id is unique, so a profile that typed in someone else's number
    # locked its VNeID-verified owner out. The claim still never takes over that account.
    squatter = AccountFactory(national_id="001090012345", email="an@example.vn")
    claims = IdentityClaims(subject="sub-x", national_id="001090012345", email="an@example.vn")

    owner = sign_in_with_identity(claims=claims)

    squatter.refresh_from_db()
    assert owner.pk != squatter.pk
    assert (owner.national_id, owner.identity_verified) == ("001090012345", True)
    assert (squatter.national_id, squatter.oidc_subject) == ("", "")
    assert not squatter.identity_verified
    assert ("account.changed", squatter, {
        "field": "national_id", "reason": "claimed_by_verified_identity",
    }) in announced  # fmt: skip


def test_an_id_number_verified_for_another_account_is_never_taken():
    verified = AccountFactory(national_id="001090012345", identity_verified=True,
                              oidc_subject="sub-a")  # fmt: skip
    with pytest.raises(AccountError) as error:
        sign_in_with_identity(claims=IdentityClaims(subject="sub-b", national_id="001090012345"))
    assert "đã gắn với một tài khoản khác" in str(error.value.message)
    verified.refresh_from_db()
    assert verified.national_id == "001090012345"
    assert not User.objects.filter(oidc_subject="sub-b").exists()


def test_an_officer_account_keeps_its_id_number():
    officer = AccountFactory(officer=True, national_id="001090012345")
    with pytest.raises(AccountError):
        sign_in_with_identity(claims=IdentityClaims(subject="sub-c", national_id="001090012345"))
    officer.refresh_from_db()
    assert officer.national_id == "001090012345"


def test_an_unverified_profile_cannot_claim_a_number_another_account_holds():
    AccountFactory(national_id="001090012345", identity_verified=True, oidc_subject="sub-d")
    squatter = AccountFactory()
    with pytest.raises(AccountError) as error:
        update_profile(user=squatter, changes={"national_id": "001090012345"})
    assert error.value.field == "national_id"


def test_a_new_identity_leaves_out_contact_details_another_account_uses():
    AccountFactory(phone="0912345678", email="an@example.vn")
    user = sign_in_with_identity(
        claims=IdentityClaims(subject="sub-2", phone="0912345678", email="an@example.vn")
    )
    assert (user.phone, user.email) == ("", "")


def test_the_signed_in_person_links_their_own_account_once():
    user = AccountFactory()
    linked = sign_in_with_identity(claims=IdentityClaims(subject="sub-3"), current_user=user)
    assert linked.pk == user.pk and linked.identity_verified
    with pytest.raises(AccountError):
        sign_in_with_identity(claims=IdentityClaims(subject="sub-4"), current_user=user)


def test_an_officer_account_is_never_signed_in_through_the_identity_provider():
    officer = AccountFactory(officer=True, oidc_subject="sub-5")
    with pytest.raises(AccountError):
        sign_in_with_identity(claims=IdentityClaims(subject="sub-5"))
    officer.refresh_from_db()
    assert not officer.identity_verified


def test_the_password_still_works_after_a_profile_change():
    user = AccountFactory()
    update_profile(user=user, changes={"address_street": "1 Tràng Tiền"})
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
