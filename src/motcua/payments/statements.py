"""VietQR transfers are confirmed by the bank: from a statement file the collecting unit
downloads, or from the bank's signed notification (webhook). Each credit line is matched to a
pending VietQR payment by the payment reference in its description and by its amount, then
credited through the same path as every provider (services.credit) — and only if the account
that received the money (bank BIN and number) is the paying agency's own: a transfer to
another agency's account, naming this payment's reference, is refused as ``wrong_payee``.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from .models import PaymentEvent, Provider
from .services import Outcome, credit, record

# A payment reference as services.new_reference makes it, wherever it sits in a transfer note
# (banks upper-case, cut and add their own words around it).
REFERENCE = re.compile(r"MC[2-9A-HJKMNP-Z]{14}")


@dataclass(frozen=True)
class Line:
    transaction: str  # the bank's own id of the line: one line credits once
    amount: int  # đồng
    description: str
    bank: str  # the BIN of the bank that received the money
    account: str  # the account number it was credited to


@dataclass
class ImportReport:
    outcomes: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def _amount(text: str) -> int | None:
    digits = re.sub(r"[.,\s]|đ|VND|vnd", "", text.strip())
    if not digits.isascii() or not digits.isdigit() or len(digits) > 15:
        return None
    return int(digits)


def read_csv(content: str, *, bank: str, account: str) -> tuple[list[Line], list[str]]:
    """A statement of account ``account`` at bank ``bank`` (BIN), as CSV with the columns
    ``transaction``, ``amount`` and ``description`` (one header line; amounts in đồng, dots
    allowed: "150.000"). Debit lines (negative or zero) are skipped; unreadable lines are
    reported with their number."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    wanted = {"transaction", "amount", "description"}
    if reader.fieldnames is None or not wanted <= {f.strip() for f in reader.fieldnames}:
        return [], ["columns: transaction, amount, description"]
    lines, problems = [], []
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        amount = _amount(row["amount"]) if not row["amount"].startswith("-") else 0
        if amount is None or not row["transaction"]:
            problems.append(f"line {number}")
            continue
        if amount > 0:
            lines.append(
                Line(row["transaction"][:60], amount, row["description"][:500], bank, account)
            )
    return lines, problems


def apply(lines: list[Line], *, kind: str = PaymentEvent.Kind.STATEMENT) -> ImportReport:
    """Credit each line to the VietQR payment its description names; a line naming none, or
    another amount, or already used, is kept as a refused event and changes nothing."""
    report = ImportReport()
    for line in lines:
        found = REFERENCE.search(line.description.upper())
        payload = {"transaction": line.transaction, "amount": line.amount,
                   "description": line.description, "bank": line.bank,
                   "account": line.account}  # fmt: skip
        if found is None:
            record(Provider.VIETQR, kind, Outcome.UNKNOWN, payload=payload)
            report.add(Outcome.UNKNOWN)
            continue
        report.add(
            credit(
                provider=Provider.VIETQR,
                reference=found.group(0),
                amount=line.amount,
                provider_transaction=line.transaction,
                kind=kind,
                payload=payload,
                payee=(line.bank, line.account),
            )
        )
    return report


def webhook_secret() -> str:
    return str(getattr(settings, "BANK_WEBHOOK_SECRET", "") or "")


def webhook_signature(body: bytes, secret: str) -> str:
    """Hex HMAC-SHA256 of the raw body: what the bank sends in ``X-Signature``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_webhook(body: bytes, signature: str) -> bool:
    secret = webhook_secret()
    if not secret or not signature:
        return False
    return hmac.compare_digest(webhook_signature(body, secret), signature.strip().lower())


BIN = re.compile(r"[0-9]{6}")
ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")  # as a VietQR carries it (vietqr._ACCOUNT)


def webhook_lines(data: Any) -> list[Line] | None:
    """The credit lines of a notification ``{"transactions": [{"id", "amount", "description",
    "bank", "account"}]}`` (``bank``: the receiving bank's BIN, ``account``: the account
    credited); None when it is not that shape."""
    if not isinstance(data, dict) or not isinstance(data.get("transactions"), list):
        return None
    lines = []
    for item in data["transactions"]:
        if not isinstance(item, dict):
            return None
        amount = item.get("amount")
        ident, text = item.get("id"), item.get("description", "")
        if not isinstance(amount, int) or isinstance(amount, bool) or not isinstance(ident, str):
            return None
        if not isinstance(text, str) or not ident or len(ident) > 60:
            return None
        bank, account = item.get("bank"), item.get("account")
        if not isinstance(bank, str) or not BIN.fullmatch(bank):
            return None
        if not isinstance(account, str) or not ACCOUNT.fullmatch(account):
            return None
        if amount > 0:
            lines.append(Line(ident, amount, text[:500], bank, account))
    return lines
