"""The agency's internal documents — the control slip (form 04: the officers who handled a
dossier, their notes) and a unit's ledger (form 06: every applicant of a period) — never
download without an officer session that may see them. Their public verification page and
API say only that they exist, their hash and their signature status."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.documents.models import IssuedDocument
from motcua.documents.services import read
from tests.backoffice.dossier_helpers import MONDAY_8, accepted, make_world, text, travel
from tests.dossiers.world import local


@pytest.fixture
def world(db, settings):
    return make_world(settings)


def _control_slip(client, world) -> IssuedDocument:
    with travel(MONDAY_8):
        dossier = accepted(world)
    client.force_login(world["receiver"])
    url = reverse("backoffice:dossier-slip-pdf", args=[dossier.code, "04"])
    assert client.get(url).status_code == 200
    client.logout()
    return IssuedDocument.objects.get(dossier=dossier, kind="04")


def _ledger(client, world) -> IssuedDocument:
    with travel(MONDAY_8):
        accepted(world)
    client.force_login(world["receiver"])
    with travel(local(2026, 11, 24, 9, 0)):
        answer = client.post(
            reverse("backoffice:ledger-pdf"), {"tu": "23/11/2026", "den": "24/11/2026"}
        )
    assert answer.status_code == 200
    client.logout()
    return IssuedDocument.objects.get(kind="06")


INTERNAL = pytest.mark.parametrize("issue", [_control_slip, _ledger], ids=["form-04", "form-06"])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@INTERNAL
def test_an_internal_document_downloads_only_to_an_officer_of_its_agency(client, world, issue):
    document = issue(client, world)
    public = reverse("portal:document-file", args=[document.code])
    officers = reverse("backoffice:document-file", args=[document.code])
    # Anonymous: the public address sends to the back office, which asks for a sign-in.
    sent = client.get(public)
    assert sent.status_code == 302 and sent.url == officers
    assert client.get(officers).url.startswith(reverse("backoffice:login"))
    # A citizen (the applicant of the dossier, for form 04): refused.
    client.force_login(world["citizen"])
    assert client.get(public).status_code == 302
    assert client.get(officers).status_code == 403
    # An officer of another ward: as if the code did not exist.
    client.force_login(world["receiver2"])
    assert client.get(officers).status_code == 404
    # An officer of the issuing agency: the stored, signed file.
    client.force_login(world["receiver"])
    answer = client.get(officers)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert _body(answer) == read(document)


@INTERNAL
def test_the_public_page_of_an_internal_document_shows_only_existence_hash_and_signature(
    client, world, issue
):
    document = issue(client, world)
    page = client.get(reverse("portal:document", args=[document.code]))
    shown = text(page)
    assert page.status_code == 200 and "Văn bản nội bộ của cơ quan" in shown
    assert document.sha256 in shown and "Hợp lệ" in shown
    hidden = [document.title, document.agency.name, document.signer_name]
    if document.dossier is not None:
        hidden += [document.dossier.code, document.dossier.applicant_name]
    assert not [value for value in hidden if value and value in shown]
    by_code = client.get(f"/api/v1/results/{document.code}").json()
    upload = SimpleUploadedFile("x.pdf", read(document), content_type="application/pdf")
    by_file = client.post("/api/v1/results/verify", {"file": upload}).json()
    for answer in (by_code, by_file):
        assert answer["internal"] is True and answer["issued_by_us"] is True
        assert answer["document"] is None and answer["sha256"] == document.sha256
        assert answer["signature"]["valid"] and answer["signature"]["signer_name"] == ""


def test_a_result_still_downloads_from_its_public_address(client, world):
    # What the citizen holds (here the receipt, form 01) stays public by its code.
    with travel(MONDAY_8):
        dossier = accepted(world)
    client.force_login(world["receiver"])
    client.get(reverse("backoffice:dossier-slip-pdf", args=[dossier.code, "01"]))
    client.logout()
    receipt = IssuedDocument.objects.get(dossier=dossier, kind="01")
    answer = client.get(reverse("portal:document-file", args=[receipt.code]))
    assert answer.status_code == 200 and _body(answer) == read(receipt)
    assert client.get(f"/api/v1/results/{receipt.code}").json()["internal"] is False
