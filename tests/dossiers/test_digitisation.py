"""The three digitisation facts of a dossier (scanned at the desk, reused from the data store,
electronic result) are set as files arrive, counted once in the daily summary on their day,
rebuilt the same, and reported as Decision 766's rates."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage

from motcua.catalog.models import DocumentRequirement
from motcua.demo.pdf import one_page_pdf
from motcua.documents.store import reuse_in_draft, store_files, store_items
from motcua.dossiers.digitisation import mark
from motcua.dossiers.intake import Applicant, Submission, submit_dossier
from motcua.dossiers.models import Channel, DailySummary, Dossier, DossierFile, Draft
from motcua.dossiers.reports import monthly_report
from motcua.dossiers.services import (
    accept_dossier,
    decide_dossier,
    forward_dossier,
    store_upload,
)
from motcua.dossiers.summary import COUNTERS, rebuild
from motcua.dossiers.workflow import WorkflowError

from .world import local

PDF = one_page_pdf("Giay khai sinh")


def _counts(**filters) -> dict[str, int]:
    rows = DailySummary.objects.filter(**filters)
    return {c: sum(getattr(r, c) for r in rows) for c in ("digitised", "reused", "e_results")}


def _desk_submission(world, version_code="1.000001") -> Submission:
    version = world.version(version_code)
    return Submission(
        version=version,
        variant=version.variants.first(),
        agency=world.committee,
        applicant=Applicant(name="Lê Thị Hoa", phone="0911222333", id_number="001190000001"),
        data={"ho_ten_tre": "Lê Minh Khôi"},
    )


def _scan(officer, dossier=None) -> DossierFile:
    return store_upload(
        io.BytesIO(PDF),
        name="scan.pdf",
        uploaded_by=officer,
        dossier=dossier,
        origin=DossierFile.Origin.SCAN,
    )


def test_a_scanned_component_marks_the_dossier_and_counts_on_the_day_of_receipt(world):
    receiver = world["receiver"]
    submission = _desk_submission(world)
    submission.files = [_scan(receiver)]
    dossier = submit_dossier(
        submission=submission,
        submitted_by=receiver,
        channel=Channel.IN_PERSON,
        at=local(2026, 11, 23, 9, 0),
    ).dossier
    assert Dossier.objects.get(pk=dossier.pk).has_digitised
    assert _counts()["digitised"] == 0  # not received yet: the acceptance counts it
    accept_dossier(dossier=dossier, officer=receiver, at=local(2026, 11, 23, 9, 5))
    assert _counts(day=local(2026, 11, 23).date()) == {"digitised": 1, "reused": 0, "e_results": 0}
    # A second scan later changes nothing: the dossier is counted once.
    _scan(receiver, dossier=Dossier.objects.get(pk=dossier.pk))
    assert _counts()["digitised"] == 1


def test_a_scan_after_receipt_is_counted_on_the_day_of_receipt(world):
    dossier = world.submit(at=local(2026, 11, 23, 8, 0))
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 8, 30))
    dossier.refresh_from_db()
    _scan(world["receiver"], dossier=dossier)
    assert _counts(day=local(2026, 11, 23).date())["digitised"] == 1


def test_an_uploaded_file_is_not_digitised(world):
    dossier = world.submit(at=local(2026, 11, 23, 8, 0))
    store_upload(io.BytesIO(PDF), name="a.pdf", uploaded_by=world["citizen"], dossier=dossier)
    assert not Dossier.objects.get(pk=dossier.pk).has_digitised


def _decided(world, at):
    dossier = world.submit(at=at)
    accept_dossier(dossier=dossier, officer=world["receiver"], at=at + timedelta(minutes=5))
    forward_dossier(dossier=dossier, officer=world["receiver"], at=at + timedelta(minutes=10))
    forward_dossier(dossier=dossier, officer=world["specialist"], at=at + timedelta(minutes=20))
    return decide_dossier(
        dossier=dossier, officer=world["approver"], approve=True, at=at + timedelta(hours=1)
    )


def test_an_electronic_result_counts_once_on_the_day_of_the_decision(world):
    dossier = _decided(world, local(2026, 11, 23, 9, 0))
    mark(dossier, "has_e_result")
    mark(dossier, "has_e_result")
    assert _counts(day=local(2026, 11, 23).date())["e_results"] == 1
    with pytest.raises(ValueError):
        mark(dossier, "anything")


def test_the_rebuilt_summary_counts_the_same_and_the_report_gives_the_rates(world, settings):
    # Results are not issued electronically here (MOTCUA_ISSUE_RESULTS=0): marked by hand.
    settings.ISSUE_RESULTS = False
    scanned = _desk_submission(world)
    scanned.files = [_scan(world["receiver"])]
    walk_in = submit_dossier(
        submission=scanned,
        submitted_by=world["receiver"],
        channel=Channel.IN_PERSON,
        at=local(2026, 11, 2, 9, 0),
    ).dossier
    accept_dossier(dossier=walk_in, officer=world["receiver"], at=local(2026, 11, 2, 9, 5))
    first = _decided(world, local(2026, 11, 3, 9, 0))
    mark(first, "has_e_result")
    _decided(world, local(2026, 11, 4, 9, 0))  # decided, no electronic result
    maintained = {(r.day, c): getattr(r, c) for r in DailySummary.objects.all() for c in COUNTERS}
    rebuild()
    assert {(r.day, c): getattr(r, c) for r in DailySummary.objects.all() for c in COUNTERS} == (
        maintained
    )
    total = monthly_report(world.committee, local(2026, 11, 1).date()).total
    assert (total.received, total.digitised, total.resolved, total.e_results) == (3, 1, 2, 1)
    assert str(total.digitised_rate) == "33.3"
    assert str(total.e_result_rate) == "50.0"
    assert str(total.reused_rate) == "0.0"


# --- the data store and reuse ----------------------------------------------------------------


def _requirement(world) -> DocumentRequirement:
    return world.version("1.000001").documents.order_by("position").first()


def _draft(world, citizen) -> Draft:
    version = world.version("1.000001")
    return Draft.objects.create(
        owner=citizen, version=version, variant=version.variants.first(), agency=world.committee
    )


def _earlier_upload(world, citizen) -> DossierFile:
    dossier = world.submit(citizen=citizen, at=local(2026, 11, 2, 9, 0))
    return store_upload(
        io.BytesIO(PDF),
        name="giay-khai-sinh.pdf",
        uploaded_by=citizen,
        dossier=dossier,
        requirement=_requirement(world),
    )


def test_the_store_offers_only_the_citizens_own_papers_once_each(world):
    mine = _earlier_upload(world, world["citizen"])
    again = world.submit(at=local(2026, 11, 3, 9, 0))
    store_upload(io.BytesIO(PDF), name="same.pdf", uploaded_by=world["citizen"], dossier=again)
    theirs = _earlier_upload(world, world["other_citizen"])
    items = store_items(world["citizen"])
    assert len(items) == 1 and items[0].file.sha256 == mine.sha256
    assert theirs.pk not in set(store_files(world["citizen"]).values_list("pk", flat=True))


def test_a_paper_from_the_store_is_reused_without_a_copy_and_marks_the_dossier(world):
    citizen = world["citizen"]
    earlier = _earlier_upload(world, citizen)
    draft = _draft(world, citizen)
    reused = reuse_in_draft(
        draft=draft, requirement=_requirement(world), source_id=earlier.pk, user=citizen
    )
    # Choosing it twice attaches it once.
    assert (
        reuse_in_draft(
            draft=draft, requirement=_requirement(world), source_id=earlier.pk, user=citizen
        )
        == reused
    )
    assert reused.origin == DossierFile.Origin.REUSED and reused.reused_from == earlier
    assert reused.file.name == earlier.file.name  # the same stored object, nothing copied
    assert earlier.dossier.code in reused.source_note
    version = world.version("1.000001")
    dossier = submit_dossier(
        submission=Submission(
            version=version,
            variant=version.variants.first(),
            agency=world.committee,
            applicant=Applicant(name=citizen.full_name, phone=citizen.phone),
            data={"ho_ten_tre": "Nguyễn Văn Bé"},
        ),
        submitted_by=citizen,
        draft=draft,
        at=local(2026, 11, 5, 9, 0),
    ).dossier
    assert Dossier.objects.get(pk=dossier.pk).has_reused
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 5, 9, 30))
    assert _counts(day=local(2026, 11, 5).date())["reused"] == 1


def test_another_citizens_paper_cannot_be_reused(world):
    theirs = _earlier_upload(world, world["other_citizen"])
    draft = _draft(world, world["citizen"])
    with pytest.raises(WorkflowError):
        reuse_in_draft(
            draft=draft, requirement=_requirement(world), source_id=theirs.pk, user=world["citizen"]
        )
    assert not draft.files.exists()


def test_removing_a_reused_file_from_a_draft_keeps_the_original(
    world, django_capture_on_commit_callbacks
):
    from motcua.dossiers.drafts import delete_draft, remove_file

    citizen = world["citizen"]
    earlier = _earlier_upload(world, citizen)
    draft = _draft(world, citizen)
    reused = reuse_in_draft(
        draft=draft, requirement=_requirement(world), source_id=earlier.pk, user=citizen
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert remove_file(draft=draft, file_id=reused.pk)
    assert default_storage.exists(earlier.file.name)
    reuse_in_draft(draft=draft, requirement=_requirement(world), source_id=earlier.pk, user=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        delete_draft(draft=draft)
    assert default_storage.exists(earlier.file.name)
