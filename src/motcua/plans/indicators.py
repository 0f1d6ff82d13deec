"""The Decision 766 indicators a target may track: those the index computes as a percentage
from the platform's own data, in any version of its configuration. Their names, formulas and
points are the index's (motcua.reporting), never repeated here."""

from __future__ import annotations

from motcua.reporting.config import versions
from motcua.reporting.measures import MEASURES, NAMES


def _key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def trackable() -> dict[str, str]:
    """code → name, in the index's order (1.4, 2.1, …, 5.4)."""
    codes = {
        spec.code
        for version in versions().values()
        for group in version.groups
        for spec in group.indicators
        if spec.measure is not None and MEASURES[spec.measure].unit == "%"
    }
    return {code: str(NAMES[code]) for code in sorted(codes, key=_key)}


def indicator_name(code: str) -> str:
    name = NAMES.get(code)
    return str(name) if name is not None else code
