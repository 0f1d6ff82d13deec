"""Reading a catalogue file (YAML or JSON) into data, with the line of every value.

Errors name the file line so that a province's IT team can fix a 5,000-line catalogue
without guessing; nothing is written to the database from here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    line: int | None
    location: str
    message: str

    def __str__(self) -> str:
        where = _("dòng %(line)s") % {"line": self.line} if self.line else _("không rõ dòng")
        return f"{where} ({self.location or '/'}): {self.message}"


class CatalogueFileError(Exception):
    """The file cannot be imported; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class LoadedFile:
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of the deepest known value on ``path``."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.line_of(path), format_path(path), message)


def format_path(path: Path_) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _walk(node: yaml.Node, path: Path_) -> Iterator[tuple[Path_, int]]:
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _walk(value, (*path, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(item, (*path, index))


def _dates_to_text(value: Any) -> Any:
    # YAML turns 2025-07-01 into a date; the format (and JSON) keeps ISO text.
    if isinstance(value, dict):
        return {str(k): _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _syntax_problem(error: Exception) -> Problem:
    if isinstance(error, json.JSONDecodeError):
        return Problem(error.lineno, "", _("JSON sai cú pháp: %(msg)s") % {"msg": error.msg})
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or str(error)
    return Problem(line, "", _("YAML sai cú pháp: %(msg)s") % {"msg": problem})


def load_text(text: str, *, is_json: bool) -> LoadedFile:
    try:
        data = json.loads(text) if is_json else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise CatalogueFileError([_syntax_problem(error)]) from error
    try:
        # JSON is (almost) YAML, so one composer gives line numbers for both formats.
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        lines = dict(_walk(root, ())) if root is not None else {}
    except yaml.YAMLError:
        lines = {}
    return LoadedFile(_dates_to_text(data), lines)


def load_file(path: Path) -> LoadedFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueFileError([Problem(None, "", str(error))]) from error
    return load_text(text, is_json=path.suffix.lower() == ".json")
