"""What a dataset's builder returns, and how a column is declared."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .entries import Column


@dataclass
class Table:
    """A dataset's rows, the cells suppressed in each, and the time they cover."""

    rows: list[dict[str, Any]]
    hidden: list[set[str]] = field(default_factory=list)
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if not self.hidden:
            self.hidden = [set() for _row in self.rows]


def column(
    name: str, kind: str, title: str, title_en: str, description: str = "", english: str = ""
) -> Column:
    return Column(name, kind, title, title_en, description, english)
