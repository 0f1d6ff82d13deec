from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.backoffice.signin import SESSION_KEY
from motcua.core.throttle import Limit
from motcua.identity.models import User
from motcua.identity.second_factor import current_totp_code
from tests.security_events import names

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
def test_it_refuses_a_citizen_as_it_refuses_a_wrong_password(client):
    # Another message would say that the citizen's password matched (an oracle).
    citizen = UserFactory(citizen=True)

    right = _password_step(client, citizen).content.decode()
    wrong = client.post(LOGIN, {"username": citizen.username, "password": "sai"}).content.decode()

    assert "Tên đăng nhập hoặc mật khẩu không đúng." in right
    assert "Trang này chỉ dành cho cán bộ" not in right
    assert _error_summary(right) == _error_summary(wrong)
    assert "Công dân, doanh nghiệp không đăng nhập ở đây." in right, "the page says where to go"
    assert "_auth_user_id" not in client.session


def _error_summary(page: str) -> str:
    return page[page.index('class="error-summary"') :].split("</div>")[0]


def _enrol(client, password=PASSWORD):
    """Show the enrolment page and confirm the device it offered with its current code."""
    client.get(ENROL)
    device = TOTPDevice.objects.get(user__pk=client.session[SESSION_KEY]["user"])
    return device, client.post(ENROL, {"code": current_totp_code(device), "password": password})


@pytest.mark.django_db
def test_an_officer_without_a_device_enrols_one_and_is_signed_in(client, officer):
    assert _password_step(client, officer).url == ENROL
    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=officer)
    assert "<svg" in page
    assert "otpauth://totp/" in page
    assert device.config_url.split("secret=")[1][:8] in page.replace(" ", "")
    assert 'autocomplete="current-password"' in page, "the password is asked again"

    response = client.post(ENROL, {"code": current_totp_code(device), "password": PASSWORD})

    device.refresh_from_db()
    assert response.url == HOME
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


@pytest.mark.django_db
def test_enrolment_shows_a_fresh_secret_each_time_and_drops_the_earlier_one(client, officer):
    _password_step(client, officer)
    client.get(ENROL)
    first = TOTPDevice.objects.get(user=officer)

    client.get(ENROL)

    second = TOTPDevice.objects.get(user=officer)
    assert second.key != first.key
    assert not TOTPDevice.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db
def test_a_secret_seen_by_someone_who_knew_the_password_is_useless_once_the_officer_enrols(
    officer,
):
    # The finding: the page needed only the password and showed the same secret again, so
    # whoever learnt the password before the officer enrolled held their second factor.
    attacker, owner = Client(), Client()
    _password_step(attacker, officer)
    attacker.get(ENROL)
    stolen = TOTPDevice.objects.get(user=officer)

    _password_step(owner, officer)
    device, response = _enrol(owner)

    assert response.url == HOME
    assert device.key != stolen.key
    assert list(TOTPDevice.objects.filter(user=officer)) == [device]
    late = attacker.post(ENROL, {"code": current_totp_code(stolen), "password": PASSWORD})
    assert late.url == VERIFY, "the officer's device is confirmed: only its codes open now"
    assert "_auth_user_id" not in attacker.session


@pytest.mark.django_db
def test_enrolment_is_confirmed_only_by_the_session_that_was_shown_the_secret(officer):
    shown, other = Client(), Client()
    _password_step(shown, officer)
    shown.get(ENROL)
    device = TOTPDevice.objects.get(user=officer)
    _password_step(other, officer)

    response = other.post(ENROL, {"code": current_totp_code(device), "password": PASSWORD})

    assert response.url == ENROL
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.django_db
def test_enrolment_refuses_a_wrong_password_and_counts_it(client, officer):
    _password_step(client, officer)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=officer)

    response = client.post(ENROL, {"code": current_totp_code(device), "password": "sai"})

    assert "Mật khẩu không đúng." in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert "_auth_user_id" not in client.session
    assert Limit("signin-account", 5, 300).count(officer.username) == 1


@pytest.mark.django_db
def test_enrolment_refuses_a_wrong_code(client, officer):
    _password_step(client, officer)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000", "password": PASSWORD})
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


@pytest.mark.django_db
def test_forty_wrong_passwords_do_not_all_answer_and_the_right_one_then_waits(client, officer):
    # The finding: the back office had no throttle; 40 wrong passwords all answered and
    # the right one then signed in (a password oracle for every officer account).
    answers = [
        client.post(LOGIN, {"username": officer.username, "password": f"sai-{n}"}).status_code
        for n in range(40)
    ]
    assert answers[:5] == [200] * 5
    assert set(answers[5:]) == {429}

    response = _password_step(client, officer)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau 5 phút." in page
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_while_locked_the_password_is_not_even_checked(client, officer):
    failed = []
    for _ in range(5):
        client.post(LOGIN, {"username": officer.username, "password": "sai"})
    user_login_failed.connect(lambda **kw: failed.append(kw), dispatch_uid="t", weak=False)
    try:
        _password_step(client, officer)
        client.post(LOGIN, {"username": officer.username, "password": "sai"})
    finally:
        user_login_failed.disconnect(dispatch_uid="t")
    assert failed == []


@pytest.mark.django_db
def test_the_lock_ends_after_five_minutes(client, officer, device):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            client.post(LOGIN, {"username": officer.username, "password": "sai"})
        assert _password_step(client, officer).status_code == 429
        clock.shift(timedelta(minutes=5, seconds=1))
        assert _password_step(client, officer).url == VERIFY


@pytest.mark.django_db
def test_wrong_codes_count_as_failed_sign_ins(client, officer, device, announced):
    _password_step(client, officer)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            # Past django-otp's own doubling wait, so each code is really checked.
            clock.shift(timedelta(seconds=20))
            client.post(VERIFY, {"code": _wrong_code(device)})
        code_step = client.post(VERIFY, {"code": current_totp_code(device)})
        password_step = _password_step(client, officer)

    assert code_step.status_code == 429
    assert "_auth_user_id" not in client.session
    assert password_step.status_code == 429
    assert names(announced).count("otp.failed") == 5
    assert names(announced).count("signin.throttled") == 1
    throttled = next(detail for event, _u, detail in announced if event == "signin.throttled")
    assert throttled == {"door": "backoffice", "scope": "account", "seconds": 300}


def _wrong_code(device):
    return f"{(int(current_totp_code(device)) + 1) % 1_000_000:06d}"


@pytest.mark.django_db
def test_the_code_step_and_enrolment_are_announced(client, officer, announced):
    _password_step(client, officer)
    device, _response = _enrol(client)
    client.logout()
    _password_step(client, officer)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        client.post(VERIFY, {"code": current_totp_code(device)})

    assert names(announced) == ["otp.enrolled", "otp.verified"]
    assert all(user == officer for _event, user, _detail in announced)


@pytest.mark.django_db
def test_a_superuser_made_by_createsuperuser_needs_the_code_step(client):
    # createsuperuser leaves the account without a kind: it is no officer, yet it reaches
    # the admin and every dossier.
    User.objects.create_superuser("quantri", "quantri@example.vn", PASSWORD)

    response = client.post(LOGIN, {"username": "quantri", "password": PASSWORD})

    assert response.url == ENROL
    assert "_auth_user_id" not in client.session
    admin = client.get(reverse("admin:index"), follow=True)
    assert admin.redirect_chain[-1][0].startswith(LOGIN)
