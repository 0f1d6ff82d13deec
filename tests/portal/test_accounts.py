from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from motcua.identity.models import User
from motcua.portal.access import citizen_required
from tests.factories import make_hanoi, make_unit
from tests.identity.factories import PASSWORD, AccountFactory

pytestmark = pytest.mark.django_db
SIGNUP = reverse("portal:signup")
LOGIN = reverse("portal:login")
LOGOUT = reverse("portal:logout")
ACCOUNT = reverse("portal:account")
STRONG = "Hoa-sen-no-2026"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _forget_failed_attempts():
    cache.clear()
    yield
    cache.clear()


def _signup(client, **fields):
    data = {"kind": "citizen", "full_name": "Phạm Thị Lan", "password": STRONG,
            "password_again": STRONG, **fields}  # fmt: skip
    return client.post(SIGNUP, data)


def _signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# Sign-up


def test_a_citizen_signs_up_with_a_phone_and_is_signed_in(client):
    response = _signup(client, phone="+84 912 345 678")
    assert response.status_code == 302 and response.url == ACCOUNT
    user = _signed_in_user(client)
    assert user is not None and user.phone == "0912345678" and user.kind == "citizen"


def test_a_business_signs_up_with_its_name_and_tax_code(client):
    response = _signup(
        client, kind="business", full_name="Trần Thị Bình", email="ketoan@example.vn",
        organisation_name="Công ty TNHH Minh Họa", tax_code="0100109106",
    )  # fmt: skip
    assert response.status_code == 302
    user = _signed_in_user(client)
    assert (user.kind, user.organisation_name, user.tax_code) == (
        "business", "Công ty TNHH Minh Họa", "0100109106",
    )  # fmt: skip


def test_the_sign_up_page_has_labelled_fields_and_password_managers_hints(client):
    page = client.get(SIGNUP).content.decode()
    assert '<label for="id_full_name">' in page
    assert 'autocomplete="new-password"' in page
    assert "<legend>Bạn đăng ký tài khoản cho</legend>" in page


def test_sign_up_needs_a_phone_or_an_email(client):
    response = _signup(client)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nhập số điện thoại hoặc địa chỉ thư điện tử." in page
    assert 'href="#id_phone"' in page
    assert _signed_in_user(client) is None


def test_sign_up_rejects_a_bad_phone_and_a_bad_tax_code(client):
    response = _signup(
        client, kind="business", phone="12345", organisation_name="Công ty",
        tax_code="0100109107",
    )  # fmt: skip
    page = response.content.decode()
    assert "Số điện thoại phải gồm 10 chữ số" in page
    assert "Mã số thuế sai chữ số kiểm tra." in page
    assert User.objects.count() == 0


def test_a_business_must_give_its_name_and_tax_code(client):
    page = _signup(client, kind="business", phone="0912345678").content.decode()
    assert "Nhập tên doanh nghiệp, tổ chức." in page
    assert "Nhập mã số thuế của doanh nghiệp, tổ chức." in page


def test_sign_up_refuses_a_phone_or_email_already_registered(client):
    AccountFactory(phone="0912345678", email="lan@example.vn")
    page = _signup(client, phone="0912345678").content.decode()
    assert "Số điện thoại này đã được dùng cho tài khoản khác." in page
    page = _signup(client, email="LAN@example.vn").content.decode()
    assert "Địa chỉ thư điện tử này đã được dùng cho tài khoản khác." in page
    assert User.objects.count() == 1


def test_sign_up_checks_the_password_twice_and_with_the_validators(client):
    page = _signup(client, phone="0912345678", password_again="khac").content.decode()
    assert "Hai mật khẩu không giống nhau." in page
    page = _signup(
        client, phone="0912345678", password="12345678", password_again="12345678"
    ).content.decode()
    assert 'href="#id_password"' in page
    assert User.objects.count() == 0


