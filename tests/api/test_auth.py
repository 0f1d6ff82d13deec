import hashlib
import json
from datetime import timedelta

import pytest
import time_machine

from motcua.api.models import ApiToken
from motcua.identity.models import User
from motcua.identity.second_factor import current_totp_code, enrol_totp_device
from tests.dossiers.world import local
from tests.security_events import names

pytestmark = pytest.mark.django_db
NOON = local(2026, 11, 23, 12, 0)


def ask_token(client, username, password="x", otp=None, **extra):
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return client.post(
        "/api/v1/auth/token", data=json.dumps(body), content_type="application/json", **extra
    )


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_citizen_gets_a_token_with_a_phone_number_and_a_password(client, world):
    with time_machine.travel(NOON, tick=False):
        response = ask_token(client, "0912345678")
    assert response.status_code == 200
    data = response.json()
    assert data["token"].startswith("mc_")
    assert data["expires_at"] == "2026-11-24T00:00:00+07:00"  # 12 hours by default


def test_the_token_opens_the_api_and_only_its_digest_is_stored(client, world):
    token = ask_token(client, "an@example.vn").json()["token"]
    record = ApiToken.objects.get()
    assert record.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {record.digest, str(record)}
    response = client.get("/api/v1/dossiers", headers=bearer(token))
    assert response.status_code == 200


def test_a_wrong_password_is_a_401_in_vietnamese(client, world):
    response = ask_token(client, "congdan", password="sai")
    assert response.status_code == 401
    assert response.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert not ApiToken.objects.exists()


def test_an_inactive_account_gets_no_token(client, world):
    world["citizen"].is_active = False
    world["citizen"].save()
    assert ask_token(client, "congdan").status_code == 401


def test_an_officer_needs_a_current_totp_code(client, world):
    device = enrol_totp_device(world["receiver"], confirmed=True)
    with time_machine.travel(NOON, tick=False):
        missing = ask_token(client, "motcua")
        assert missing.status_code == 401
        assert "otp" in missing.json()["detail"]
        assert ask_token(client, "motcua", otp="000000").status_code == 401
        # django-otp then makes the device wait before the next code.
        waiting = ask_token(client, "motcua", otp=current_totp_code(device))
        assert waiting.status_code == 429
        assert int(waiting["Retry-After"]) >= 1
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        response = ask_token(client, "motcua", otp=current_totp_code(device))
    assert response.status_code == 200, response.json()
    assert ApiToken.objects.get().user == world["receiver"]


def test_an_officer_code_cannot_be_spent_twice(client, world):
    device = enrol_totp_device(world["receiver"], confirmed=True)
    with time_machine.travel(NOON, tick=False):
        code = current_totp_code(device)
        assert ask_token(client, "motcua", otp=code).status_code == 200
        assert ask_token(client, "motcua", otp=code).status_code == 401


def test_an_officer_without_an_authenticator_is_told_to_enrol(client, world):
    response = ask_token(client, "motcua", otp="123456")
    assert response.status_code == 401
    assert "ứng dụng xác thực" in response.json()["detail"]


def test_an_officer_signs_in_with_a_password_only_when_2fa_is_off(client, world, settings):
    settings.OFFICER_2FA_REQUIRED = False
    assert ask_token(client, "motcua").status_code == 200


def test_a_citizen_never_needs_a_code(client, world):
    assert ask_token(client, "congdan", otp="").status_code == 200


def test_the_token_expires_after_the_configured_hours(client, world, settings):
    settings.API_TOKEN_HOURS = 2
    with time_machine.travel(NOON, tick=False):
        token = ask_token(client, "congdan").json()["token"]
    with time_machine.travel(NOON + timedelta(hours=1, minutes=59), tick=False):
        assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 200
    with time_machine.travel(NOON + timedelta(hours=2, minutes=1), tick=False):
        response = client.get("/api/v1/dossiers", headers=bearer(token))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "hết hạn" in response.json()["detail"]


def test_a_revoked_token_stops_working(client, world):
    token = ask_token(client, "congdan").json()["token"]
    other = ask_token(client, "congdan").json()["token"]
    response = client.delete("/api/v1/auth/token", headers=bearer(token))
    assert response.status_code == 204
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/dossiers", headers=bearer(other)).status_code == 200


