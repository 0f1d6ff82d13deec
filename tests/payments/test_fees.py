"""What a dossier owes: the catalogue's fees times the units the form asks for, less the most
favourable exemption whose conditions hold; asked for automatically at the procedure's step."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.catalog.fees import Facts, compute_bill, exemptions_of, quantity
from motcua.catalog.loader import CatalogueFileError, load_text
from motcua.catalog.services import import_catalogue
from motcua.dossiers.fees import bill_for, draft_bill
from motcua.dossiers.intake import SubmissionRejected
from motcua.dossiers.models import Dossier, DossierEvent, Draft
from motcua.dossiers.services import (
    WorkflowError,
    accept_dossier,
    forward_dossier,
    refuse_exemption_claims,
    send_back_dossier,
)
from motcua.dossiers.workflow import Action, Status
from motcua.payments.services import start_payment
from tests.dossiers.world import local

from .test_crediting import _credit

COPIES = """
format: motcua-catalogue/1
procedures:
  - code: "2.000635"
    name: Cấp bản sao trích lục hộ tịch
    field: ho-tich
    effective_from: 2025-07-01
    levels: [commune]
    agency_kinds: [peoples_committee]
    online_level: full
    applicant_types: [citizen]
    variants:
      - {code: mac-dinh, name: Thông thường, time_limit: {value: 1, unit: working_days}}
      - {code: qua-han, name: Quá hạn, time_limit: {value: 1, unit: working_days}}
    fee_exemptions:
      - Chỉ là chữ, không áp dụng.
      - code: vneid
        text: Miễn phí cho công dân có tài khoản định danh điện tử mức 2
        applies_to: fee
        identity_verified: true
        valid_from: 2026-08-15
        valid_until: 2027-02-28
      - code: ho-ngheo
        text: Miễn lệ phí cho người thuộc hộ nghèo
        applies_to: charge
        claim: true
      - code: nguoi-cao-tuoi
        text: Giảm 50% cho người cao tuổi
        percent: 50
        claim: true
      - code: truc-tuyen
        text: Giảm 20% khi nộp trực tuyến (trường hợp quá hạn)
        percent: 20
        channels: [online]
        variants: [qua-han]
      - code: tu-khai
        text: Giảm 10% cho người tự khai trực tuyến (quá hạn)
        percent: 10
        claim: true
        channels: [online]
        variants: [qua-han]
    fees:
      - {kind: fee, name: Phí cấp bản sao, amount: 8000, unit: đồng/bản, quantity_field: so_luong}
      - {kind: charge, name: Lệ phí đăng ký quá hạn, amount: 5000, variant: qua-han}
      - {kind: charge, name: Lệ phí không thu, amount: 0}
    steps:
      - {name: Tiếp nhận, role: receiver, unit_level: commune, working_hours: 1}
      - {name: In bản sao, role: specialist, unit_level: commune, working_hours: 4,
         collects_fees: true}
      - {name: Ký, role: approver, unit_level: commune, working_hours: 3}
      - {name: Trả kết quả, role: receiver, unit_level: commune, working_hours: 0}
    form_schema:
      type: object
      required: [so_luong]
      properties:
        so_luong: {type: integer, title: Số bản, minimum: 1, maximum: 20}
