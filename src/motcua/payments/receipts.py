"""The electronic receipt (biên lai điện tử) of a paid payment: a signed PDF issued once the
credit has committed (payments.delivery sends it) or the first time someone asks for it, then
served as stored. Not issued inside the crediting: a signing problem must never refuse money
that arrived."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.documents.models import IssuedDocument
from motcua.documents.services import issue_receipt
from motcua.dossiers.fees import bill_for
from motcua.dossiers.models import Dossier

from .models import Payment, Provider
from .services import PaymentError


@transaction.atomic
def receipt_for(payment: Payment) -> IssuedDocument:
    """The payment's signed receipt (IssueError when it cannot be signed now)."""
    # Locks in crediting's order, the dossier then the payment: issuing marks the dossier, and
    # a callback crediting it at the same moment holds the dossier while waiting for the
    # payment (a deadlock PostgreSQL broke by failing that callback).
    Dossier.objects.select_for_update().filter(
        pk=Payment.objects.filter(pk=payment.pk).values("dossier_id")[:1]
    ).first()
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("dossier__version", "agency__unit", "receipt", "created_by")
        .get(pk=payment.pk)
    )
    if payment.status != Payment.Status.PAID:
        raise PaymentError(_("Khoản này chưa được thanh toán nên chưa có biên lai."))
    if payment.receipt is not None:
        return payment.receipt
    published = [
        (line.name, line.amount) for line in bill_for(payment.dossier).lines if line.amount
    ]
    # The officer asked for a total; the catalogue's lines describe it when they add up to it.
    lines = (
        published
        if sum(a for _n, a in published) == payment.amount
        else [(_("Phí, lệ phí giải quyết thủ tục hành chính"), payment.amount)]
    )
    collector = payment.created_by if payment.provider == Provider.CASH else None
    document = issue_receipt(
        dossier=payment.dossier,
        agency=payment.agency,
        receipt_number=payment.receipt_number,
        amount=payment.amount,
        lines=lines,
        method=str(Provider(payment.provider).label),
        transaction_id=payment.provider_transaction,
        paid_at=payment.paid_at or payment.created_at,
        collector=collector,
    )
    payment.receipt = document
    payment.save(update_fields=["receipt"])
    return document
