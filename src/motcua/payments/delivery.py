"""Sending the payer their electronic receipt once a payment is credited: the signed PDF by
email, its verification link by SMS, through the outbox.

It runs after the crediting has committed (``credit`` schedules it on commit): the money is
recorded whatever happens here. A receipt that cannot be signed now is left to be issued on its
first download, and ``send_missing_receipts`` (a periodic job) tries again; the outbox keys
(one per payment and channel) make every retry send nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from motcua.core.channels import EMAIL, SMS
from motcua.core.models import OutboxMessage
from motcua.core.outbox import enqueue
from motcua.core.public_urls import document_url
from motcua.core.templatetags.motcua import vnd
from motcua.documents.models import IssuedDocument
from motcua.documents.services import IssueError

from .models import Payment, Provider
from .receipts import receipt_for

logger = logging.getLogger(__name__)

# The periodic job looks this far back (a receipt older than that is not sent any more), and
# leaves alone a payment credited so recently that its on-commit sending may still be running.
CATCH_UP_WINDOW = timedelta(days=2)
GRACE = timedelta(minutes=2)
CATCH_UP_BATCH = 50  # each one may render and sign a PDF


def message_key(payment: Payment, channel: str) -> str:
    return f"receipt:{payment.reference}:{channel}"


def recipients(payment: Payment) -> dict[str, str]:
    """Channel -> address of the payer: the dossier's applicant email and phone, if any."""
    dossier = payment.dossier
    found = {EMAIL: dossier.applicant_email.strip(), SMS: dossier.applicant_phone.strip()}
    return {channel: address for channel, address in found.items() if address}


def send_receipt_after_commit(payment_id: int) -> None:
    """What ``credit`` schedules on commit: a Celery worker does it when there is one, so the
    provider's callback does not wait for a PDF to be signed. Never raises: the credit stands."""
    try:
        if settings.CELERY_ENABLED:
            from .tasks import send_payment_receipt

            send_payment_receipt.delay(payment_id)
        else:
            send_receipt(payment_id)
    except Exception:
        logger.exception(
            "Receipt of payment %s: not sent now; the periodic job retries", payment_id
        )


def send_receipt(payment_id: int) -> list[OutboxMessage]:
    """Issue the payment's receipt (or take the one issued before) and queue it to the payer,
    once per channel. Nothing is queued when the receipt cannot be signed now."""
    payment = Payment.objects.select_related("dossier__version", "agency").get(pk=payment_id)
    try:
        document = receipt_for(payment)
    except IssueError:
        logger.warning("Receipt of payment %s could not be signed now", payment.reference)
        return []
    addresses = recipients(payment)
    if not addresses:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        payloads = {EMAIL: email_payload(payment, document), SMS: sms_payload(payment, document)}
    with transaction.atomic():
        return [
            enqueue(
                channel=channel,
                recipient=address,
                payload=payloads[channel],
                key=message_key(payment, channel),
            )
            for channel, address in addresses.items()
        ]


def _facts(payment: Payment, document: IssuedDocument) -> dict[str, str]:
    paid_at = timezone.localtime(payment.paid_at or payment.created_at)
    return {
        "number": payment.receipt_number,
        "code": payment.dossier.code,
        "name": payment.dossier.version.name,
        "agency": payment.agency.name,
        "amount": vnd(payment.amount),
        "method": str(Provider(payment.provider).label),
        "at": formats.date_format(paid_at, "H:i d/m/Y"),
        "url": document_url(document.code),
    }


def email_payload(payment: Payment, document: IssuedDocument) -> dict[str, Any]:
    facts = {**_facts(payment, document), "applicant": payment.dossier.applicant_name}
    subject = _("Biên lai điện tử số %(number)s, hồ sơ %(code)s") % facts
    body = "\n\n".join(
        [
            _("Kính gửi %(applicant)s,") % facts,
            _(
                "%(agency)s đã nhận %(amount)s phí, lệ phí của hồ sơ %(code)s (%(name)s) lúc "
                "%(at)s, hình thức: %(method)s."
            )
            % facts,
            _(
                "Biên lai điện tử số %(number)s, có chữ ký số của cơ quan thu, được đính kèm "
                "thư này (tệp PDF) và được lưu cùng hồ sơ."
            )
            % facts,
            _("Xác thực biên lai: %(url)s") % facts,
        ]
    )
    attachment = {
        "path": document.file.name,
        "filename": f"{document.code}.pdf",
        "content_type": "application/pdf",
        "sha256": document.sha256,
    }
    return {"subject": subject, "body": body, "attachments": [attachment]}


def sms_payload(payment: Payment, document: IssuedDocument) -> dict[str, Any]:
    text = _("Hồ sơ %(code)s: đã nhận %(amount)s. Biên lai điện tử số %(number)s: %(url)s")
    return {"text": text % _facts(payment, document)}


def send_missing_receipts(now: datetime) -> int:
    """The periodic job: send the receipts of recent payments that have none yet (signing
    failed, or the process stopped before sending); the number of payments tried."""
    recent = (
        Payment.objects.filter(
            status=Payment.Status.PAID,
            paid_at__gte=now - CATCH_UP_WINDOW,
            paid_at__lte=now - GRACE,
        )
        .select_related("dossier")
        # Newest first: a receipt that keeps failing (a unit's broken key) must not hold back
        # the ones behind it; the older ones are still issued on download.
        .order_by("-paid_at", "-pk")
    )
    wanted = {
        payment: [message_key(payment, channel) for channel in recipients(payment)]
        for payment in recent
    }
    keys = [key for payment_keys in wanted.values() for key in payment_keys]
    queued = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    missing = [
        payment
        for payment, payment_keys in wanted.items()
        if payment.receipt_id is None or not queued.issuperset(payment_keys)
    ]
    for payment in missing[:CATCH_UP_BATCH]:
        try:
            send_receipt(payment.pk)
        except Exception:  # one payment's problem must not stop the others
            logger.exception("Receipt of payment %s could not be sent", payment.reference)
    return len(missing[:CATCH_UP_BATCH])
