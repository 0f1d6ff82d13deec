"""The index's versioned configuration: groups, indicators, points and thresholds, one YAML
file per version (``versions/``: the 2022 structure and the revised one ship; a province adds
or replaces files from ``MOTCUA_INDEX_VERSIONS_DIR``). A period is scored with the version in
force on its first day. Files are checked when read: points add up to 100 and to their group's,
indicators are known, thresholds are between 0 and 100."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .measures import MEASURES, NAMES

SHIPPED = Path(__file__).with_name("versions")


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    points: Decimal
    threshold: Decimal  # percent: full points at or above it
    measure: str | None  # None: the platform holds no data for it


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str
    points: Decimal
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class IndexVersion:
    code: str
    name: str
    in_force_from: date
    in_force_to: date | None
    minimum_dossiers: int
    groups: tuple[GroupSpec, ...]
    source: str  # the file it came from

    def indicators(self) -> list[IndicatorSpec]:
        return [i for g in self.groups for i in g.indicators]

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ImproperlyConfigured(f"{where}: {value!r} is not a number") from error
    if not number.is_finite() or number < 0:
        raise ImproperlyConfigured(f"{where}: {value!r} must be a non-negative number")
    return number


def _day(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ImproperlyConfigured(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from error


def parse_version(data: Any, source: str) -> IndexVersion:
    """One version from a YAML document; ImproperlyConfigured says what is wrong and where."""
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"{source}: not a mapping")
    for key in ("code", "name", "in_force_from", "groups"):
        if key not in data:
            raise ImproperlyConfigured(f"{source}: '{key}' is missing")
    groups = []
    seen: set[str] = set()
    for g, group in enumerate(data["groups"] or []):
        where = f"{source}: groups[{g}]"
        indicators = []
        for i, item in enumerate(group.get("indicators") or []):
            at = f"{where}.indicators[{i}]"
            code = str(item.get("code", ""))
            if code not in NAMES:
                raise ImproperlyConfigured(f"{at}: unknown indicator {code!r}")
            if code in seen:
                raise ImproperlyConfigured(f"{at}: indicator {code} appears twice")
            seen.add(code)
            measure = item.get("measure")
            if measure is not None and measure not in MEASURES:
                raise ImproperlyConfigured(f"{at}: unknown measure {measure!r}")
            threshold = _decimal(item.get("threshold", 100), at)
            if not 0 < threshold <= 100:
                raise ImproperlyConfigured(f"{at}: threshold must be in (0, 100]")
            indicators.append(
                IndicatorSpec(
                    code=code,
                    name=str(item.get("name") or NAMES[code]),
                    points=_decimal(item.get("points", 0), at),
                    threshold=threshold,
                    measure=measure,
                )
            )
        points = _decimal(group.get("points", 0), where)
        if sum((i.points for i in indicators), Decimal(0)) != points:
            raise ImproperlyConfigured(f"{where}: its indicators' points do not add up to {points}")
        groups.append(
            GroupSpec(str(group.get("code", g + 1)), str(group["name"]), points, tuple(indicators))
        )
    total = sum((g.points for g in groups), Decimal(0))
    if total != 100:
        raise ImproperlyConfigured(f"{source}: the groups' points add up to {total}, not 100")
    minimum = data.get("minimum_dossiers", 10)
    if not isinstance(minimum, int) or minimum < 0:
        raise ImproperlyConfigured(f"{source}: minimum_dossiers must be a whole number ≥ 0")
    return IndexVersion(
        code=str(data["code"]),
        name=str(data["name"]),
        in_force_from=_day(data["in_force_from"], f"{source}: in_force_from"),
        in_force_to=(
            _day(data["in_force_to"], f"{source}: in_force_to") if data.get("in_force_to") else None
        ),
        minimum_dossiers=minimum,
        groups=tuple(groups),
        source=source,
    )


def _files() -> list[Path]:
    files = sorted(SHIPPED.glob("*.yaml"))
    extra = getattr(settings, "MOTCUA_INDEX_VERSIONS_DIR", "")
    if extra:
        folder = Path(extra)
        if not folder.is_dir():
            raise ImproperlyConfigured(f"MOTCUA_INDEX_VERSIONS_DIR: {folder} is not a directory")
        files += sorted(folder.glob("*.yaml"))
    return files


@cache
def _load(files: tuple[Path, ...], stamps: tuple[float, ...]) -> dict[str, IndexVersion]:
    found: dict[str, IndexVersion] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        version = parse_version(data, path.name)
        found[version.code] = version  # a province's file replaces a shipped one of its code
    return found


def versions() -> dict[str, IndexVersion]:
    """Every version, by code (read again when a file changes)."""
    files = tuple(_files())
    return _load(files, tuple(p.stat().st_mtime for p in files))


def version_for(day: date) -> IndexVersion:
    """The version in force on ``day``; the latest starting before it when none says so."""
    known = sorted(versions().values(), key=lambda v: v.in_force_from)
    in_force = [v for v in known if v.in_force_on(day)]
    if in_force:
        return in_force[-1]
    earlier = [v for v in known if v.in_force_from <= day]
    return (earlier or known)[-1]


def get_version(code: str) -> IndexVersion | None:
    return versions().get(code)
