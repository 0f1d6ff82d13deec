from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.backoffice.services import current_totp_code

from .conftest import PASSWORD, UserFactory

LOGIN = reverse("backoffice:login")
VERIFY = reverse("backoffice:verify")
ENROL = reverse("backoffice:enrol")
HOME = reverse("backoffice:home")


def _password_step(client, user, **extra):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, **extra})


@pytest.mark.django_db
def test_the_password_step_then_the_code_step_signs_the_officer_in(client, officer, device):
    response = _password_step(client, officer)
    assert response.url == VERIFY
    assert "_auth_user_id" not in client.session, "nobody is signed in before the code"

    response = client.post(VERIFY, {"code": current_totp_code(device)})

    assert response.url == HOME
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert "Xin chào Nguyễn Thị Hoa" in client.get(HOME).content.decode()


@pytest.mark.django_db
def test_the_login_page_has_the_fields_an_officer_needs(client):
    page = client.get(LOGIN).content.decode()
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    assert "csrfmiddlewaretoken" in page


@pytest.mark.django_db
def test_it_refuses_a_wrong_password_with_a_linked_error(client, officer):
    response = client.post(LOGIN, {"username": officer.username, "password": "sai"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page
    assert 'href="#id_username"' in page


@pytest.mark.django_db
def test_it_refuses_a_wrong_code_and_leaves_the_session_unverified(client, officer, device):
    _password_step(client, officer)
    wrong = f"{(int(current_totp_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn." in page
    assert 'href="#id_code"' in page
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_code_field_suits_authenticator_apps(client, officer, device):
    _password_step(client, officer)
    page = client.get(VERIFY).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page


@pytest.mark.django_db
def test_it_accepts_a_code_typed_with_a_space(client, officer, device):
    _password_step(client, officer)
    code = current_totp_code(device)
    response = client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"})
    assert response.url == HOME


@pytest.mark.django_db
def test_it_asks_to_wait_after_repeated_wrong_codes(client, officer, device):
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    _password_step(client, officer)

    response = client.post(VERIFY, {"code": current_totp_code(device)})

    assert "Vui lòng đợi 16 giây rồi thử lại." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_refuses_a_citizen_with_a_clear_message(client):
    citizen = UserFactory(citizen=True)

    response = _password_step(client, citizen)

    assert response.status_code == 200
    assert "Trang này chỉ dành cho cán bộ, công chức." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_officer_without_a_device_enrols_one_and_is_signed_in(client, officer):
    assert _password_step(client, officer).url == ENROL
    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=officer)
    assert "<svg" in page
    assert "otpauth://totp/" in page
    assert device.config_url.split("secret=")[1][:8] in page.replace(" ", "")

    response = client.post(ENROL, {"code": current_totp_code(device)})

    device.refresh_from_db()
    assert response.url == HOME
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


@pytest.mark.django_db
def test_enrolment_keeps_the_same_secret_when_the_officer_tries_again(client, officer):
    _password_step(client, officer)
    first = TOTPDevice.objects.get(user=officer)
    _password_step(client, officer)
    assert list(TOTPDevice.objects.filter(user=officer)) == [first]


@pytest.mark.django_db
def test_enrolment_refuses_a_wrong_code(client, officer):
    _password_step(client, officer)
    response = client.post(ENROL, {"code": "000000"})
    assert "Mã xác thực" in response.content.decode()
    assert not TOTPDevice.objects.get(user=officer).confirmed
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_enrolment_is_not_offered_to_an_officer_who_has_a_device(client, officer, device):
    TOTPDevice.objects.create(user=officer, name="spare", confirmed=False)
    _password_step(client, officer)
    assert client.get(ENROL).url == VERIFY


@pytest.mark.django_db
def test_the_relaxed_setting_skips_the_code_step(client, settings, officer):
    settings.OFFICER_2FA_REQUIRED = False

    response = _password_step(client, officer)

    assert response.url == HOME
    assert client.get(HOME).status_code == 200
    assert not TOTPDevice.objects.filter(user=officer).exists()


@pytest.mark.django_db
def test_the_code_step_sends_a_stranger_back_to_the_password_step(client):
    assert client.get(VERIFY).url == LOGIN
    assert client.get(ENROL).url == LOGIN


@pytest.mark.django_db
def test_a_half_finished_sign_in_expires(client, officer, device):
    _password_step(client, officer)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post(VERIFY, {"code": current_totp_code(device)})
    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_returns_to_the_page_asked_for(client, officer, device):
    _password_step(client, officer, next="/admin/")
    assert client.post(VERIFY, {"code": current_totp_code(device)}).url == "/admin/"


@pytest.mark.django_db
def test_it_ignores_a_next_address_on_another_site(client, officer, device):
    _password_step(client, officer, next="https://example.com/")
    assert client.post(VERIFY, {"code": current_totp_code(device)}).url == HOME


@pytest.mark.django_db
def test_a_code_is_accepted_only_once(client, officer, device):
    code = current_totp_code(device)
    _password_step(client, officer)
    client.post(VERIFY, {"code": code})
    client.logout()

    _password_step(client, officer)
    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_ends_the_session(client, officer, device, sign_in):
    sign_in(officer)

    response = client.post(reverse("backoffice:logout"))

    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).url.startswith(LOGIN)


@pytest.mark.django_db
def test_sign_out_needs_a_post(client):
    assert client.get(reverse("backoffice:logout")).status_code == 405
