"""The dashboards over the demo's Hà Nội (126 wards and communes, each with its committee and
police, the departments): the city view answers with a bounded number of queries, not one
per unit, and every unit under the city is listed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.demo.services import create_demo_accounts, load_demo_agencies, load_demo_catalogue
from motcua.identity.models import Agency, User

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(scope="module")
def hanoi(django_db_setup, django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False), transaction.atomic():
        call_command("load_units", province="01", stdout=StringIO())
        call_command("seed_holidays", stdout=StringIO())
        load_demo_agencies()
        load_demo_catalogue()
        create_demo_accounts()
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_city_view_lists_every_unit_with_a_bounded_number_of_queries(hanoi, client, settings):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(User.objects.get(username="quantri"))
    city = Agency.objects.get(electronic_id="000.00.00.H26")
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == city.children.count() > 126
    assert len(queries) < 50, "\n".join(q["sql"][:120] for q in queries.captured_queries)


def test_a_ward_leader_gets_the_leaders_view_of_the_demo(hanoi, client, settings):
    settings.OFFICER_2FA_REQUIRED = False
    client.force_login(User.objects.get(username="lanhdao.hoankiem"))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 200
    assert [row.agency.name for row in response.context["rows"]] == [
        "Ủy ban nhân dân Phường Hoàn Kiếm"
    ]
