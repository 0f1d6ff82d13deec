"""Until the lead's reporting app is merged into this branch: a stand-in for the contract of
motcua.reporting (periods.Period, index.unit_index) so that the plans app imports. Its
unit_index knows no figures (every ratio None); tests give figures through ``read``.
Removed once main brings the real app."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from datetime import date


def install() -> None:
    try:
        import motcua.reporting.index  # noqa: F401
    except ImportError:
        pass
    else:
        return

    @dataclass(frozen=True)
    class Period:
        kind: str
        start: date
        end: date

        @property
        def key(self) -> str:
            return f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"

    class _Score:
        ratio = numerator = denominator = None

    class _Index:
        def indicator(self, code: str) -> _Score:
            return _Score()

    package = types.ModuleType("motcua.reporting")
    periods = types.ModuleType("motcua.reporting.periods")
    index = types.ModuleType("motcua.reporting.index")
    periods.Period = Period  # type: ignore[attr-defined]
    index.unit_index = lambda agency, period, version=None: _Index()  # type: ignore[attr-defined]
    sys.modules.update({"motcua.reporting": package, "motcua.reporting.periods": periods,
                        "motcua.reporting.index": index})  # fmt: skip
