from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.identity.models import AdministrativeUnit, Agency, OfficerRole

from .conftest import UserFactory

HOME = reverse("backoffice:home")
LOGIN = reverse("backoffice:login")


@pytest.mark.django_db
def test_home_sends_a_stranger_to_sign_in(client):
    assert client.get(HOME).url == f"{LOGIN}?next={HOME}"


@pytest.mark.django_db
def test_home_forbids_a_citizen(client):
    client.force_login(UserFactory(citizen=True))
    assert client.get(HOME).status_code == 403


@pytest.mark.django_db
def test_home_sends_an_officer_without_the_second_factor_to_sign_in(client, officer):
    client.force_login(officer)
    assert client.get(HOME).url.startswith(LOGIN)


@pytest.mark.django_db
def test_home_greets_the_officer_and_lists_roles_and_agencies(client, officer, device, sign_in):
    unit = AdministrativeUnit.objects.create(
        code="00070", name="Phường Hoàn Kiếm", level="commune", division_type="phường"
    )
    agency = Agency.objects.create(
        electronic_id="000.00.01.H26", name="UBND phường Hoàn Kiếm", kind="peoples_committee",
        unit=unit,
    )  # fmt: skip
    OfficerRole.objects.create(user=officer, role=OfficerRole.Role.RECEIVER, agency=agency)
    sign_in(officer)

    page = client.get(HOME).content.decode()

    assert "Xin chào Nguyễn Thị Hoa" in page
    assert "Cán bộ tiếp nhận (một cửa)" in page
    assert "UBND phường Hoàn Kiếm" in page
    assert reverse("admin:index") not in page, "only staff see the admin link"


@pytest.mark.django_db
def test_home_links_staff_to_the_admin(client, staff, sign_in):
    from motcua.identity.second_factor import enrol_totp_device

    enrol_totp_device(staff, confirmed=True)
    sign_in(staff)
    assert reverse("admin:index") in client.get(HOME).content.decode()


@pytest.mark.django_db
def test_a_signed_in_officer_skips_the_login_page(client, officer, device, sign_in):
    sign_in(officer)
    assert client.get(LOGIN).url == HOME