def test_a_token_revoked_by_another_process_stops_working_within_the_stated_bound(
    client, world, monkeypatch, settings
):
    from motcua.api import auth

    now = [1000.0]
    monkeypatch.setattr(auth._checked, "clock", lambda: now[0])
    token = ask_token(client, "congdan").json()["token"]
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 200
    # Another web process revokes it: this one learns only from the database.
    ApiToken.objects.update(revoked_at=NOON)
    now[0] += settings.API_TOKEN_CACHE_SECONDS - 1
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 200
    now[0] += 1
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401


def test_with_no_keeping_every_call_checks_the_database(client, world, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    token = ask_token(client, "congdan").json()["token"]
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 200
    ApiToken.objects.update(revoked_at=NOON)
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401


def test_a_kept_token_still_expires_on_time(client, world, settings):
    settings.API_TOKEN_HOURS = 1
    with time_machine.travel(NOON, tick=False):
        token = ask_token(client, "congdan").json()["token"]
        assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 200
    with time_machine.travel(NOON + timedelta(hours=1, seconds=1), tick=False):
        assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401


def test_each_call_gets_its_own_copy_of_the_tokens_user(client, world):
    from motcua.api.auth import token_record

    token = ask_token(client, "congdan").json()["token"]
    first = token_record(token)  # read from the database and kept
    assert first is not None
    first.user.noted_by_a_request = True
    second = token_record(token)  # from what this process kept
    assert second is not None and second.user.pk == first.user.pk
    assert not hasattr(second.user, "noted_by_a_request")


def test_a_token_read_while_its_revocation_commits_is_not_kept_after_it(
    client, world, django_capture_on_commit_callbacks
):
    # A password change revokes the tokens inside the save's transaction; a request on
    # another thread of this process, checking the token before that commit, still finds it
    # valid in the database and keeps it. After the commit it must not be kept.
    from django.db import transaction

    from motcua.api import auth

    token = ask_token(client, "congdan").json()["token"]
    before = auth.token_record(token)
    assert before is not None
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        auth.revoke_tokens(user=before.user, reason="password_changed")
        auth._checked.keep(auth.digest_of(token), before)  # the other thread's read
    assert auth.token_record(token) is None
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401


def test_tokens_dead_for_a_month_are_forgotten_at_the_next_sign_in(client, world):
    with time_machine.travel(NOON, tick=False):
        ask_token(client, "congdan")
    with time_machine.travel(NOON + timedelta(days=29), tick=False):
        ask_token(client, "congdan")
        assert ApiToken.objects.count() == 2
    with time_machine.travel(NOON + timedelta(days=31), tick=False):
        ask_token(client, "congdan")
        assert ApiToken.objects.count() == 2


def test_revoking_needs_a_token(client, world):
    assert client.delete("/api/v1/auth/token").status_code == 401


def test_a_deactivated_account_loses_its_tokens(client, world):
    token = ask_token(client, "congdan").json()["token"]
    world["citizen"].is_active = False
    world["citizen"].save()
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer mc_not-a-token", "Basic Y29uZ2RhbjpY", "Bearer " + "x" * 5000],
)
def test_a_bad_authorization_header_is_a_401(client, world, header):
    response = client.get("/api/v1/dossiers", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Cần mã truy cập")


def test_failed_attempts_are_throttled_per_account_whatever_the_address(client, world):
    with time_machine.travel(NOON, tick=False):
        for _ in range(5):
            assert ask_token(client, "congdan", password="sai").status_code == 401
        locked = ask_token(client, "congdan")  # even the right password waits
        assert locked.status_code == 429
        assert int(locked["Retry-After"]) == 300
        assert "thử lại sau" in locked.json()["detail"]
        # Another account is not held up; the same account from another address is (one
        # count per account, whatever door or address: a guesser cannot spread out).
        assert ask_token(client, "khac").status_code == 200
        assert ask_token(client, "congdan", REMOTE_ADDR="10.0.0.9").status_code == 429
    with time_machine.travel(NOON + timedelta(minutes=5, seconds=1), tick=False):
        assert ask_token(client, "congdan").status_code == 200


def test_a_phone_number_counts_as_one_account_however_it_is_written(client, world):
    with time_machine.travel(NOON, tick=False):
        for name in ("0912345678", "+84912345678", "0912 345 678", "84912345678", "0912345678"):
            assert ask_token(client, name, password="sai").status_code == 401
        assert ask_token(client, "+84 912 345 678").status_code == 429


def test_many_failures_from_one_address_are_throttled_whatever_the_name(client, world):
    with time_machine.travel(NOON, tick=False):
        for n in range(30):
            ask_token(client, f"khong-co-{n}", password="sai")
        response = ask_token(client, "congdan")
    assert response.status_code == 429


@pytest.mark.parametrize(
    "body",
    [
        "",
        "[]",
        '"congdan"',
        '{"username": 1, "password": 2}',
        '{"username": "", "password": ""}',
        '{"username": "' + "a" * 10_000 + '", "password": "x"}',
        '{"username": "congdan"}',
        "{not json",
    ],
)
def test_a_malformed_token_request_is_a_4xx(client, world, body):
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_an_account_made_by_createsuperuser_needs_a_code_too(client, world):
    # The finding: a superuser (no kind, so no officer) got a token with its password alone,
    # then read any citizen's dossier.
    admin = User.objects.create_superuser("quantri", "quantri@example.vn", "x")
    assert ask_token(client, "quantri").status_code == 401
    device = enrol_totp_device(admin, confirmed=True)
    with time_machine.travel(NOON, tick=False):
        assert ask_token(client, "quantri", otp="000000").status_code == 401
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        assert ask_token(client, "quantri", otp=current_totp_code(device)).status_code == 200


def test_staff_need_a_code_too(client, world):
    world["citizen"].is_staff = True
    world["citizen"].save()
    response = ask_token(client, "congdan")
    assert response.status_code == 401
    assert "ứng dụng xác thực" in response.json()["detail"]


def test_a_superuser_signs_in_with_a_password_only_when_2fa_is_off(client, world, settings):
    settings.OFFICER_2FA_REQUIRED = False
    User.objects.create_superuser("quantri", "quantri@example.vn", "x")
    assert ask_token(client, "quantri").status_code == 200


def test_wrong_codes_count_as_failed_sign_ins(client, world, announced):
    device = enrol_totp_device(world["receiver"], confirmed=True)
    with time_machine.travel(NOON, tick=False) as clock:
        for _ in range(5):
            clock.shift(timedelta(seconds=20))  # past django-otp's own doubling wait
            assert ask_token(client, "motcua", otp="000000").status_code == 401
        locked = ask_token(client, "motcua", otp=current_totp_code(device))
    assert locked.status_code == 429
    assert names(announced).count("otp.failed") == 5
    assert names(announced).count("signin.throttled") == 1


def test_a_new_password_revokes_every_token(client, world, announced):
    token = ask_token(client, "congdan").json()["token"]
    citizen = User.objects.get(username="congdan")

    citizen.set_password("mat-khau-moi-dai-hon-2026")
    citizen.save(update_fields=["password"])

    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401
    assert ApiToken.objects.get().revoked_at is not None
    assert ("token.revoked", citizen, {"reason": "password_changed", "count": 1}) in announced


def test_deactivating_an_account_revokes_its_tokens_for_good(client, world, announced):
    token = ask_token(client, "congdan").json()["token"]
    citizen = User.objects.get(username="congdan")
    citizen.is_active = False
    citizen.save()
    citizen.is_active = True
    citizen.save()

    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401
    assert ("token.revoked", citizen, {"reason": "deactivated", "count": 1}) in announced


def test_other_changes_to_the_account_keep_its_tokens(client, world):
    token = ask_token(client, "congdan").json()["token"]
    citizen = User.objects.get(username="congdan")
    citizen.full_name = "Tên mới"
    citizen.save()
    citizen.save(update_fields=["last_login"])
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 200


def test_issuing_and_revoking_a_token_are_announced(client, world, announced):
    token = ask_token(client, "congdan").json()["token"]
    client.delete("/api/v1/auth/token", headers=bearer(token))
    assert names(announced) == ["token.issued", "token.revoked"]
    assert token not in repr(announced), "a token is never part of an event"
