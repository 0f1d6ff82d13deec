"""Issuing through the real pages and API: the approver's decision signs the result, slips and
the ledger download as signed PDFs, anyone verifies a file or a code, the citizen finds the
result in their data store and reuses it in a new dossier."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from motcua.demo.pdf import one_page_pdf
from motcua.documents.models import IssuedDocument
from motcua.documents.services import read
from motcua.dossiers.models import Dossier, DossierFile, Draft
from motcua.dossiers.services import Applicant, Submission, store_upload, submit_dossier
from motcua.dossiers.workflow import Status
from tests.backoffice.dossier_helpers import (
    MONDAY_8,
    accepted,
    act,
    fresh,
    make_world,
    text,
    travel,
)
from tests.dossiers.world import local


@pytest.fixture
def world(db, settings):
    return make_world(settings)


def _to_approver(client, world) -> Dossier:
    with travel(MONDAY_8):
        dossier = accepted(world)
        client.force_login(world["receiver"])
        assert act(client, dossier, "chuyen-buoc").status_code == 302
    client.force_login(world["specialist"])
    with travel(local(2026, 11, 23, 10, 0)):
        assert act(client, dossier, "chuyen-buoc").status_code == 302
    client.force_login(world["approver"])
    return dossier


def _decided(client, world) -> tuple[Dossier, IssuedDocument]:
    dossier = _to_approver(client, world)
    with travel(local(2026, 11, 23, 11, 0)):
        assert act(client, dossier, "phe-duyet", {"decision": "approve"}).status_code == 302
    return fresh(dossier), IssuedDocument.objects.get(dossier=dossier, kind="result")


def test_the_approvers_decision_issues_the_signed_result_into_the_citizens_store(client, world):
    dossier, result = _decided(client, world)
    assert dossier.status == Status.DECIDED and dossier.has_e_result
    assert result.owner == world["citizen"] and result.signer_name == "lanhdao"
    assert result.agency == world.committee and result.number.endswith("/KQ")
    listed = result.dossier_file
    assert (listed.kind, listed.origin, listed.sha256) == ("result", "issued", result.sha256)
    page = client.get(reverse("portal:document", args=[result.code]))
    assert page.status_code == 200 and "Văn bản hợp lệ" in text(page)

    client.force_login(world["citizen"])
    store = text(client.get(reverse("portal:data-store")))
    assert "Kết quả điện tử" in store and result.code in store
    download = client.get(reverse("portal:dossier-file", args=[dossier.code, listed.pk]))
    assert b"".join(download.streaming_content) == read(result)


def test_a_result_that_cannot_be_signed_is_not_decided_either(client, world, settings):
    dossier = _to_approver(client, world)
    settings.SIGNING_KEYS = {"*": {"backend": "pkcs12", "file": "/nonexistent/key.p12"}}
    with travel(local(2026, 11, 23, 11, 0)):
        response = act(client, dossier, "phe-duyet", {"decision": "approve"})
    assert response.status_code == 409
    assert "Chưa có khóa ký số" in text(response)
    after = fresh(dossier)
    assert after.status != Status.DECIDED and not after.has_e_result
    assert not IssuedDocument.objects.exists()
    assert not DossierFile.objects.filter(origin="issued").exists()


def test_a_rejection_issues_a_signed_refusal_notice(client, world):
    dossier = _to_approver(client, world)
    with travel(local(2026, 11, 23, 11, 0)):
        response = act(client, dossier, "phe-duyet", {"decision": "reject", "note": "Thiếu hồ sơ"})
    assert response.status_code == 302
    notice = IssuedDocument.objects.get(dossier=dossier, kind="result")
    assert notice.title == "Thông báo từ chối giải quyết hồ sơ"


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler-utils not installed")
def test_the_receipt_downloads_as_a_signed_pdf_once_and_only_to_who_may_see_it(
    client, world, tmp_path
):
    with travel(MONDAY_8):
        dossier = accepted(world)
    client.force_login(world["receiver"])
    url = reverse("backoffice:dossier-slip-pdf", args=[dossier.code, "01"])
    first = client.get(url)
    assert first["Content-Type"] == "application/pdf"
    content = b"".join(first.streaming_content)
    assert b"".join(client.get(url).streaming_content) == content  # stored once, served again
    assert IssuedDocument.objects.filter(dossier=dossier, kind="01").count() == 1
    assert (
        client.get(reverse("backoffice:dossier-slip-pdf", args=[dossier.code, "03"])).status_code
        == 404
    )
    (tmp_path / "01.pdf").write_bytes(content)
    checked = subprocess.run(
        ["pdfsig", str(tmp_path / "01.pdf")], capture_output=True, text=True, check=False
    )
    assert "Signature is Valid" in checked.stdout
    # The citizen downloads the same document; another citizen and another ward get 404.
    client.force_login(world["citizen"])
    mine = client.get(reverse("portal:dossier-slip-pdf", args=[dossier.code, "01"]))
    assert b"".join(mine.streaming_content) == content
    client.force_login(world["other_citizen"])
    assert (
        client.get(reverse("portal:dossier-slip-pdf", args=[dossier.code, "01"])).status_code == 404
    )
    client.force_login(world["receiver2"])
    assert client.get(url).status_code == 404


def test_the_ledger_downloads_as_a_signed_form_06(client, world):
    with travel(MONDAY_8):
        accepted(world)
    client.force_login(world["receiver"])
    with travel(local(2026, 11, 24, 9, 0)):
        response = client.post(
            reverse("backoffice:ledger-pdf"), {"tu": "23/11/2026", "den": "24/11/2026"}
        )
    assert response["Content-Type"] == "application/pdf"
    ledger = IssuedDocument.objects.get(kind="06")
    assert ledger.dossier is None and ledger.agency == world.committee
    bad = client.post(reverse("backoffice:ledger-pdf"), {"tu": "24/11/2026", "den": "01/11/2026"})
    assert bad.status_code == 400 and "Ngày kết thúc" in text(bad)
    assert client.get(reverse("backoffice:ledger-pdf")).status_code == 405


def _tampered(content: bytes) -> bytes:
    # One byte inside the signed range, in the page's text: what a forger would change.
    at = content.index(b"/Producer")
    return content[:at] + b"/Produc3r" + content[at + 9 :]


def test_anyone_verifies_a_file_and_a_changed_byte_is_reported_tampered(client, world):
    _dossier, result = _decided(client, world)
    client.logout()
    original = read(result)
    url = reverse("portal:verify")
    valid = client.post(url, {"file": _upload(original)})
    assert valid.status_code == 200 and "Văn bản hợp lệ" in text(valid)
    tampered = client.post(url, {"file": _upload(_tampered(original))})
    assert "Văn bản đã bị sửa đổi sau khi ký" in text(tampered)
    api = client.post("/api/v1/results/verify", {"file": _upload(_tampered(original))})
    assert api.json()["verdict"] == "tampered" and api.json()["issued_by_us"] is False
    good = client.post("/api/v1/results/verify", {"file": _upload(original)}).json()
    assert good["verdict"] == "valid" and good["document"]["code"] == result.code
    assert good["signature"]["trusted"] and good["signature"]["signer_name"]
    by_code = client.get(f"/api/v1/results/{result.code}").json()
    assert by_code["verdict"] == "valid" and by_code["sha256"] == result.sha256


def _upload(content: bytes, name: str = "ket-qua.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_verification_answers_bad_input_with_4xx_in_vietnamese(client, db):
    url = reverse("portal:verify")
    assert client.get(url).status_code == 200
    empty = client.post(url, {})
    assert empty.status_code == 400 and "Chọn tệp PDF hoặc nhập mã văn bản" in text(empty)
    unknown = client.post(url, {"code": "ABCDEFGHJKMNPQRS"})
    assert unknown.status_code == 404 and "Không tìm thấy văn bản" in text(unknown)
    junk = client.post(url, {"file": _upload(b"not a pdf at all")})
    assert junk.status_code == 200 and "không phải PDF hợp lệ" in text(junk)
    assert client.get(reverse("portal:document", args=["NOPE"])).status_code == 404
    assert client.get("/api/v1/results/ABCDEFGHJKMNPQRS").status_code == 404
    assert client.post("/api/v1/results/verify", {}).status_code == 422
    empty_file = client.post("/api/v1/results/verify", {"file": _upload(b"")})
    assert empty_file.status_code == 422


def test_verification_is_counted_per_address(client, db, settings):
    settings.LOOKUP_PER_MINUTE = 2
    for _ in range(2):
        assert client.get("/api/v1/results/ABCDEFGHJKMNPQRS").status_code == 404
    refused = client.get("/api/v1/results/ABCDEFGHJKMNPQRS")
    assert refused.status_code == 429 and refused["Retry-After"]


def test_the_citizen_reuses_the_result_in_a_new_dossier_and_the_officer_sees_its_source(
    client, world
):
    _first, result = _decided(client, world)
    citizen = world["citizen"]
    client.force_login(citizen)
    version = world.version("1.000001")
    draft = Draft.objects.create(
        owner=citizen, version=version, variant=version.variants.first(), agency=world.committee
    )
    requirement = version.documents.order_by("position").first()
    url = reverse("portal:draft-attachments", args=[draft.pk])
    page = text(client.get(url))
    assert "Hoặc dùng giấy tờ đã có trong kho dữ liệu của bạn" in page
    response = client.post(url, {"requirement": requirement.pk, "reuse": result.dossier_file.pk})
    assert response.status_code == 302
    reused = draft.files.get()
    assert reused.origin == "reused" and reused.reused_from == result.dossier_file
    assert result.code in reused.source_note
    # Someone else's file, or nothing chosen: a 400 with the reason, nothing more attached.
    theirs = world.submit(citizen=world["other_citizen"], at=local(2026, 11, 24, 9, 0))
    their_file = store_upload(
        io.BytesIO(one_page_pdf("Cua nguoi khac")), name="x.pdf",
        uploaded_by=world["other_citizen"], dossier=theirs,
    )  # fmt: skip
    refused = client.post(url, {"requirement": requirement.pk, "reuse": their_file.pk})
    assert refused.status_code == 400 and "Không tìm thấy giấy tờ này" in text(refused)
    nothing = client.post(url, {"requirement": requirement.pk, "reuse": ""})
    assert nothing.status_code == 400 and "Chọn một giấy tờ" in text(nothing)
    assert draft.files.count() == 1
    client.force_login(world["other_citizen"])
    assert client.get(url).status_code == 404
    # Submitted, the dossier counts as reusing data, and the officer sees where it came from.
    new = submit_dossier(
        submission=Submission(
            version=version,
            variant=version.variants.first(),
            agency=world.committee,
            applicant=Applicant(name=citizen.full_name, phone=citizen.phone),
            data={"ho_ten_tre": "Nguyễn Văn Bé"},
        ),
        submitted_by=citizen,
        draft=draft,
    ).dossier
    assert Dossier.objects.get(pk=new.pk).has_reused
    client.force_login(world["receiver"])
    seen = text(client.get(reverse("backoffice:dossier", args=[new.code])))
    assert "Tái sử dụng từ kho dữ liệu" in seen and result.code in seen


def test_through_the_api_the_citizen_lists_the_store_and_reuses_a_result(client, world):
    _first, result = _decided(client, world)
    from tests.api.caller import ApiCaller

    citizen = ApiCaller.for_user(client, world["citizen"])
    items = citizen.get("/store").json()
    mine = next(item for item in items if item["document_code"] == result.code)
    new = world.submit(at=local(2026, 11, 24, 9, 0))
    requirement = new.version.documents.order_by("position").first()
    url = f"/dossiers/{new.code}/files/reuse"
    added = citizen.post(url, {"source": mine["id"], "requirement": requirement.pk})
    assert added.status_code == 201 and added.json()["origin"] == "reused"
    assert result.code in added.json()["source"]
    assert Dossier.objects.get(pk=new.pk).has_reused
    assert citizen.post(url, {"source": 999999}).status_code == 422
    other = ApiCaller.for_user(client, world["other_citizen"])
    assert other.post(url, {"source": mine["id"]}).status_code == 404


def test_the_citizen_never_gets_the_internal_control_slip(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
    client.force_login(world["citizen"])
    assert (
        client.get(reverse("portal:dossier-slip-pdf", args=[dossier.code, "04"])).status_code == 404
    )
    assert not IssuedDocument.objects.filter(kind="04").exists()


def test_a_document_is_issued_in_vietnamese_whatever_the_screens_language(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
    client.force_login(world["citizen"])
    client.cookies["django_language"] = "en"
    assert "My dossiers" in text(client.get(reverse("portal:dossier-list")))  # English screens
    response = client.get(reverse("portal:dossier-slip-pdf", args=[dossier.code, "01"]))
    assert response.status_code == 200
    receipt = IssuedDocument.objects.get(kind="01")
    assert receipt.title == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    if shutil.which("pdftotext"):
        shown = subprocess.run(
            ["pdftotext", "-", "-"], input=read(receipt), capture_output=True, check=False
        ).stdout.decode()
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in shown and "REPUBLIC" not in shown


def test_odd_numbers_in_the_reuse_form_are_a_4xx_not_a_crash(client, world):
    citizen = world["citizen"]
    version = world.version("1.000001")
    draft = Draft.objects.create(
        owner=citizen, version=version, variant=version.variants.first(), agency=world.committee
    )
    client.force_login(citizen)
    url = reverse("portal:draft-attachments", args=[draft.pk])
    requirement = version.documents.first()
    for fields in (
        {"requirement": "²", "reuse": "1"},
        {"requirement": "9" * 5000, "reuse": "1"},
        {"requirement": requirement.pk, "reuse": "²"},
        {"requirement": requirement.pk, "reuse": "9" * 5000},
    ):
        assert client.post(url, fields).status_code in (400, 404), fields


def test_a_walk_in_result_reaches_the_store_of_the_citizen_with_that_verified_id(client, world):
    from motcua.dossiers.models import Channel
    from motcua.dossiers.services import accept_dossier, decide_dossier, forward_dossier

    citizen = world["citizen"]
    citizen.national_id, citizen.identity_verified = "001090099999", True
    citizen.save()
    version = world.version("1.000001")
    with travel(MONDAY_8):
        dossier = submit_dossier(
            submission=Submission(
                version=version,
                variant=version.variants.first(),
                agency=world.committee,
                applicant=Applicant(name=citizen.full_name, id_number="001090099999"),
                data={"ho_ten_tre": "Nguyễn Văn Bé"},
            ),
            submitted_by=world["receiver"],
            channel=Channel.IN_PERSON,
        ).dossier
        accept_dossier(dossier=dossier, officer=world["receiver"])
        forward_dossier(dossier=dossier, officer=world["receiver"])
        forward_dossier(dossier=dossier, officer=world["specialist"])
        decide_dossier(dossier=dossier, officer=world["approver"], approve=True)
    result = IssuedDocument.objects.get(dossier=dossier, kind="result")
    assert result.owner == citizen
    client.force_login(citizen)
    store = client.get(reverse("portal:data-store"))
    assert result.code in text(store)
    download = client.get(reverse("portal:document-file", args=[result.code]))
    assert b"".join(download.streaming_content) == read(result)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=read(result), capture_output=True).stdout
        assert b"Tagged:          yes" in info  # structure for screen readers


def test_a_linked_group_decided_by_the_system_leaves_a_signed_notice_of_its_results(world):
    # The 3-in-1 parent is decided by no officer, once its children are: the same move as an
    # approver's decision, so it issues its signed result too — the notice of the group.
    from motcua.documents.verification import verify_pdf
    from motcua.dossiers.services import accept_dossier, decide_dossier, forward_dossier

    with travel(MONDAY_8):
        parent = world.submit("2.000003")
        accept_dossier(dossier=parent, officer=world["receiver"])
        officers = {"1.000001": ("specialist", "approver"),
                    "1.000002": ("police_specialist", "police_approver"),
                    "H26-BHYT-01": ("bhxh_specialist", "bhxh_approver")}  # fmt: skip
        for child in fresh(parent).children.all():
            specialist, approver = officers[child.version.procedure.code]
            forward_dossier(dossier=child, officer=world[specialist])
            decide_dossier(dossier=fresh(child), officer=world[approver], approve=True)
    parent = fresh(parent)
    assert parent.status == Status.DECIDED and parent.has_e_result
    notice = IssuedDocument.objects.get(dossier=parent, kind="result")
    assert notice.signed_by is None and notice.signer_name == world.committee.name
    assert notice.title == "Thông báo kết quả giải quyết hồ sơ liên thông"
    content = read(notice)
    assert verify_pdf(content).verdict == "valid"
    children = list(parent.children.all())
    results = IssuedDocument.objects.filter(dossier__in=children, kind="result")
    assert results.count() == 3  # each child's own result, signed by its agency
    if shutil.which("pdftotext"):
        words = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True)
        listed = " ".join(words.stdout.decode().split())
        assert all(child.code in listed for child in children)
        assert all(result.code in listed for result in results)
