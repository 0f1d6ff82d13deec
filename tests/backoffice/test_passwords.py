"""The back office's password pages and the forced change, through the officer's sign-in
(password, then TOTP); the admin marks the accounts it creates; the API refuses their token."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.api.auth import issue_token
from motcua.identity.models import User
from motcua.identity.second_factor import current_totp_code, enrol_totp_device

from .conftest import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW = "Hoa-sen-no-thang-6"
CHANGE = reverse("backoffice:password-change")
# The admin's add page carries the officer-roles inline; none added.
ROLES_NONE = {"roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0"}


def _change(client: Client):
    return client.post(CHANGE, {
        "current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW,
    })  # fmt: skip


def test_an_officer_changes_the_password_and_stays_signed_in(client, officer, device, sign_in):
    sign_in(officer)
    assert CHANGE in client.get(reverse("backoffice:home")).content.decode()
    assert _change(client)["Location"] == reverse("backoffice:home")
    assert client.get(reverse("backoffice:inbox")).status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(NEW)


def test_a_forced_officer_is_sent_to_the_change_page_after_the_second_factor(
    client, device, sign_in
):
    officer = device.user
    User.objects.filter(pk=officer.pk).update(must_change_password=True)
    sign_in(officer)
    for page in ("backoffice:home", "backoffice:inbox", "backoffice:ledger"):
        assert client.get(reverse(page))["Location"] == CHANGE
    assert client.get(reverse("admin:index"))["Location"] == CHANGE
    _change(client)
    assert client.get(reverse("backoffice:home")).status_code == 200


def test_a_reset_officer_still_needs_the_second_factor(client, officer):
    User.objects.filter(pk=officer.pk).update(email="hoa@ubnd.gov.vn", email_verified=True)
    device = enrol_totp_device(officer, confirmed=True)
    login = client.get(reverse("backoffice:login")).content.decode()
    assert reverse("backoffice:password-forgot") in login
    client.post(reverse("backoffice:password-forgot"), {"identifier": officer.username})
    code = re.findall(r"\b\d{6}\b", mail.outbox[0].body)[0]
    response = client.post(reverse("backoffice:password-reset"), {
        "code": code, "new_password": NEW, "new_password_again": NEW,
    })  # fmt: skip
    assert response["Location"] == reverse("backoffice:login")
    response = client.post(reverse("backoffice:login"), {"username": officer.username,
                                                          "password": NEW})  # fmt: skip
    assert response["Location"] == reverse("backoffice:verify")
    assert client.get(reverse("backoffice:home")).status_code == 302
    client.post(reverse("backoffice:verify"), {"code": current_totp_code(device)})
    assert client.get(reverse("backoffice:home")).status_code == 200


def test_an_account_made_in_the_admin_must_change_its_password(client, staff, sign_in):
    enrol_totp_device(staff, confirmed=True)
    sign_in(staff)
    response = client.post(reverse("admin:identity_user_add"), {
        "username": "canbo.moi", "password1": "Cay-bang-la-do-2026",
        "password2": "Cay-bang-la-do-2026", "usable_password": "true",
        "kind": User.Kind.OFFICER, "full_name": "Cán Bộ Mới", "email": "",
        "_save": "Lưu", **ROLES_NONE,
    })  # fmt: skip
    assert response.status_code == 302
    assert User.objects.get(username="canbo.moi").must_change_password
    assert not User.objects.get(pk=staff.pk).must_change_password


def test_the_admin_refuses_a_weak_password_for_a_new_account(client, staff, sign_in):
    enrol_totp_device(staff, confirmed=True)
    sign_in(staff)
    page = client.post(reverse("admin:identity_user_add"), {
        "username": "canbo.moi", "password1": "matkhau12345", "password2": "matkhau12345",
        "usable_password": "true", "kind": User.Kind.OFFICER, "full_name": "Cán Bộ Mới",
        **ROLES_NONE,
    }).content.decode()  # fmt: skip
    assert "matkhau" in page and not User.objects.filter(username="canbo.moi").exists()


def test_a_password_the_admin_sets_for_someone_else_must_be_changed(client, staff, sign_in):
    enrol_totp_device(staff, confirmed=True)
    sign_in(staff)
    other = UserFactory()
    url = reverse("admin:auth_user_password_change", args=[other.pk])
    response = client.post(url, {"password1": "Cay-bang-la-do-2026",
                                 "password2": "Cay-bang-la-do-2026"})  # fmt: skip
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.must_change_password and other.check_password("Cay-bang-la-do-2026")


def test_the_api_refuses_the_token_of_an_account_that_must_change_its_password(client):
    user = UserFactory(citizen=True, must_change_password=True)
    secret, _ = issue_token(user=user)
    response = client.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert "đổi mật khẩu" in response.json()["detail"]
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    response = client.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_the_api_gives_no_token_to_an_account_that_must_change_its_password(client):
    user = UserFactory(citizen=True, must_change_password=True)
    response = client.post("/api/v1/auth/token", {"username": user.username,
                           "password": PASSWORD}, content_type="application/json")  # fmt: skip
    assert response.status_code == 403
    assert "đổi mật khẩu" in response.json()["detail"]


def test_the_totp_device_survives_a_password_change(client, officer, device, sign_in):
    sign_in(officer)
    _change(client)
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 1


def test_the_admins_own_change_page_is_the_back_offices(client, staff, sign_in):
    enrol_totp_device(staff, confirmed=True)
    sign_in(staff)
    assert client.get(reverse("admin:password_change"))["Location"] == CHANGE
