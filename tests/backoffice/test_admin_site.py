from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from motcua.core.models import Holiday
from motcua.identity.second_factor import enrol_totp_device

LOGIN = reverse("backoffice:login")
ADMIN = reverse("admin:index")


@pytest.fixture
def verified_staff(client, staff, sign_in):
    enrol_totp_device(staff, confirmed=True)
    sign_in(staff)
    return staff


@pytest.mark.django_db
def test_the_admin_sends_an_unverified_staff_user_to_our_login(client, staff):
    client.force_login(staff)

    response = client.get(ADMIN, follow=True)

    assert response.redirect_chain[-1][0] == f"{LOGIN}?next={ADMIN}"


@pytest.mark.django_db
def test_the_admin_login_form_is_never_shown(client):
    response = client.get(reverse("admin:login"))
    assert response.url == f"{LOGIN}?next={ADMIN}"


@pytest.mark.django_db
def test_verified_staff_reaches_the_admin_index(client, verified_staff):
    response = client.get(ADMIN)
    assert response.status_code == 200
    assert "Quản trị Một Cửa" in response.content.decode()


@pytest.mark.django_db
def test_a_verified_officer_who_is_not_staff_is_refused_without_a_redirect_loop(
    client, officer, device, sign_in
):
    sign_in(officer)
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_relaxed_setting_lets_staff_in_with_a_password_only(client, settings, staff):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(staff)
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_every_registered_model_has_a_working_list_and_add_page(client, verified_staff, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code in (200, 403)


@pytest.mark.django_db
def test_saving_a_holiday_in_the_admin_marks_it_as_the_admins(client, verified_staff):
    holiday = Holiday.objects.create(
        date=datetime.date(2026, 9, 2), name="Quốc khánh", source=Holiday.Source.PACKAGE
    )
    url = reverse("admin:core_holiday_change", args=[holiday.pk])

    response = client.post(url, {"date": "2026-09-02", "kind": "day_off", "name": "Quốc khánh"})

    holiday.refresh_from_db()
    assert response.status_code == 302
    assert holiday.source == Holiday.Source.ADMIN


@pytest.mark.django_db
def test_the_holiday_list_filters_by_year(client, verified_staff):
    Holiday.objects.create(date=datetime.date(2025, 9, 2), name="Quốc khánh 2025")
    Holiday.objects.create(date=datetime.date(2026, 9, 2), name="Quốc khánh 2026")

    page = client.get(reverse("admin:core_holiday_changelist"), {"year": "2026"})

    assert "Quốc khánh 2026" in page.content.decode()
    assert "Quốc khánh 2025" not in page.content.decode()
