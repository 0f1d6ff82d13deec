"""Exemptions through the real interfaces: the citizen declares a group when submitting and
sees what she will owe; the desk ticks it for a walk-in; the officer sees the claim to check
and the computed amount; the API takes and returns both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.catalog.loader import load_text
from motcua.catalog.services import import_catalogue
from motcua.dossiers.models import Dossier, Draft
from motcua.dossiers.services import accept_dossier, forward_dossier
from motcua.payments.models import Payment
from tests.api.caller import ApiCaller
from tests.backoffice.dossier_helpers import action_url, page, text
from tests.dossiers.world import build_world

from .test_crediting import _credit
from .test_fees import COPIES

CODE = "2.000635"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.OFFICER_2FA_REQUIRED = False
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    import_catalogue(load_text(COPIES, is_json=False))
    return world


def _choices(world, variant: str = "qua-han", **extra):
    version = world.version(CODE)
    return {
        "variant": version.variants.get(code=variant).pk,
        "agency": world.committee.pk,
        "result_delivery": "desk",
        **extra,
    }


def test_a_citizen_declares_a_group_and_sees_the_bill_before_submitting(client, world):
    client.force_login(world["citizen"])
    start = reverse("portal:submission-start", args=[CODE])
    form = client.get(start)
    body = form.content.decode()
    assert 'name="exemption_claims"' in body and "Miễn lệ phí cho người thuộc hộ nghèo" in body
    # Only groups the applicant declares are offered: not the automatic ones.
    assert 'value="vneid"' not in body
    refused = client.post(start, _choices(world, exemption_claims=["vneid"]))
    assert refused.status_code == 400
    assert "không áp dụng" in refused.content.decode()
    assert not Draft.objects.exists()
    response = client.post(start, _choices(world, exemption_claims=["ho-ngheo"]))
    assert response.status_code == 302
    draft = Draft.objects.get()
    assert draft.exemption_claims == ["ho-ngheo"]
    client.post(response["Location"], {"so_luong": "2"})
    assert Draft.objects.get().data == {"so_luong": 2}
    check = client.get(reverse("portal:draft-check", args=[draft.pk]))
    page_text = text(check)
    assert "Miễn lệ phí cho người thuộc hộ nghèo" in page_text
    # 2 copies × 8.000, 20 % off online (late case); the late charge exempt: 12.800 đồng.
    assert "12.800 đồng" in page_text and "Giảm 20%" in page_text
    done = client.post(
        reverse("portal:draft-check", args=[draft.pk]), {"token": check.context["token"]}
    )
    assert done.status_code == 302, text(done)
    dossier = Dossier.objects.get()
    assert dossier.exemption_claims == ["ho-ngheo"]


def test_the_desk_ticks_a_group_for_a_walk_in_and_the_officer_sees_what_to_check(client, world):
    client.force_login(world["receiver"])
    receive = reverse("backoffice:receive", args=[CODE])
    assert "Miễn lệ phí cho người thuộc hộ nghèo" in client.get(receive).content.decode()
    form = client.get(receive).context["form"]
    data = {
        **_choices(world),
        "channel": "1",
        "applicant_type": "1",
        "name": "Lê Văn Cường",
        "phone": "0901234567",
        "key": form["key"].initial,
        "exemption_claims": ["ho-ngheo", "nguoi-cao-tuoi"],
        "tk0-so_luong": "1",
    }
    response = client.post(receive, data)
    assert response.status_code == 302, text(response)
    dossier = Dossier.objects.get()
    assert dossier.exemption_claims == ["ho-ngheo", "nguoi-cao-tuoi"]
    detail = text(client.get(page(dossier.code)))
    assert "Người nộp kê khai thuộc đối tượng miễn, giảm" in detail
    assert "Giảm 50%" in detail and "4.000 đồng" in detail
    accept_dossier(dossier=dossier, officer=world["receiver"])
    forward_dossier(dossier=Dossier.objects.get(pk=dossier.pk), officer=world["receiver"])
    # The collecting step asked for the computed amount by itself.
    assert Dossier.objects.get(pk=dossier.pk).status == 6


def test_the_officers_request_form_is_prefilled_with_the_bill_after_exemptions(client, world):
    version = world.version("1.000001")
    dossier = world.submit()
    accept_dossier(dossier=dossier, officer=world["receiver"])
    forward_dossier(dossier=Dossier.objects.get(pk=dossier.pk), officer=world["receiver"])
    client.force_login(world["specialist"])
    response = client.get(action_url(dossier.code, "yeu-cau-nop-phi"))
    assert response.context["form"]["amount"].value() == "8.000"
    assert "Phí, lệ phí theo danh mục" in text(response)
    assert version.fees.count() == 1


def test_the_api_takes_claims_refuses_unknown_ones_and_returns_the_bill(client, world):
    citizen = ApiCaller.for_user(client, world["citizen"])
    body = {
        "procedure": CODE,
        "variant": "qua-han",
        "unit": world.committee.electronic_id,
        "data": {"so_luong": 3},
        "exemption_claims": ["ho-ngheo"],
    }
    refused = citizen.post("/dossiers", {**body, "exemption_claims": ["vneid"]})
    assert refused.status_code == 422
    assert "miễn, giảm" in refused.json()["detail"]
    response = citizen.post("/dossiers", body)
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["exemption_claims"] == ["ho-ngheo"]
    fees = out["fees"]
    assert fees["total"] == 24000 * 80 // 100 and fees["complete"] is True
    assert [(line["quantity"], line["exemption"]) for line in fees["lines"]] == [
        (3, "truc-tuyen"),
        (1, "ho-ngheo"),
    ]
    too_many = citizen.post("/dossiers", {**body, "exemption_claims": ["x"] * 21})
    assert too_many.status_code == 422


def test_the_pay_page_explains_the_amount_with_the_bill(client, world):
    dossier = world.submit(CODE, data={"so_luong": 2})
    accept_dossier(dossier=dossier, officer=world["receiver"])
    forward_dossier(dossier=Dossier.objects.get(pk=dossier.pk), officer=world["receiver"])
    client.force_login(world["citizen"])
    response = client.get(reverse("portal:pay", args=[dossier.code]))
    body = text(response)
    assert response.status_code == 200
    assert "Phí cấp bản sao" in body and "16.000 đồng" in body and "Số lượng" in body


def test_the_officer_refuses_a_declared_group_on_the_page_and_the_amount_is_asked_again(
    client, world
):
    dossier = world.submit(CODE, data={"so_luong": 1}, exemption_claims=["nguoi-cao-tuoi"])
    accept_dossier(dossier=dossier, officer=world["receiver"])
    forward_dossier(dossier=Dossier.objects.get(pk=dossier.pk), officer=world["receiver"])
    client.force_login(world["specialist"])
    detail = text(client.get(page(dossier.code)))
    assert "Không chấp nhận miễn, giảm" in detail
    url = action_url(dossier.code, "khong-chap-nhan-mien-giam")
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400 and "Nhập lý do không chấp nhận miễn, giảm." in text(empty)
    assert Dossier.objects.get(pk=dossier.pk).exemption_claims == ["nguoi-cao-tuoi"]
    done = client.post(url, {"reason": "Không xuất trình giấy tờ người cao tuổi"})
    assert done.status_code == 302
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.exemption_claims == [] and dossier.status == 6
    client.force_login(world["citizen"])
    pay = text(client.get(reverse("portal:pay", args=[dossier.code])))
    assert "8.000 đồng" in pay
    # Nothing left to refuse: the action is no longer offered and a crafted post changes nothing.
    client.force_login(world["specialist"])
    assert client.post(url, {"reason": "Lần nữa"}).status_code in (403, 404, 409)


def _collect_at_reception():
    text_ = COPIES.replace(
        "      - {name: In bản sao, role: specialist, unit_level: commune, working_hours: 4,\n"
        "         collects_fees: true}",
        "      - {name: In bản sao, role: specialist, unit_level: commune, working_hours: 4}",
    ).replace(
        "      - {name: Tiếp nhận, role: receiver, unit_level: commune, working_hours: 1}",
        "      - {name: Tiếp nhận, role: receiver, unit_level: commune, working_hours: 1,\n"
        "         collects_fees: true}",
    )
    assert text_.count("collects_fees") == 1 and text_ != COPIES
    import_catalogue(load_text(text_, is_json=False))


def _pdf_text(content: bytes) -> str:
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler's pdftotext is not installed")
    shown = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(shown.stdout.decode().split())


def test_fees_asked_at_reception_put_a_vietqr_on_the_receipt_until_paid(client, world):
    _collect_at_reception()
    dossier = world.submit(CODE, data={"so_luong": 3})
    accept_dossier(dossier=dossier, officer=world["receiver"])
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == 6 and dossier.paused_at is not None
    due = dossier.due_at
    client.force_login(world["receiver"])
    html = client.get(reverse("backoffice:dossier-slip", args=[dossier.code, "01"]))
    assert "<svg" in html.content.decode() and "quét mã VietQR" in text(html)
    assert "24.000 đồng" in text(html)
    payment = Payment.objects.get(dossier=dossier, provider="vietqr", status="pending")
    pdf = client.get(reverse("backoffice:dossier-slip-pdf", args=[dossier.code, "01"]))
    assert pdf.status_code == 200 and payment.reference in _pdf_text(
        b"".join(pdf.streaming_content)
    )
    # The citizen sees the same code on her receipt; no second payment is made for it.
    client.force_login(world["citizen"])
    mine = client.get(reverse("portal:dossier-slip-pdf", args=[dossier.code, "01"]))
    assert payment.reference in _pdf_text(b"".join(mine.streaming_content))
    assert Payment.objects.filter(dossier=dossier).count() == 1
    _credit(payment, txn="FT-01")
    dossier = Dossier.objects.get(pk=dossier.pk)
    # Back to where the fees were asked: accepted, to be forwarded; the clock resumed.
    assert dossier.status == 2 and dossier.paused_at is None and dossier.due_at >= due
    forward_dossier(dossier=dossier, officer=world["receiver"])
    assert Dossier.objects.get(pk=dossier.pk).status == 4
    # Paid: the receipt is issued anew, without a code to pay again.
    client.force_login(world["receiver"])
    again = client.get(reverse("backoffice:dossier-slip-pdf", args=[dossier.code, "01"]))
    assert payment.reference not in _pdf_text(b"".join(again.streaming_content))


def test_an_officer_who_may_only_read_the_dossier_starts_no_payment_by_printing_it(client, world):
    from motcua.dossiers.services import consult_unit

    dossier = world.submit(CODE, data={"so_luong": 1})
    accept_dossier(dossier=dossier, officer=world["receiver"])
    consult_unit(
        dossier=Dossier.objects.get(pk=dossier.pk),
        officer=world["receiver"],
        to_agency=world.police,
        question="Xác minh nơi cư trú",
    )
    forward_dossier(dossier=Dossier.objects.get(pk=dossier.pk), officer=world["receiver"])
    assert Dossier.objects.get(pk=dossier.pk).status == 6
    client.force_login(world["police_specialist"])  # consulted: may read, does not collect
    html = client.get(reverse("backoffice:dossier-slip", args=[dossier.code, "01"]))
    assert html.status_code == 200 and "quét mã VietQR" not in text(html)
    assert not Payment.objects.filter(dossier=dossier).exists()
