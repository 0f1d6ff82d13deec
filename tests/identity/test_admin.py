from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.identity.models import AdministrativeUnit, Agency, OfficerRole, User


@pytest.fixture
def admin_client(client, settings, django_user_model):
    # The second factor has its own tests (tests/backoffice); these are about the admin pages.
    settings.OFFICER_2FA_REQUIRED = False
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "x")
    client.force_login(user)
    return client


@pytest.fixture
def agency() -> Agency:
    unit = AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", level="province", division_type="thành phố"
    )
    return Agency.objects.create(
        electronic_id="000.00.00.H26", name="UBND Thành phố Hà Nội",
        kind=Agency.Kind.PEOPLES_COMMITTEE, unit=unit,
    )  # fmt: skip


@pytest.mark.django_db
def test_the_user_form_shows_the_profile_fields_and_officer_roles(admin_client, agency):
    officer = User.objects.create_user("canbo", kind=User.Kind.OFFICER, full_name="Lê Thị Mai")
    OfficerRole.objects.create(user=officer, role=OfficerRole.Role.APPROVER, agency=agency)

    page = admin_client.get(reverse("admin:identity_user_change", args=[officer.pk]))

    html = page.content.decode()
    for name in ("kind", "full_name", "phone", "national_id", "tax_code", "date_of_birth"):
        assert f'name="{name}"' in html
    assert 'name="roles-0-role"' in html


@pytest.mark.django_db
def test_an_admin_creates_an_officer_with_a_kind(admin_client):
    response = admin_client.post(reverse("admin:identity_user_add"), {
        "username": "motcua.moi", "usable_password": "false", "kind": "officer",
        "full_name": "Phạm Văn Nam",
        "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
    })  # fmt: skip

    assert response.status_code == 302
    user = User.objects.get(username="motcua.moi")
    assert (user.kind, user.full_name) == ("officer", "Phạm Văn Nam")
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_units_are_searchable_by_code(admin_client, agency):
    page = admin_client.get(reverse("admin:identity_administrativeunit_changelist"), {"q": "01"})
    assert "Thành phố Hà Nội" in page.content.decode()


@pytest.mark.django_db
def test_units_filter_by_level(admin_client, agency):
    url = reverse("admin:identity_administrativeunit_changelist")
    assert "Thành phố Hà Nội" not in admin_client.get(url, {"level": "commune"}).content.decode()


@pytest.mark.django_db
def test_the_desk_form_picks_agencies_side_by_side(admin_client, agency):
    page = admin_client.get(reverse("admin:identity_onestopdesk_add"))
    assert 'class="selectfilter"' in page.content.decode()
