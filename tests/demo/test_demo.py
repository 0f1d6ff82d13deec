from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.catalog.models import ProcedureVersion
from motcua.identity.models import AdministrativeUnit, Agency, OneStopDesk, User

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def test_the_demo_loads_everything_and_prints_the_accounts():
    text = run_demo()
    assert AdministrativeUnit.objects.count() == 34 + 3321
    assert ProcedureVersion.objects.count() >= 30
    hoan_kiem = Agency.objects.get(unit__code="00070")
    assert hoan_kiem.is_demo_code and hoan_kiem.electronic_id.endswith(".H26")
    assert Agency.objects.get(electronic_id="000.00.00.H26").is_demo_code is False
    assert OneStopDesk.objects.filter(unit__parent__code="01").count() == 126
    for username in ["congdan", "doanhnghiep", "quantri", "motcua.hoankiem"]:
        assert username in text
        assert User.objects.get(username=username).check_password("MotCua@2026")
    assert TOTPDevice.objects.filter(user__username="motcua.hoankiem", confirmed=True).exists()


def test_running_the_demo_twice_keeps_the_same_officer_secrets():
    first = run_demo()
    second = run_demo()
    secrets = [line for line in first.splitlines() if "TOTP secret" in line]
    assert secrets and secrets == [line for line in second.splitlines() if "TOTP secret" in line]
    assert "0 created" in second


def test_the_demo_refuses_to_run_in_production(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo", "--no-serve", stdout=StringIO())
