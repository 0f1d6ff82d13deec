"""Small counts are not published: a cell counting 1 to 5 dossiers or people is suppressed
(primary suppression), then enough other cells that no published relation gives it back
(secondary suppression). docs/opendata.md, "Suppression", says it for readers.

A relation is a linear equation that holds between cells of one row by construction: a total
and its parts (``received = online + direct``), or two columns that count the same thing
(every index indicator whose denominator is the dossiers received). Rows are independent: no
dataset publishes a total across rows.

The rule: every relation holds either no suppressed cell or at least two; when one holds
exactly one, the smallest of its other cells is suppressed too, and this repeats until nothing
changes. Because relations share cells, "two per relation" is not always enough, so the result
is then checked the way an attacker would work: a suppressed cell is recomputable when its
unit vector lies in the row space of the relations restricted to the suppressed cells (exact
integer arithmetic); while one is, one more cell is suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from math import gcd

SMALLEST, LARGEST = 1, 5  # a count in this range is never published
SUPPRESSED = "x"  # how CSV and XLSX show a suppressed cell (declared in missingValues)


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient × cell) == 0`` for every row, e.g. ``{"total": 1, "a": -1, "b": -1}``."""

    terms: tuple[tuple[str, int], ...]

    @classmethod
    def total(cls, total: str, *parts: str) -> Relation:
        return cls(((total, 1), *((part, -1) for part in parts)))

    @classmethod
    def same(cls, first: str, second: str) -> Relation:
        return cls(((first, 1), (second, -1)))

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(name for name, _coefficient in self.terms)


def is_sensitive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and SMALLEST <= value <= LARGEST


def suppress(
    row: Mapping[str, object], sensitive: Iterable[str], relations: Iterable[Relation]
) -> set[str]:
    """The cells of ``row`` to suppress: the sensitive columns counting 1–5 and the cells that
    would give them back through ``relations``."""
    sensitive = tuple(sensitive)
    relations = tuple(r for r in relations if all(name in row for name in r.cells))
    hidden = {name for name in sensitive if is_sensitive(row.get(name))}
    if not hidden:
        return hidden
    while True:
        _close(row, hidden, relations)
        exposed = recomputable(row, hidden, relations)
        if not exposed or not _hide_one_more(row, hidden, relations, exposed):
            return hidden


def _size(row: Mapping[str, object], name: str) -> tuple[int, str]:
    value = row.get(name)
    return (value if isinstance(value, int) else 0, name)


def _close(row: Mapping[str, object], hidden: set[str], relations: tuple[Relation, ...]) -> None:
    """Until stable: a relation with one suppressed cell gets its smallest other cell too."""
    changed = True
    while changed:
        changed = False
        for relation in relations:
            inside = [name for name in relation.cells if name in hidden]
            if len(inside) == 1:
                others = [name for name in relation.cells if name not in hidden]
                hidden.add(min(others, key=lambda name: _size(row, name)))
                changed = True


def _hide_one_more(
    row: Mapping[str, object], hidden: set[str], relations: tuple[Relation, ...], exposed: set[str]
) -> bool:
    """Suppress one more published cell of a relation that holds a suppressed one: the smallest
    that leaves fewer cells exposed, else the smallest. False when there is none: the relations
    alone then fix the exposed cells (to 0 for data that satisfy them), whatever is published."""
    near = sorted(
        {
            name
            for relation in relations
            if hidden & set(relation.cells)
            for name in relation.cells
            if name not in hidden
        },
        key=lambda name: _size(row, name),
    )
    if not near:
        return False
    better = (n for n in near if len(recomputable(row, hidden | {n}, relations)) < len(exposed))
    hidden.add(next(better, near[0]))
    return True


def recomputable(
    row: Mapping[str, object], hidden: set[str], relations: Iterable[Relation]
) -> set[str]:
    """The suppressed cells that the published cells and the relations determine exactly.
    Which they are depends only on the suppressed cells and the relations, never on the
    values, so the answer is kept for the next row that hides the same cells."""
    held = tuple(r for r in relations if all(name in row for name in r.cells))
    return set(_determined(frozenset(hidden), held))


@lru_cache(maxsize=4096)
def _determined(hidden: frozenset[str], relations: tuple[Relation, ...]) -> frozenset[str]:
    """A cell's unit vector is in the row space of the relations over the suppressed cells
    exactly when a row of its reduced row echelon form is that unit vector."""
    unknowns = sorted(hidden)
    matrix = [
        [dict(r.terms).get(name, 0) for name in unknowns]
        for r in relations
        if set(r.cells) & hidden
    ]
    found = set()
    for reduced in _reduced(matrix, len(unknowns)):
        nonzero = [i for i, value in enumerate(reduced) if value != 0]
        if len(nonzero) == 1:
            found.add(unknowns[nonzero[0]])
    return frozenset(found)


def _reduced(matrix: list[list[int]], width: int) -> list[list[int]]:
    """The non-zero rows of the reduced row echelon form of ``matrix``, each up to a non-zero
    factor: exact integer (fraction-free) elimination, every row divided by the gcd of its
    entries to keep the numbers small. Which entries are zero is all the caller reads, and a
    factor does not change it."""
    rows = [list(r) for r in matrix]
    done: list[list[int]] = []
    for column in range(width):
        pivot = next((r for r in rows if r[column] != 0), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        head = pivot[column]
        for other in (*rows, *done):
            factor = other[column]
            if factor != 0:
                scaled = zip(other, pivot, strict=True)
                other[:] = _small([head * a - factor * b for a, b in scaled])
        done.append(pivot)
    return done


def _small(row: list[int]) -> list[int]:
    divisor = gcd(*row)
    return [value // divisor for value in row] if divisor > 1 else row
