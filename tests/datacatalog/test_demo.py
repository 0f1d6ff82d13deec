from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.core.models import OutboxMessage
from motcua.datacatalog import diff, selectors, services
from motcua.datacatalog.models import Proposal, ProposalStatus
from motcua.datacatalog.reminders import remind_due_review
from motcua.demo.data_catalogue import seed_demo_data_catalogue
from motcua.identity.models import User
from motcua.opendata import catalogue_source, entries


@pytest.fixture
def demo(db, settings):
    settings.DATA_COORDINATOR = "000.00.09.H26"
    call_command("load_units", verbosity=0)
    from motcua.demo.services import create_demo_accounts, load_demo_agencies

    load_demo_agencies()
    create_demo_accounts()
    assert seed_demo_data_catalogue() == 10 and seed_demo_data_catalogue() == 0


def test_version_one_six_months_ago_and_a_proposal_waiting(demo):
    version = selectors.current_version()
    assert version.number == 1
    assert selectors.review_due_on(version) == timezone.localdate()
    codes = {d.code for d in selectors.databases_of(version)}
    assert {"CSDL-HSTTHC", "CSDL-TTHC", "CSDL-PAKN", "CSDL-HT", "CSDL-DD", "CSDL-DC"} <= codes
    (waiting,) = selectors.review_queue()
    assert waiting.code == "CSDL-DD" and waiting.kind == "change"


def test_the_coordinator_is_reminded_today(demo):
    assert remind_due_review(timezone.now()) is not None
    (message,) = OutboxMessage.objects.all()
    assert message.recipient == "chuyenvien.sokhcn@demo.motcua.vn"


def test_only_open_databases_without_personal_data_are_datasets(demo):
    before = dict(entries._SOURCES)
    catalogue_source.register()
    try:
        found = {e.slug: e for e in entries.entries() if e.source == "catalogue"}
    finally:
        entries._SOURCES.clear()
        entries._SOURCES.update(before)
    assert set(found) == {"csdl-tthc", "csdl-cqdv", "danh-muc-co-so-du-lieu"}
    assert found["csdl-cqdv"].publisher_id == "000.00.08.H26"


def test_the_waiting_proposal_moves_through_review_and_approval(demo):
    proposal = Proposal.objects.get(status=ProposalStatus.SUBMITTED)
    services.review_proposal(proposal=proposal, decision="accept", note="Đồng ý",
                             by=User.objects.get(username="chuyenvien.sokhcn"))  # fmt: skip
    v2 = services.approve_version(by=User.objects.get(username="lanhdao.ubndtp"),
                                  effective_from=date.today())  # fmt: skip
    changes = diff.differences(selectors.specs_of(selectors.previous_of(v2)),
                               selectors.specs_of(v2))  # fmt: skip
    (land,) = changes.changed
    assert [f.name for f in land.fields_added] == ["Giá đất theo bảng giá", "Biến động gần nhất"]
