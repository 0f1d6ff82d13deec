"""Which addresses a reset code may go to: those the identity provider or an administrator
vouched for; an address the person types again is no longer verified."""

from __future__ import annotations

import pytest

from motcua.identity.accounts import IdentityClaims, sign_in_with_identity, update_profile

from .factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_contact_details_from_the_identity_provider_are_verified():
    claims = IdentityClaims(
        subject="sub-1", full_name="Nguyễn Văn An", phone="+84912345678", email="an@example.vn"
    )
    user = sign_in_with_identity(claims=claims)
    assert user.phone == "+84912345678" or user.phone == "0912345678"
    assert user.phone_verified and user.email_verified


def test_a_contact_the_provider_did_not_send_stays_unverified():
    user = AccountFactory(email="lan@example.vn")
    sign_in_with_identity(claims=IdentityClaims(subject="sub-2", email="khac@example.vn"),
                          current_user=user)  # fmt: skip
    user.refresh_from_db()
    assert not user.email_verified


def test_changing_an_address_in_the_profile_drops_its_verification():
    user = AccountFactory(email_verified=True, phone_verified=True)
    update_profile(user=user, changes={"email": "moi@example.vn"})
    user.refresh_from_db()
    assert not user.email_verified and user.phone_verified
    update_profile(user=user, changes={"phone": user.phone})  # the same phone again
    user.refresh_from_db()
    assert user.phone_verified
