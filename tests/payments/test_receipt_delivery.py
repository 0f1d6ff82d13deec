"""Once a payment is credited and committed, its signed receipt is issued and sent to the payer
once: the PDF attached to an email, its verification link by SMS. A receipt that cannot be
signed never undoes the credit; it is issued on download, and the periodic job sends it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from motcua.core.models import OutboxMessage
from motcua.core.outbox import deliver_due
from motcua.core.public_urls import document_url
from motcua.core.sms import MemorySmsBackend
from motcua.documents.models import IssuedDocument
from motcua.documents.services import read
from motcua.documents.verification import verify_pdf
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Status
from motcua.payments import delivery
from motcua.payments.delivery import send_missing_receipts, send_receipt
from motcua.payments.models import Payment
from motcua.payments.services import Outcome, record_cash, start_payment

from .test_crediting import _credit
from .test_crediting import _waiting as waiting

BROKEN_KEY = {"*": {"backend": "pkcs12", "file": "/nonexistent/key.p12"}}


@pytest.fixture(autouse=True)
def _deliver_only_when_asked(settings):
    # The messages are looked at as queued, then sent through the real channels on request.
    settings.OUTBOX_DELIVER_ON_COMMIT = False
    settings.CELERY_ENABLED = False


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block schedules on commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _waiting(world, amount: int = 150000) -> Dossier:
    dossier = waiting(world, amount)
    # The dossier's own notifications so far (received, accepted, fees asked) are not ours.
    OutboxMessage.objects.all().delete()
    return dossier


def _paid(world, committed, dossier: Dossier | None = None) -> Payment:
    payment = start_payment(
        dossier=dossier or _waiting(world), provider="vnpay", by=world["citizen"]
    )
    with committed():
        assert _credit(payment) == Outcome.ACCEPTED
    return Payment.objects.select_related("receipt").get(pk=payment.pk)


def _queued() -> QuerySet[OutboxMessage]:
    """The receipts queued (crediting also queues the dossier's sync to the national portal)."""
    return OutboxMessage.objects.filter(key__startswith="receipt:")


def _messages() -> dict[str, OutboxMessage]:
    return {message.channel: message for message in _queued()}


def test_a_credited_payment_queues_its_signed_receipt_by_email_and_sms(world, committed):
    payment = _paid(world, committed)
    receipt = payment.receipt
    assert receipt is not None and receipt.kind == IssuedDocument.Kind.FEE_RECEIPT
    assert receipt.dossier_id == payment.dossier_id
    messages = _messages()
    assert sorted(messages) == ["email", "sms"]
    email, sms = messages["email"], messages["sms"]
    assert (email.recipient, sms.recipient) == ("an@example.vn", "0912345678")
    assert email.key == f"receipt:{payment.reference}:email"
    assert payment.receipt_number in email.payload["subject"]
    assert (
        "150.000 đồng" in email.payload["body"]
        and document_url(receipt.code) in email.payload["body"]
    )
    [attachment] = email.payload["attachments"]
    assert attachment["sha256"] == receipt.sha256 and attachment["path"] == receipt.file.name
    assert len(json.dumps(email.payload)) < 2000  # the row names the file, never carries it
    assert document_url(receipt.code) in sms.payload["text"]
    assert payment.receipt_number in sms.payload["text"]


def test_the_email_carries_the_signed_pdf_and_the_sms_its_link(world, committed):
    payment = _paid(world, committed)
    assert deliver_due().sent == 2
    [email] = mail.outbox
    assert email.to == ["an@example.vn"] and "Kính gửi Nguyễn Văn An" in email.body
    [(name, content, mimetype)] = email.attachments
    assert (name, mimetype) == (f"{payment.receipt.code}.pdf", "application/pdf")
    assert content == read(payment.receipt)
    assert verify_pdf(content).verdict == "valid"
    [sms] = MemorySmsBackend.outbox
    assert sms.phone == "0912345678" and document_url(payment.receipt.code) in sms.text


def test_cash_at_the_desk_sends_the_receipt_too(world, committed):
    dossier = _waiting(world, amount=8000)
    with committed():
        payment = record_cash(dossier=dossier, officer=world["receiver"], receipt="BL-0042")
    assert set(_messages()) == {"email", "sms"}
    assert Payment.objects.get(pk=payment.pk).receipt is not None


def test_a_duplicate_callback_or_a_retried_job_sends_nothing_more(world, committed):
    payment = _paid(world, committed)
    with committed():
        assert _credit(payment) == Outcome.ALREADY
        assert _credit(payment, txn="14100002") == Outcome.ALREADY
    send_receipt(payment.pk)  # the Celery task run twice, say
    assert send_missing_receipts(timezone.now() + timedelta(minutes=5)) == 0
    assert _queued().count() == 2
    assert IssuedDocument.objects.filter(kind=IssuedDocument.Kind.FEE_RECEIPT).count() == 1
    deliver_due()
    assert len(mail.outbox) == 1 and len(MemorySmsBackend.outbox) == 1


def test_a_receipt_that_cannot_be_signed_leaves_the_credit_and_is_issued_on_download(
    client, world, committed, settings
):
    settings.SIGNING_KEYS = BROKEN_KEY
    payment = _paid(world, committed)
    assert payment.status == Payment.Status.PAID and payment.receipt is None
    assert Dossier.objects.get(pk=payment.dossier_id).status == Status.PROCESSING
    assert not _queued().exists() and not IssuedDocument.objects.exists()
    # The job finds it but still cannot sign: nothing yet, nothing raised.
    later = timezone.now() + timedelta(minutes=5)
    assert send_missing_receipts(later) == 1 and not _queued().exists()

    settings.SIGNING_KEYS = {}
    client.force_login(world["citizen"])
    url = reverse("portal:payment-receipt", args=[payment.dossier.code, payment.reference])
    downloaded = b"".join(client.get(url).streaming_content)
    receipt = Payment.objects.get(pk=payment.pk).receipt
    assert receipt is not None and downloaded == read(receipt)
    # The next round of the job sends the receipt that was downloaded, not a second one.
    assert send_missing_receipts(later) == 1
    assert _messages()["email"].payload["attachments"][0]["sha256"] == receipt.sha256
    assert send_missing_receipts(later) == 0
    assert IssuedDocument.objects.count() == 1


def test_an_applicant_without_email_or_phone_gets_nothing_and_nothing_fails(world, committed):
    dossier = _waiting(world)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email="", applicant_phone="")
    payment = _paid(world, committed, Dossier.objects.get(pk=dossier.pk))
    assert payment.receipt is not None  # kept with the dossier all the same
    assert not _queued().exists()
    assert send_missing_receipts(timezone.now() + timedelta(minutes=5)) == 0


