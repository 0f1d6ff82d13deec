from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier
from motcua.identity.models import AdministrativeUnit, Agency, OneStopDesk, User
from motcua.opendata import entries
from motcua.opendata.models import PublishedDataset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    # The demo citizens' dossiers come with uploaded PDFs.
    settings.MEDIA_ROOT = tmp_path


def run_demo() -> str:
    out = StringIO()
    # Only the demo citizens' own dossiers: the few hundred others are tested in test_dossiers,
    # the six months of history in test_history.
    call_command("demo", "--no-serve", "--dossiers=0", "--no-history", stdout=out)
    return out.getvalue()


def test_the_demo_loads_everything_and_prints_the_accounts_by_unit():
    text = run_demo()
    assert AdministrativeUnit.objects.count() == 34 + 3321
    assert ProcedureVersion.objects.count() >= 30
    hoan_kiem = Agency.objects.get(unit__code="00070", kind="peoples_committee")
    assert hoan_kiem.is_demo_code and hoan_kiem.electronic_id.endswith(".H26")
    assert Agency.objects.get(electronic_id="000.00.00.H26").is_demo_code is False
    assert OneStopDesk.objects.filter(unit__parent__code="01").count() == 126
    for username in ["congdan", "doanhnghiep", "quantri", "motcua.hoankiem"]:
        assert username in text
        assert User.objects.get(username=username).check_password("MotCua@2026")
    assert TOTPDevice.objects.filter(user__username="motcua.hoankiem", confirmed=True).exists()
    assert Agency.objects.filter(unit__parent__code="01", kind="police").count() == 126
    assert Dossier.objects.filter(applicant__username="congdan").count() >= 12
    assert "Dossiers: " in text and "Outbox: " in text
    # Accounts by unit, then what to try.
    for unit in ["Công dân, doanh nghiệp", "Ủy ban nhân dân Phường Hoàn Kiếm",
                 "Công an Phường Hoàn Kiếm", "Sở Tư pháp Thành phố Hà Nội"]:  # fmt: skip
        assert f"\n  {unit}\n" in text
    assert text.index("chuyenvien.conganhoankiem") > text.index("Công an Phường Hoàn Kiếm")
    for path in [
        "/thu-tuc/2.000986/nop/",
        "/ho-so/",
        "/tra-cuu/",
        "/can-bo/ho-so/",
        "/du-lieu-mo/",
    ]:
        assert path in text
    # The open data are published from what was seeded, by the city's people's committee.
    assert "Open data: 4 datasets under /du-lieu-mo/" in text
    entry = entries.entry("co-quan-don-vi")
    assert entry is not None and entry.publisher_id == "000.00.00.H26"
    assert PublishedDataset.objects.get(slug="co-quan-don-vi").rows == Agency.objects.count()


def test_running_the_demo_twice_keeps_the_same_officer_secrets():
    first = run_demo()
    second = run_demo()
    secrets = [line for line in first.splitlines() if "TOTP secret" in line]
    assert secrets and secrets == [line for line in second.splitlines() if "TOTP secret" in line]
    assert "0 created" in second
    assert "Dossiers: already there, none added." in second


def test_the_demo_refuses_a_negative_number_of_dossiers():
    with pytest.raises(CommandError):
        call_command("demo", "--no-serve", "--dossiers=-1", stdout=StringIO())


def test_the_demo_refuses_to_run_in_production(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo", "--no-serve", stdout=StringIO())
