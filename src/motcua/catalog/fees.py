"""What a dossier owes: the fees and charges of its procedure variant, each times the units the
form asks for, less the largest exemption (miễn, giảm) whose conditions hold.

The catalogue states an exemption either as text (shown to people, applied by nobody) or as
an object with conditions: the variant, the channel, the day of submission, an account
verified through VNeID, or a group the applicant declares (``claim``: the officer checks the
proof). Exemptions do not add up: the most favourable one counts for each line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from .models import Fee, ProcedureVersion

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exemption:
    code: str
    text: str
    percent: int = 100
    applies_to: str = "all"
    claim: bool = False
    identity_verified: bool = False
    channels: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    legal_basis: str = ""

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> Exemption:
        return cls(
            code=str(entry["code"]),
            text=str(entry["text"]),
            percent=int(entry.get("percent", 100)),
            applies_to=str(entry.get("applies_to", "all")),
            claim=bool(entry.get("claim", False)),
            identity_verified=bool(entry.get("identity_verified", False)),
            channels=tuple(entry.get("channels", ())),
            variants=tuple(entry.get("variants", ())),
            valid_from=_day(entry.get("valid_from")),
            valid_until=_day(entry.get("valid_until")),
            legal_basis=str(entry.get("legal_basis", "")),
        )

    def covers(self, kind: str) -> bool:
        return self.applies_to in ("all", kind)

    def holds_for(self, facts: Facts) -> bool:
        """Every condition but the kind of fee: the dossier's case, channel, day, account."""
        return (
            (not self.variants or facts.variant in self.variants)
            and (not self.channels or facts.channel in self.channels)
            and (self.valid_from is None or facts.on >= self.valid_from)
            and (self.valid_until is None or facts.on <= self.valid_until)
            and (not self.identity_verified or facts.identity_verified)
            and (not self.claim or self.code in facts.claims)
        )


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def exemptions_of(version: ProcedureVersion) -> list[Exemption]:
    """The exemptions the system applies; text-only entries are for people to read. An entry
    the importer would have refused (edited by hand in the admin) is left out and logged:
    one bad line must not stop every dossier of the procedure."""
    found = []
    for entry in version.fee_exemptions or []:
        if not isinstance(entry, Mapping):
            continue
        try:
            exemption = Exemption.from_entry(entry)
        except (KeyError, TypeError, ValueError) as error:
            logger.error("Exemption %r of %s ignored: %s", entry, version, error)
            continue
        if 1 <= exemption.percent <= 100 and exemption.applies_to in ("all", "fee", "charge"):
            found.append(exemption)
        else:
            logger.error("Exemption %r of %s ignored: out of range", entry, version)
    return found


def claimable(
    version: ProcedureVersion, *, variant: str = "", channel: str = ""
) -> list[Exemption]:
    """The groups an applicant may declare for this case and channel (any when not chosen)."""
    return [
        e
        for e in exemptions_of(version)
        if e.claim
        and (not variant or not e.variants or variant in e.variants)
        and (not channel or not e.channels or channel in e.channels)
    ]


@dataclass(frozen=True)
class Facts:
    """What exemptions depend on, about one dossier."""

    variant: str
    channel: str
    on: date
    identity_verified: bool = False
    claims: frozenset[str] = frozenset()
    answers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FeeLine:
    name: str
    kind: str
    amount: int | None  # due after the exemption; None: not published in the catalogue
    unit: str = ""
    quantity: int = 1
    unit_amount: int | None = None
    full: int | None = None  # before the exemption
    exemption: Exemption | None = None


@dataclass
class Bill:
    lines: list[FeeLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.amount or 0 for line in self.lines)

    @property
    def full_total(self) -> int:
        return sum(line.full or 0 for line in self.lines)

    @property
    def reduced(self) -> int:
        return self.full_total - self.total

    @property
    def complete(self) -> bool:
        """Every line has a published amount (otherwise the officer states the amount)."""
        return all(line.amount is not None for line in self.lines)


# A form answer larger than this is not a count of copies but a mistake or an attack.
MAX_QUANTITY = 1000


def quantity(answers: Mapping[str, Any], name: str) -> int:
    """The units charged: the form's whole-number answer, 1 when absent or not a count."""
    if not name:
        return 1
    value = answers.get(name)
    # JSON Schema counts 5.0 as an integer, and so do we.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return 1
    try:
        count = int(value)
    except ValueError:
        return 1
    return min(max(count, 1), MAX_QUANTITY)


def best(exemptions: Iterable[Exemption], kind: str, facts: Facts) -> Exemption | None:
    applicable = [e for e in exemptions if e.covers(kind) and e.holds_for(facts)]
    return max(applicable, key=lambda e: e.percent, default=None)


def _fees_of_case(version: ProcedureVersion, variant_id: int | None) -> list[Fee]:
    """The version's fees for the case and for every case, in catalogue order: from the
    version's fees when they were read with it (a kept version, a procedure's page), else
    one query."""
    if "fees" in getattr(version, "_prefetched_objects_cache", {}):
        found = [f for f in version.fees.all() if f.variant_id in (None, variant_id)]
        return sorted(found, key=lambda f: (f.position, f.pk))
    fees = Fee.objects.filter(version=version).filter(
        Q(variant__isnull=True) | Q(variant=variant_id)
    )
    return list(fees.order_by("position", "pk"))


def compute_bill(version: ProcedureVersion, variant_id: int | None, facts: Facts) -> Bill:
    """The bill of one case: lines for the variant and for every variant, in catalogue order;
    lines of 0 đồng are left out (nothing to pay, nothing to show)."""
    exemptions = exemptions_of(version)
    lines = []
    for fee in _fees_of_case(version, variant_id):
        if fee.amount == 0:
            continue
        count = quantity(facts.answers, fee.quantity_field)
        full = None if fee.amount is None else fee.amount * count
        exemption = best(exemptions, fee.kind, facts)
        due = full
        if full is not None and exemption is not None:
            # Whole đồng, rounded in the payer's favour.
            due = full * (100 - exemption.percent) // 100
        lines.append(
            FeeLine(
                name=fee.name,
                kind=fee.kind,
                amount=due,
                unit=fee.unit,
                quantity=count,
                unit_amount=fee.amount,
                full=full,
                exemption=exemption,
            )
        )
    return Bill(lines)
