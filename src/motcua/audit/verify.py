"""Walking the chain: which entry was changed, inserted or deleted, and which signed head
fails (``motcua verify_audit``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .chain import GENESIS, entry_hash, link_waiting
from .heads import check_signature
from .models import ChainHead, Entry, SignedHead


@dataclass(frozen=True)
class Problem:
    kind: str  # changed | inserted | deleted | head | signature
    sequence: int
    message: str

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind}: {self.message}"


@dataclass
class Report:
    entries: int = 0
    signed_heads: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _walk(hashes_wanted: set[int], seen: dict[int, str]) -> Iterator[Problem]:
    expected, previous = 1, GENESIS
    before_previous = GENESIS
    rows = Entry.objects.order_by("sequence").iterator(chunk_size=2000)
    for entry in rows:
        if entry.sequence in hashes_wanted:
            seen[entry.sequence] = entry.hash
        if entry.sequence < expected:
            yield Problem("inserted", entry.sequence, "before the start of the chain")
            continue
        gap = entry.sequence > expected
        if gap:
            missing = f"#{expected}" + (
                f"..#{entry.sequence - 1}" if entry.sequence - 1 > expected else ""
            )
            yield Problem("deleted", expected, f"{missing} missing before #{entry.sequence}")
        if entry_hash(entry) != entry.hash:
            yield Problem("changed", entry.sequence, "its content does not match its hash")
        elif not gap and entry.previous_hash != previous:
            # This entry is genuine (its hash holds) but names another predecessor: the one
            # before it was put there afterwards, with a hash the attacker computed.
            skipped = entry.previous_hash == before_previous
            yield Problem(
                "inserted",
                entry.sequence - 1,
                f"#{entry.sequence} links "
                + (f"over it to #{entry.sequence - 2}" if skipped else "to another entry"),
            )
        expected, before_previous, previous = entry.sequence + 1, previous, entry.hash
    yield Problem("end", expected - 1, previous)  # the last entry, for the head check


def verify() -> Report:
    link_waiting()  # the reads' entries waiting now are verified with the rest
    report = Report()
    heads = list(SignedHead.objects.order_by("signed_at", "pk"))
    seen: dict[int, str] = {}
    last_sequence, last_hash = 0, GENESIS
    for problem in _walk({head.sequence for head in heads}, seen):
        if problem.kind == "end":
            last_sequence, last_hash = problem.sequence, problem.message
        else:
            report.problems.append(problem)
    report.entries = Entry.objects.count()
    head = ChainHead.objects.get(pk=1)
    if head.sequence < last_sequence:
        report.problems.append(
            Problem(
                "inserted",
                head.sequence + 1,
                f"entries #{head.sequence + 1}..#{last_sequence} lie beyond the chain's head",
            )
        )
    elif head.sequence > last_sequence:
        report.problems.append(
            Problem(
                "deleted",
                last_sequence + 1,
                f"the head names #{head.sequence}, the last entry is #{last_sequence}",
            )
        )
    elif head.hash != last_hash:
        report.problems.append(Problem("changed", head.sequence, "the head's hash differs"))
    for signed in heads:
        report.signed_heads += 1
        check = check_signature(signed)
        if not check.valid:
            report.problems.append(
                Problem(
                    "signature",
                    signed.sequence,
                    f"head signed {signed.signed_at:%Y-%m-%d}: {check.reason}",
                )
            )
        elif signed.sequence and seen.get(signed.sequence) != signed.hash:
            report.problems.append(
                Problem(
                    "head",
                    signed.sequence,
                    f"the head signed {signed.signed_at:%Y-%m-%d} no longer matches the chain",
                )
            )
    report.problems.sort(key=lambda problem: problem.sequence)
    return report