def test_only_the_email_is_sent_to_an_applicant_without_a_phone(world, committed):
    dossier = _waiting(world)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_phone="")
    _paid(world, committed, Dossier.objects.get(pk=dossier.pk))
    assert list(_messages()) == ["email"]


def test_a_failure_after_the_commit_never_reaches_the_provider(world, committed, monkeypatch):
    def broken(payment_id: int) -> list[OutboxMessage]:
        raise RuntimeError("máy chủ tệp không trả lời")

    monkeypatch.setattr(delivery, "send_receipt", broken)
    payment = _paid(world, committed)
    assert payment.status == Payment.Status.PAID and not _queued().exists()


def test_with_celery_a_worker_issues_the_receipt(world, committed, settings, monkeypatch):
    from motcua.payments import tasks

    handed: list[int] = []
    settings.CELERY_ENABLED = True
    monkeypatch.setattr(tasks.send_payment_receipt, "delay", handed.append)
    payment = _paid(world, committed)
    assert handed == [payment.pk] and payment.receipt is None
    assert tasks.send_payment_receipt(payment.pk) == 2


def test_the_receipt_is_issued_after_the_commit_not_inside_the_crediting(
    world, django_capture_on_commit_callbacks
):
    payment = start_payment(dossier=_waiting(world), provider="vnpay", by=world["citizen"])
    with django_capture_on_commit_callbacks() as callbacks:
        assert _credit(payment) == Outcome.ACCEPTED
    assert not IssuedDocument.objects.exists() and not _queued().exists()
    for callback in callbacks:
        callback()
    assert Payment.objects.get(pk=payment.pk).receipt is not None


def test_the_citizens_dossier_page_lists_the_receipt_kept_with_the_dossier(
    client, world, committed
):
    payment = _paid(world, committed)
    client.force_login(world["citizen"])
    page = client.get(reverse("portal:dossier-detail", args=[payment.dossier.code]))
    html = page.content.decode()
    url = reverse("portal:payment-receipt", args=[payment.dossier.code, payment.reference])
    assert f'href="{url}"' in html and f"Biên lai số {payment.receipt_number}" in html
    assert "150.000 đồng" in html