"""


@pytest.fixture
def copies(world):
    import_catalogue(load_text(COPIES, is_json=False))
    return world.version("2.000635")


def _facts(**overrides) -> Facts:
    values = {"variant": "mac-dinh", "channel": "in_person", "on": date(2026, 12, 4)}
    return Facts(**{**values, **overrides})


def _applied(bill) -> list[str]:
    """The exemption applied to each line that has one, in line order."""
    return [line.exemption.code for line in bill.lines if line.exemption is not None]


def _bill(version, variant: str = "mac-dinh", **facts):
    variant_id = version.variants.get(code=variant).pk
    return compute_bill(version, variant_id, _facts(variant=variant, **facts))


def test_a_fee_per_copy_counts_the_copies_the_form_asks_for(copies):
    bill = _bill(copies, answers={"so_luong": 3})
    assert [(line.name, line.quantity, line.amount) for line in bill.lines] == [
        ("Phí cấp bản sao", 3, 24000)
    ]
    assert bill.total == 24000 and bill.complete and not _applied(bill)
    # A missing, nonsensical or absurd answer is one copy or the cap, never a crash.
    assert quantity({}, "so_luong") == 1
    assert quantity({"so_luong": "abc"}, "so_luong") == 1
    assert quantity({"so_luong": True}, "so_luong") == 1
    assert quantity({"so_luong": -5}, "so_luong") == 1
    assert quantity({"so_luong": 10**9}, "so_luong") == 1000
    # JSON Schema's integer 5.0 is five copies.
    assert quantity({"so_luong": 5.0}, "so_luong") == 5
    assert quantity({"so_luong": 5.5}, "so_luong") == 1


def test_an_exemption_applies_only_when_every_condition_holds(copies):
    verified = _bill(copies, identity_verified=True, answers={"so_luong": 2})
    assert verified.total == 0 and verified.full_total == 16000 and verified.reduced == 16000
    assert _applied(verified) == ["vneid"]
    # Outside the period of the circular, or without a verified account: the full fee.
    assert _bill(copies, identity_verified=True, on=date(2027, 3, 1)).total == 8000
    assert _bill(copies, identity_verified=True, on=date(2026, 8, 14)).total == 8000
    assert _bill(copies, identity_verified=False).total == 8000


def test_the_most_favourable_exemption_counts_per_line_they_do_not_add_up(copies):
    late = _bill(copies, "qua-han", claims=frozenset({"ho-ngheo", "nguoi-cao-tuoi"}))
    by_name = {line.name: line for line in late.lines}
    # The charge: exempt for the poor household (100) rather than reduced by half.
    assert by_name["Lệ phí đăng ký quá hạn"].amount == 0
    assert by_name["Lệ phí đăng ký quá hạn"].exemption.code == "ho-ngheo"
    # The fee: only the 50 % reduction covers fees.
    assert by_name["Phí cấp bản sao"].amount == 4000
    assert late.total == 4000
    # Claimed but not a group of this procedure: ignored.
    assert _bill(copies, claims=frozenset({"khong-co"})).total == 8000
    # Channel and variant conditions: 20 % off only online, only for the late case.
    assert _bill(copies, "qua-han", channel="online").total == (8000 + 5000) * 80 // 100
    assert _bill(copies, "mac-dinh", channel="online").total == 8000
    # A line of 0 đồng is nothing to pay and is left out.
    assert "Lệ phí không thu" not in by_name


def test_a_dossiers_bill_uses_its_own_account_claims_answers_and_day(world, copies):
    citizen = world["citizen"]
    dossier = world.submit("2.000635", data={"so_luong": 2}, at=local(2026, 12, 4, 9))
    assert bill_for(dossier).total == 16000
    citizen.identity_verified = True
    citizen.save()
    # Judged as at submission: verifying the account later changes nothing already submitted.
    assert bill_for(Dossier.objects.get(pk=dossier.pk)).total == 16000
    verified = world.submit("2.000635", data={"so_luong": 2}, at=local(2026, 12, 4, 10))
    assert verified.applicant_verified and bill_for(verified).total == 0
    claimed = world.submit(
        "2.000635",
        data={"so_luong": 1},
        exemption_claims=["nguoi-cao-tuoi"],
        citizen=world["other_citizen"],
    )
    assert claimed.exemption_claims == ["nguoi-cao-tuoi"]
    assert bill_for(claimed).total == 4000


def test_a_claim_the_procedure_does_not_offer_is_refused_and_nothing_is_made(world, copies):
    before = Dossier.objects.count()
    with pytest.raises(SubmissionRejected) as refused:
        world.submit("2.000635", data={"so_luong": 1}, exemption_claims=["vneid"])
    assert "miễn, giảm" in refused.value.message
    assert Dossier.objects.count() == before


def _to_processing(world, dossier: Dossier) -> Dossier:
    accept_dossier(dossier=dossier, officer=world["receiver"])
    forward_dossier(dossier=Dossier.objects.get(pk=dossier.pk), officer=world["receiver"])
    return Dossier.objects.get(pk=dossier.pk)


def test_reaching_the_collecting_step_asks_for_the_bill_and_paying_resumes_it_once(world, copies):
    dossier = _to_processing(world, world.submit("2.000635", data={"so_luong": 3}))
    assert dossier.status == Status.PAYMENT_REQUESTED
    assert dossier.step_position == 2 and dossier.paused_at is not None
    asked = DossierEvent.objects.get(dossier=dossier, action=Action.REQUEST_PAYMENT)
    assert asked.details == {"amount": 24000} and "In bản sao" in asked.note
    payment = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    assert payment.amount == 24000
    _credit(payment, txn="T1")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.PROCESSING and dossier.step_position == 2
    # Sent back to the desk and forwarded again: paid already, not asked twice.
    send_back_dossier(dossier=dossier, officer=world["specialist"], reason="Thiếu chữ ký")
    forward_dossier(dossier=Dossier.objects.get(pk=dossier.pk), officer=world["receiver"])
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.PROCESSING
    assert DossierEvent.objects.filter(dossier=dossier, action=Action.REQUEST_PAYMENT).count() == 1


def test_nothing_is_asked_of_an_exempt_dossier_nor_at_a_step_that_does_not_collect(world, copies):
    citizen = world["citizen"]
    citizen.identity_verified = True
    citizen.save()
    exempt = _to_processing(world, world.submit("2.000635", data={"so_luong": 2}))
    assert exempt.status == Status.PROCESSING
    # The lifecycle procedure has a fee but no collecting step: the officer asks.
    plain = _to_processing(world, world.submit())
    assert plain.status == Status.PROCESSING


def test_an_unpublished_amount_leaves_the_asking_to_the_officer(world, copies):
    # The same version corrected before any dossier was made under it.
    text = COPIES.replace("amount: 8000, unit", "amount: null, unit")
    import_catalogue(load_text(text, is_json=False))
    dossier = _to_processing(world, world.submit("2.000635", data={"so_luong": 1}))
    assert not bill_for(dossier).complete
    assert dossier.status == Status.PROCESSING


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("quantity_field: so_luong", "quantity_field: so_ban"),
        ("working_hours: 1}", "working_hours: 1, collects_fees: true}"),
        ("working_hours: 0}", "working_hours: 0, collects_fees: true}"),
        ("variants: [qua-han]", "variants: [khong-co]"),
        ("code: ho-ngheo", "code: vneid"),
        ("valid_until: 2027-02-28", "valid_until: 2026-01-01"),
        ("percent: 50", "percent: 150"),
        ("minimum: 1, maximum: 20", "minimum: 1"),
        ("minimum: 1, maximum: 20", "minimum: 0, maximum: 20"),
        ("working_hours: 3}", "working_hours: 3, collects_fees: true}"),
    ],
)
def test_the_importer_refuses_exemptions_and_fee_steps_that_cannot_work(world, old, new):
    assert old in COPIES
    with pytest.raises(CatalogueFileError):
        import_catalogue(load_text(COPIES.replace(old, new), is_json=False))


def test_an_exported_catalogue_keeps_exemptions_counted_fees_and_the_collecting_step(copies):
    from motcua.catalog.services import export_version

    entry = export_version(copies)
    assert entry["fee_exemptions"][0] == "Chỉ là chữ, không áp dụng."
    assert entry["fee_exemptions"][1]["code"] == "vneid"
    assert entry["fees"][0]["quantity_field"] == "so_luong"
    assert entry["steps"][1]["collects_fees"] is True
    assert copies.fee_exemption_texts[2] == "Miễn lệ phí cho người thuộc hộ nghèo"


def test_a_draft_shows_what_it_will_owe(world, copies):
    draft = Draft.objects.create(
        owner=world["citizen"],
        version=copies,
        variant=copies.variants.get(code="qua-han"),
        data={"so_luong": 2},
        exemption_claims=["ho-ngheo"],
    )
    bill = draft_bill(draft)
    # Online, late case: the charge is exempt (poor household), the fee 20 % off online.
    assert bill.total == 16000 * 80 // 100
    assert _applied(bill) == ["truc-tuyen", "ho-ngheo"]


def test_the_receipt_slip_states_the_bill_after_exemptions(world, copies):
    from django.template.loader import render_to_string

    from motcua.dossiers.templatetags.dossier_slips import case_fees, fees_total

    dossier = world.submit("2.000635", data={"so_luong": 3})
    assert [(line.name, line.amount) for line in case_fees(dossier)] == [("Phí cấp bản sao", 24000)]
    assert fees_total(case_fees(dossier)) == 24000
    citizen = world["citizen"]
    citizen.identity_verified = True
    citizen.save()
    exempt = world.submit("2.000635", data={"so_luong": 3})
    html = render_to_string("dossiers/slips/receipt.html", {"dossier": exempt, "event": None})
    assert "Phí cấp bản sao: Miễn phí" in " ".join(html.split())


def test_a_hand_edited_exemption_that_cannot_be_read_is_ignored_not_a_crash(world, copies):
    copies.fee_exemptions = [
        {"code": "sai-ngay", "text": "x", "valid_from": "15/08/2026"},
        {"text": "không có mã"},
        {"code": "sai-muc", "text": "x", "percent": "năm mươi"},
        {"code": "qua-muc", "text": "x", "percent": 300},
        {"code": "dung", "text": "Giảm 50%", "percent": 50, "claim": True},
    ]
    copies.save()
    assert [e.code for e in exemptions_of(copies)] == ["dung"]
    dossier = world.submit("2.000635", data={"so_luong": 1}, exemption_claims=["dung"])
    assert bill_for(dossier).total == 4000


def test_the_officer_refuses_a_declared_exemption_and_the_amount_is_asked_again(world, copies):
    dossier = world.submit("2.000635", data={"so_luong": 1}, exemption_claims=["nguoi-cao-tuoi"])
    dossier = _to_processing(world, dossier)
    assert dossier.status == Status.PAYMENT_REQUESTED
    paused = dossier.paused_at
    first = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    assert first.amount == 4000
    with pytest.raises(WorkflowError):
        refuse_exemption_claims(dossier=dossier, officer=world["specialist"], reason=" ")
    with pytest.raises(WorkflowError):
        refuse_exemption_claims(dossier=dossier, officer=world["receiver2"], reason="Thiếu giấy")
    refuse_exemption_claims(
        dossier=dossier, officer=world["specialist"], reason="Không có giấy xác nhận"
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.exemption_claims == [] and dossier.status == Status.PAYMENT_REQUESTED
    assert dossier.paused_at == paused  # the clock stays paused from the first request
    refused = DossierEvent.objects.get(dossier=dossier, action=Action.REFUSE_EXEMPTION)
    assert refused.details == {"claims": ["nguoi-cao-tuoi"]}
    asked = DossierEvent.objects.filter(dossier=dossier, action=Action.REQUEST_PAYMENT)
    assert [e.details["amount"] for e in asked.order_by("pk")] == [4000, 8000]
    # The old payment for the reduced amount no longer pays the dossier: refused, to refund.
    outcome = _credit(first, txn="OLD")
    assert outcome == "not_due"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PAYMENT_REQUESTED
    second = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    assert second.amount == 8000
    with pytest.raises(WorkflowError):
        refuse_exemption_claims(dossier=dossier, officer=world["specialist"], reason="Lần nữa")


def test_a_claim_is_refused_for_a_case_or_channel_it_does_not_cover(world, copies):
    from motcua.dossiers.intake import Applicant, Submission, submit_dossier
    from motcua.dossiers.models import Channel

    def submit(variant: str, channel: int, by):
        return submit_dossier(
            submission=Submission(
                version=copies,
                variant=copies.variants.get(code=variant),
                agency=world.committee,
                applicant=Applicant(name="Lê Văn Cường", phone="0901234567"),
                data={"so_luong": 1},
                exemption_claims=["tu-khai"],
            ),
            submitted_by=by,
            channel=channel,
        ).dossier

    with pytest.raises(SubmissionRejected):
        submit("mac-dinh", Channel.ONLINE, world["citizen"])
    with pytest.raises(SubmissionRejected):
        submit("qua-han", Channel.IN_PERSON, world["receiver"])
    accepted = submit("qua-han", Channel.ONLINE, world["citizen"])
    assert accepted.exemption_claims == ["tu-khai"]
