"""Sign-in through the national identity provider, against a real OpenID Connect provider
started on 127.0.0.1 (tests/portal/oidc_provider.py): the whole authorization-code flow
through its real endpoints, and the ways it must fail."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.urls import reverse

from motcua.identity.models import User
from tests.identity.factories import AccountFactory

from .oidc_provider import Provider, running_provider

pytestmark = pytest.mark.django_db
START = reverse("portal:oidc-start")
CALLBACK = reverse("portal:oidc-callback")
ACCOUNT = reverse("portal:account")
CLAIMS = {
    "name": "Lê Văn Cường",
    "national_id": "001090012345",
    "birthdate": "1990-05-01",
    "phone_number": "+84912345678",
    "email": "cuong@example.vn",
}


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def vneid(settings, provider: Provider) -> Provider:
    settings.OIDC_RP_CLIENT_ID = "motcua-portal"
    settings.OIDC_RP_CLIENT_SECRET = "bi-mat"
    for name, url in provider.endpoints.items():
        setattr(settings, name, url)
    return provider


def _signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def _go_to_provider(client, **params) -> str:
    response = client.get(START, params)
    assert response.status_code == 302
    return str(response.url)


def _back_from_provider(client, location: str):
    back = urlsplit(location)
    assert back.path == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def test_vneid_sign_in_runs_the_authorization_code_flow_and_signs_a_citizen_in(client, vneid):
    vneid.add_person("cong-dan-1", CLAIMS)

    authorize = _go_to_provider(client, next="/thu-tuc/")
    assert authorize.startswith(vneid.endpoints["OIDC_OP_AUTHORIZATION_ENDPOINT"] + "?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == ["motcua-portal"]
    assert query["redirect_uri"] == [f"http://testserver{CALLBACK}"]
    assert query["scope"] == ["openid profile email phone"]
    assert "state" in query and "nonce" in query and "code_challenge" in query

    response = _back_from_provider(client, vneid.sign_in(authorize, "cong-dan-1"))

    assert response.status_code == 302 and response.url == "/thu-tuc/"
    user = _signed_in_user(client)
    assert user is not None and user.oidc_subject == "cong-dan-1"
    assert user.kind == User.Kind.CITIZEN and user.identity_verified
    assert (user.full_name, user.national_id, user.date_of_birth) == (
        "Lê Văn Cường", "001090012345", date(1990, 5, 1),
    )  # fmt: skip
    assert (user.phone, user.email) == ("0912345678", "cuong@example.vn")


def test_signing_in_again_finds_the_same_account_and_lands_on_the_profile(client, vneid):
    vneid.add_person("cong-dan-2", {**CLAIMS, "national_id": "001090054321", "email": ""})
    for _ in range(2):
        client.logout()
        response = _back_from_provider(client, vneid.sign_in(_go_to_provider(client), "cong-dan-2"))
        assert response.url == ACCOUNT
    assert User.objects.filter(oidc_subject="cong-dan-2").count() == 1
    assert "Đã đăng nhập bằng tài khoản định danh điện tử." in client.get(ACCOUNT).content.decode()


def test_a_tampered_state_is_refused(client, vneid):
    vneid.add_person("cong-dan-3", CLAIMS)
    back = urlsplit(vneid.sign_in(_go_to_provider(client), "cong-dan-3"))
    params = {k: v[0] for k, v in parse_qs(back.query).items()}

    response = client.get(CALLBACK, {**params, "state": params["state"] + "x"})

    assert response.status_code == 400
    assert "Yêu cầu đăng nhập không hợp lệ" in response.content.decode()
    assert _signed_in_user(client) is None


def test_an_answer_to_a_sign_in_this_browser_never_started_is_refused(client, vneid):
    vneid.add_person("cong-dan-4", CLAIMS)
    location = vneid.sign_in(_go_to_provider(client), "cong-dan-4")
    client.cookies.clear()  # another browser: no state in its session

    response = _back_from_provider(client, location)

    assert response.status_code == 400
    assert _signed_in_user(client) is None


def test_a_code_is_used_once(client, vneid):
    vneid.add_person("cong-dan-5", CLAIMS)
    location = vneid.sign_in(_go_to_provider(client), "cong-dan-5")
    assert _back_from_provider(client, location).status_code == 302
    client.logout()
    assert _back_from_provider(client, location).status_code == 400


def test_an_id_token_signed_by_another_key_is_refused(client, vneid, settings):
    vneid.add_person("cong-dan-6", CLAIMS)
    with running_provider() as impostor:
        settings.OIDC_OP_JWKS_ENDPOINT = impostor.endpoints["OIDC_OP_JWKS_ENDPOINT"]
        response = _back_from_provider(client, vneid.sign_in(_go_to_provider(client), "cong-dan-6"))
    assert response.status_code == 502
    assert "Không hoàn tất được đăng nhập" in response.content.decode()
    assert _signed_in_user(client) is None
    assert not User.objects.filter(oidc_subject="cong-dan-6").exists()


def test_an_id_token_from_another_issuer_is_refused(client, vneid, settings):
    # The finding: the issuer of ID tokens was never checked.
    settings.OIDC_OP_ISSUER = "https://sso.dichvucong.gov.vn"
    vneid.add_person("cong-dan-9", CLAIMS)
    response = _back_from_provider(client, vneid.sign_in(_go_to_provider(client), "cong-dan-9"))
    assert response.status_code == 502
    assert _signed_in_user(client) is None
    assert not User.objects.filter(oidc_subject="cong-dan-9").exists()


def test_the_person_cancelling_at_the_provider_is_told_so(client, vneid):
    authorize = _go_to_provider(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = client.get(f"{CALLBACK}?{urlencode({'error': 'access_denied', 'state': state})}")
    assert response.status_code == 400
    assert "Bạn đã hủy đăng nhập" in response.content.decode()


def test_an_identity_whose_id_number_another_verified_account_holds_is_refused(client, vneid):
    other = AccountFactory(national_id="001090012345", identity_verified=True, oidc_subject="x")
    vneid.add_person("cong-dan-7", CLAIMS)

    response = _back_from_provider(client, vneid.sign_in(_go_to_provider(client), "cong-dan-7"))

    assert response.status_code == 409
    assert "đã gắn với một tài khoản khác" in response.content.decode()
    assert _signed_in_user(client) is None
    other.refresh_from_db()
    assert other.oidc_subject == "x"


def test_the_verified_owner_signs_in_although_a_profile_typed_in_their_id_number(client, vneid):
    squatter = AccountFactory(national_id="001090012345")
    vneid.add_person("cong-dan-10", CLAIMS)

    response = _back_from_provider(client, vneid.sign_in(_go_to_provider(client), "cong-dan-10"))

    assert response.status_code == 302
    owner = _signed_in_user(client)
    assert owner is not None and owner.pk != squatter.pk
    assert owner.national_id == "001090012345"
    squatter.refresh_from_db()
    assert squatter.national_id == ""


def test_a_citizen_signed_in_with_a_password_links_vneid_from_the_profile(client, vneid):
    user = AccountFactory(phone="0987654321", email="")
    client.force_login(user)
    assert (
        "Liên kết với tài khoản định danh điện tử (VNeID)" in client.get(ACCOUNT).content.decode()
    )
    vneid.add_person("cong-dan-8", {**CLAIMS, "national_id": "001090067890"})

    authorize = _go_to_provider(client, next=ACCOUNT)
    response = _back_from_provider(client, vneid.sign_in(authorize, "cong-dan-8"))

    assert response.url == ACCOUNT
    user.refresh_from_db()
    assert (user.oidc_subject, user.national_id, user.phone) == (
        "cong-dan-8", "001090067890", "0987654321",
    )  # fmt: skip
    assert _signed_in_user(client) == user
