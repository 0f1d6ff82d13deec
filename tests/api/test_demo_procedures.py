"""Every procedure of the demo catalogue answers through the API as its schema says (13 of
the 45 once answered 500: exemptions written as objects, published as strings)."""

from io import StringIO

import pytest
from django.core.management import call_command

from motcua.catalog.models import Procedure
from motcua.demo.services import load_demo_agencies, load_demo_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_catalogue():
    call_command("load_units", province="01", stdout=StringIO())
    load_demo_agencies()
    load_demo_catalogue()


def test_every_demo_procedure_is_served_whole(client, demo_catalogue):
    codes = list(Procedure.objects.order_by("code").values_list("code", flat=True))
    assert len(codes) >= 45
    answers = {code: client.get(f"/api/v1/procedures/{code}").status_code for code in codes}
    assert {code: status for code, status in answers.items() if status != 200} == {}


def test_exemptions_are_read_as_text_and_as_codes_to_claim(client, demo_catalogue):
    procedure = client.get("/api/v1/procedures/1.001193").json()
    claimable = [e for e in procedure["exemptions"] if e["claim"]]
    assert claimable and all(e["code"] and e["text"] for e in claimable)
    assert all(isinstance(text, str) for text in procedure["fee_exemptions"])
    assert claimable[0]["text"] in procedure["fee_exemptions"]
