from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.audit import chain
from motcua.audit.chain import link_waiting
from motcua.audit.models import Entry
from motcua.identity.models import OfficerRole
from tests.factories import make_hanoi

from .conftest import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("backoffice:audit-log")


@pytest.fixture
def world():
    _hanoi, _ward, agency = make_hanoi()
    admin = UserFactory(username="quantri")
    OfficerRole.objects.create(user=admin, role=OfficerRole.Role.SYSTEM_ADMIN)
    unit_admin = UserFactory(username="qtdonvi")
    OfficerRole.objects.create(user=unit_admin, role=OfficerRole.Role.UNIT_ADMIN, agency=agency)
    receiver = UserFactory(username="tiepnhan")
    OfficerRole.objects.create(user=receiver, role=OfficerRole.Role.RECEIVER, agency=agency)
    outsider = UserFactory(username="ngoai")
    for user in (receiver, outsider):
        chain.append("test.action", actor=chain.Actor(user_id=user.pk, name=user.username))
    return {"admin": admin, "unit_admin": unit_admin, "receiver": receiver}


def test_a_system_administrator_reads_every_entry_with_vietnamese_dates(client, settings, world):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(world["admin"])
    response = client.get(URL, {"su_kien": "test"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "tiepnhan" in page and "ngoai" in page
    assert '<th scope="col">Sự kiện</th>' in page
    assert "<label" in page and 'for="id_tu"' in page


def test_a_unit_administrator_reads_only_their_own_officers_entries(client, settings, world):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(world["unit_admin"])
    page = client.get(URL, {"su_kien": "test"}).content.decode()
    assert "tiepnhan" in page and "ngoai" not in page


def test_other_officers_are_refused_and_the_refusal_is_recorded(client, settings, world):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(world["receiver"])
    assert client.get(URL).status_code == 403
    denied = Entry.objects.filter(event="access.denied").order_by("-sequence").first()
    assert (denied.actor, denied.target) == ("tiepnhan", f"GET {URL}")


def test_the_filters_take_a_person_and_dates_in_day_month_year(client, settings, world):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(world["admin"])
    page = client.get(URL, {"nguoi": "ngoai", "tu": "01/01/2020", "den": "31/12/2099"})
    assert "ngoai" in page.content.decode() and "tiepnhan" not in page.content.decode()
    assert client.get(URL, {"tu": "2026-12-01"}).status_code == 400


def test_the_csv_export_is_itself_recorded(client, settings, world):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(world["admin"])
    response = client.get(URL, {"su_kien": "test", "dinh-dang": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"] == "text/csv"
    assert "test.action" in body and "tiepnhan" in body
    link_waiting()  # a read's entry waits for the next holder of the chain's head
    exported = Entry.objects.filter(event="data.exported").order_by("-sequence").first()
    assert exported.target == "audit:log" and exported.actor == "quantri"


def test_the_ledger_csv_download_is_recorded_as_an_export(client, settings, world):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(world["receiver"])
    response = client.get(reverse("backoffice:ledger"), {"dinh-dang": "csv"})
    assert response.status_code == 200
    link_waiting()
    exported = Entry.objects.filter(event="data.exported").order_by("-sequence").first()
    assert (exported.target, exported.detail["format"]) == ("ledger", "csv")


def test_only_those_who_read_the_log_see_the_link_to_it(client, settings, world):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(world["receiver"])
    assert URL not in client.get(reverse("backoffice:home")).content.decode()
    client.force_login(world["admin"])
    assert URL in client.get(reverse("backoffice:home")).content.decode()
