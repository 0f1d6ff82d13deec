"""The daily reconciliation of an agency's payments, per provider: what was expected, what the
providers confirmed, what is still pending and what arrived that did not match (a wrong amount,
a transaction already used, an unknown order), as a table, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.identity.models import Agency

from .models import Payment, PaymentEvent, Provider

# "wrong_payee": money received on another agency's account (or a message of another
# merchant) naming one of this agency's payments: for the two units to sort out.
MISMATCHES = ("wrong_amount", "duplicate_transaction", "unknown_order", "bad_signature", "not_due",
              "wrong_payee")  # fmt: skip


@dataclass
class Row:
    agency: str
    provider: str
    expected: int = 0
    expected_amount: int = 0
    confirmed: int = 0
    confirmed_amount: int = 0
    pending: int = 0
    pending_amount: int = 0
    failed: int = 0
    mismatched: int = 0

    @property
    def provider_label(self) -> str:
        return (
            str(Provider(self.provider).label)
            if self.provider in Provider.values
            else self.provider
        )


def _day(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def reconcile(agencies: list[Agency], day: date) -> list[Row]:
    """One row per agency and provider with payments created on ``day`` (local time); the
    mismatches are the refused callbacks and statement lines of that day on its payments."""
    since, until = _day(day)
    names = {a.pk: a.name for a in agencies}
    figures = (
        Payment.objects.filter(agency__in=agencies, created_at__gte=since, created_at__lt=until)
        .values("agency_id", "provider")
        .annotate(
            expected=Count("pk"),
            expected_amount=Sum("amount"),
            confirmed=Count("pk", filter=Q(status=Payment.Status.PAID)),
            confirmed_amount=Sum("amount", filter=Q(status=Payment.Status.PAID)),
            pending=Count("pk", filter=Q(status=Payment.Status.PENDING)),
            pending_amount=Sum("amount", filter=Q(status=Payment.Status.PENDING)),
            failed=Count(
                "pk", filter=Q(status__in=(Payment.Status.FAILED, Payment.Status.CANCELLED))
            ),
        )
        .order_by("agency_id", "provider")
    )
    refused = (
        PaymentEvent.objects.filter(
            payment__agency__in=agencies, at__gte=since, at__lt=until, outcome__in=MISMATCHES
        )
        .values_list("payment__agency_id", "provider")
        .annotate(n=Count("pk"))
        .order_by()
    )
    mismatched = {(agency, provider): n for agency, provider, n in refused}
    rows = []
    for item in figures:
        key = (item.pop("agency_id"), item["provider"])
        values = {k: v or 0 for k, v in item.items() if k != "provider"}
        rows.append(
            Row(names[key[0]], item["provider"], mismatched=mismatched.get(key, 0), **values)
        )
    return rows


HEADERS = (
    _("Đơn vị thu"), _("Hình thức"), _("Số khoản phải thu"),
    _("Số tiền phải thu (đồng)"), _("Số khoản đã xác nhận"),
    _("Số tiền đã xác nhận (đồng)"), _("Số khoản đang chờ"),
    _("Số tiền đang chờ (đồng)"), _("Không thành công, đã hủy"), _("Không khớp"),
)  # fmt: skip


def _lines(rows: list[Row]) -> list[list[object]]:
    return [
        [r.agency, r.provider_label, r.expected, r.expected_amount, r.confirmed,
         r.confirmed_amount, r.pending, r.pending_amount, r.failed, r.mismatched]
        for r in rows
    ]  # fmt: skip


def as_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow([str(h) for h in HEADERS])
    writer.writerows(_lines(rows))
    return out.getvalue()


def as_xlsx(rows: list[Row], day: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = day.strftime("%d-%m-%Y")
    sheet.append([str(h) for h in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in _lines(rows):
        sheet.append(line)
    for column in ("D", "F", "H"):
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