def test_sign_up_shows_every_error_at_once(client):
    page = _signup(
        client, full_name="", phone="0912345678", password="12345678", password_again="1"
    ).content.decode()
    assert "Nhập họ và tên." in page
    assert 'href="#id_password"' in page
    assert "Hai mật khẩu không giống nhau." in page


# Sign-in


@pytest.mark.parametrize("identifier", ["0912345678", "+84912345678", "AN@example.vn"])
def test_a_citizen_signs_in_with_a_phone_or_an_email(client, identifier):
    user = AccountFactory(phone="0912345678", email="an@example.vn")
    response = client.post(LOGIN, {"identifier": identifier, "password": PASSWORD})
    assert response.status_code == 302 and response.url == ACCOUNT
    assert _signed_in_user(client) == user


def test_sign_in_goes_back_to_a_safe_next_page_only(client):
    AccountFactory(phone="0912345678")
    data = {"identifier": "0912345678", "password": PASSWORD}
    assert client.post(LOGIN, {**data, "next": "/thu-tuc/"}).url == "/thu-tuc/"
    client.logout()
    assert client.post(LOGIN, {**data, "next": "https://evil.example/"}).url == ACCOUNT


def test_a_wrong_password_gives_a_linked_error(client):
    AccountFactory(phone="0912345678")
    response = client.post(LOGIN, {"identifier": "0912345678", "password": "sai"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Số điện thoại, thư điện tử hoặc mật khẩu không đúng." in page
    assert 'href="#id_identifier"' in page
    assert _signed_in_user(client) is None


def test_five_wrong_passwords_make_the_account_wait_five_minutes(client):
    AccountFactory(phone="0912345678")
    start = datetime(2026, 3, 2, 9, 0, tzinfo=VN)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            client.post(LOGIN, {"identifier": "0912345678", "password": "sai"})
        response = client.post(LOGIN, {"identifier": "+84912345678", "password": PASSWORD})
        assert response.status_code == 429
        assert response["Retry-After"] == "300"
        assert "Vui lòng thử lại sau 5 phút." in response.content.decode()
        assert _signed_in_user(client) is None

        clock.shift(timedelta(minutes=5, seconds=1))
        response = client.post(LOGIN, {"identifier": "0912345678", "password": PASSWORD})
        assert response.status_code == 302


def test_one_address_trying_many_accounts_is_slowed_down_too(client):
    for n in range(20):
        client.post(LOGIN, {"identifier": f"09000000{n:02d}", "password": "sai"})
    AccountFactory(phone="0912345678")
    response = client.post(LOGIN, {"identifier": "0912345678", "password": PASSWORD})
    assert response.status_code == 429


def test_a_successful_sign_in_forgets_the_earlier_failures(client):
    AccountFactory(phone="0912345678")
    for _ in range(4):
        client.post(LOGIN, {"identifier": "0912345678", "password": "sai"})
    client.post(LOGIN, {"identifier": "0912345678", "password": PASSWORD})
    client.logout()
    for _ in range(4):
        client.post(LOGIN, {"identifier": "0912345678", "password": "sai"})
    response = client.post(LOGIN, {"identifier": "0912345678", "password": PASSWORD})
    assert response.status_code == 302


def test_an_officer_account_is_refused_as_a_wrong_password_is(client):
    # The finding: "officer accounts sign in elsewhere" came only after the password
    # matched, telling a guesser that it had. Both answers are now the same.
    AccountFactory(officer=True, username="canbo", phone="0912345678")
    right = client.post(LOGIN, {"identifier": "canbo", "password": PASSWORD})
    wrong = client.post(LOGIN, {"identifier": "canbo", "password": "sai"})

    page = right.content.decode()
    assert right.status_code == wrong.status_code == 200
    assert "Số điện thoại, thư điện tử hoặc mật khẩu không đúng." in page
    assert "Tài khoản cán bộ, công chức đăng nhập tại trang dành cho cán bộ." not in page
    assert _summary(page) == _summary(wrong.content.decode())
    assert _signed_in_user(client) is None


def _summary(page: str) -> str:
    return page[page.index('class="error-summary"') :].split("</div>")[0]


def test_the_sign_in_page_always_points_officers_to_their_own(client):
    page = client.get(LOGIN).content.decode()
    assert f'href="{reverse("backoffice:login")}"' in page
    assert "Đăng nhập dành cho cán bộ" in page


def test_the_sign_in_page_hides_the_vneid_button_when_it_is_not_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "VNeID" not in client.get(LOGIN).content.decode()
    assert client.get(reverse("portal:oidc-start")).status_code == 404
    assert client.get(reverse("portal:oidc-callback")).status_code == 404


def test_the_sign_in_page_offers_vneid_when_it_is_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = "motcua"
    page = client.get(LOGIN, {"next": "/thu-tuc/"}).content.decode()
    assert "Đăng nhập bằng tài khoản định danh điện tử (VNeID)" in page
    assert f"{reverse('portal:oidc-start')}?next=/thu-tuc/" in page


def test_sign_out_is_a_post_and_returns_home(client):
    user = AccountFactory()
    client.force_login(user)
    assert client.get(LOGOUT).status_code == 405
    response = client.post(LOGOUT)
    assert response.url == reverse("portal:home")
    assert _signed_in_user(client) is None


def test_the_header_shows_sign_in_or_the_signed_in_citizen(client):
    assert f'href="{LOGIN}"' in client.get("/ngay-hen-tra/").content.decode()
    client.force_login(AccountFactory(full_name="Nguyễn Văn An"))
    page = client.get("/ngay-hen-tra/").content.decode()
    assert f'<a href="{ACCOUNT}">Nguyễn Văn An</a>' in page
    assert f'action="{LOGOUT}"' in page


# Profile


def test_the_profile_needs_a_citizen_signed_in(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response.url == f"{LOGIN}?next={ACCOUNT}"


def test_the_profile_saves_details_and_the_address_then_redirects(client):
    _, ward, _ = make_hanoi()
    user = AccountFactory(phone="0912345678", email="an@example.vn")
    client.force_login(user)
    response = client.post(ACCOUNT, {
        "full_name": "Nguyễn Văn Ân", "national_id": "001090012345", "date_of_birth": "02/09/1990",
        "phone": "0912345678", "email": "an@example.vn", "address_street": "12 Hàng Bạc",
        "address_unit": ward.code, "action": "save",
    })  # fmt: skip
    assert response.status_code == 302 and response.url == ACCOUNT
    user.refresh_from_db()
    assert user.date_of_birth == date(1990, 9, 2)
    assert user.profile_prefill()["noi_cu_tru"] == (
        "12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội"
    )
    assert "Đã lưu thông tin tài khoản." in client.get(ACCOUNT).content.decode()


def test_the_profile_shows_dates_as_day_month_year_and_groups_wards_by_province(client):
    _, ward, _ = make_hanoi()
    client.force_login(AccountFactory(date_of_birth=date(1990, 9, 2), address_unit=ward))
    page = client.get(ACCOUNT).content.decode()
    assert 'value="02/09/1990"' in page
    assert '<optgroup label="Thành phố Hà Nội">' in page
    assert f'<option value="{ward.code}" selected>Phường Hoàn Kiếm</option>' in page


def test_the_profile_rejects_a_bad_date_and_a_bad_id_number(client):
    client.force_login(AccountFactory())
    response = client.post(ACCOUNT, {
        "full_name": "An", "national_id": "12345", "date_of_birth": "1990-09-02",
        "phone": "0912345678", "action": "save",
    })  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_date_of_birth"' in page
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in page


def test_the_profile_refuses_a_phone_another_account_uses(client):
    AccountFactory(phone="0987654321")
    client.force_login(AccountFactory(phone="0912345678"))
    page = client.post(ACCOUNT, {
        "full_name": "An", "phone": "0987654321", "action": "save",
    }).content.decode()  # fmt: skip
    assert "Số điện thoại này đã được dùng cho tài khoản khác." in page


def test_searching_a_ward_elsewhere_adds_it_to_the_list_without_saving(client, settings):
    make_hanoi()
    hue = make_unit("46", "Thành phố Huế", "province")
    thuan_hoa = make_unit("19753", "Phường Thuận Hóa", "commune", hue)
    user = AccountFactory(full_name="An")
    client.force_login(user)
    response = client.post(ACCOUNT, {
        "full_name": "An đã sửa", "phone": user.phone, "unit_query": "thuan hoa",
        "action": "find-unit",
    })  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="Thành phố Huế">' in page
    assert "Tìm thấy 1 phường, xã khớp với" in page
    assert 'value="An đã sửa"' in page, "what the person typed stays in the form"
    assert User.objects.get(pk=user.pk).full_name == "An"

    response = client.post(ACCOUNT, {
        "full_name": "An", "phone": user.phone, "unit_query": "thuan hoa",
        "address_unit": thuan_hoa.code, "action": "save",
    })  # fmt: skip
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).address_unit == thuan_hoa


def test_a_single_ward_found_is_chosen_for_the_person(client):
    _, ward, _ = make_hanoi()
    user = AccountFactory()
    client.force_login(user)
    page = client.post(ACCOUNT, {
        "full_name": "An", "phone": user.phone, "unit_query": "Hoàn Kiếm", "action": "find-unit",
    }).content.decode()  # fmt: skip
    assert f'<option value="{ward.code}" selected>' in page


def test_pressing_enter_with_no_search_saves_the_profile(client):
    user = AccountFactory()
    client.force_login(user)
    response = client.post(ACCOUNT, {
        "full_name": "An đã sửa", "phone": user.phone, "unit_query": "", "action": "find-unit",
    })  # fmt: skip
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).full_name == "An đã sửa"


def test_details_from_the_identity_provider_are_shown_but_not_editable(client):
    user = AccountFactory(verified=True, full_name="Nguyễn Văn An", date_of_birth=date(1990, 9, 2))
    client.force_login(user)
    page = client.get(ACCOUNT).content.decode()
    assert 'name="full_name"' not in page and 'name="national_id"' not in page
    assert "001090012345" in page and "02/09/1990" in page
    client.post(ACCOUNT, {"full_name": "Người Khác", "national_id": "079090012345",
                          "phone": user.phone, "action": "save"})  # fmt: skip
    user.refresh_from_db()
    assert (user.full_name, user.national_id) == ("Nguyễn Văn An", "001090012345")


def test_a_business_edits_its_name_and_tax_code_on_the_profile(client):
    user = AccountFactory(business=True)
    client.force_login(user)
    response = client.post(ACCOUNT, {
        "full_name": "Trần Thị Bình", "organisation_name": "Công ty Cổ phần Minh Họa",
        "tax_code": "0100109106", "phone": user.phone, "action": "save",
    })  # fmt: skip
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).organisation_name == "Công ty Cổ phần Minh Họa"


# citizen_required


@citizen_required
def _private_view(request):
    return HttpResponse("ok")


def _request_as(user):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/ho-so/nop/?thu_tuc=1.001")
    request.user = user or AnonymousUser()
    return request


def test_citizen_required_sends_a_stranger_to_sign_in_and_back():
    response = _private_view(_request_as(None))
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/ho-so/nop/%3Fthu_tuc%3D1.001"


@pytest.mark.parametrize("trait", [{}, {"business": True}])
def test_citizen_required_lets_citizens_and_businesses_in(trait):
    assert _private_view(_request_as(AccountFactory(**trait))).content == b"ok"


def test_citizen_required_refuses_officers():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _private_view(_request_as(AccountFactory(officer=True)))
