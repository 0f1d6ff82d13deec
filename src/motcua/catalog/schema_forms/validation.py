"""Full validation of answers with jsonschema, told in Vietnamese, page by page."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaValidationError

from . import text
from .tree import Path, dotted, order_of, pages, schema_at, text_of

logger = logging.getLogger(__name__)

KNOWN_TYPES = {"string", "integer", "number", "boolean", "object", "array", "null"}


@dataclass(frozen=True)
class Problem:
    path: str  # dotted, with indices for array rows: "cac_ben.1.ho_ten"; "" for the whole form
    page_key: str  # the page where the citizen fixes it
    message: str


def _usable(node: Any) -> Any:
    """A copy jsonschema can run: a broken regex or an unknown type in imported data is
    dropped (the form asks a plain text question there) instead of failing every check."""
    if isinstance(node, list):
        return [_usable(v) for v in node]
    if not isinstance(node, Mapping):
        return node
    out = {k: _usable(v) for k, v in node.items()}
    if isinstance(out.get("pattern"), str):
        try:
            re.compile(out["pattern"])
        except re.error:
            del out["pattern"]
    kind = out.get("type")
    if isinstance(kind, str) and kind not in KNOWN_TYPES:
        del out["type"]
    elif isinstance(kind, list):
        out["type"] = [k for k in kind if k in KNOWN_TYPES] or list(KNOWN_TYPES)
    return out


def _label(schema: Any, path: Path, here: Any) -> str:
    """How the message names the question: its title, and the row for an array item."""
    title = text_of(here.get("title")) if isinstance(here, Mapping) else ""
    if not path:
        return title or str(_("Tờ khai"))
    title = title or str(path[-1])
    rows = [i for i, step in enumerate(path) if isinstance(step, int)]
    if not rows:
        return title
    at = rows[-1]
    item = schema_at(schema, path[: at + 1]) or {}
    array = schema_at(schema, path[:at]) or {}
    item_title = text_of(item.get("title")) or text_of(array.get("title"))
    row = f"{item_title} {int(path[at]) + 1}".strip()
    return row if at == len(path) - 1 else f"{title} ({row})"


def _required(schema: Any, error: SchemaValidationError, where: Path) -> list[tuple[Path, str]]:
    # jsonschema reports each missing name in English only; we recompute them all (one error
    # per name makes duplicates, removed by the caller).
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    names = error.validator_value if isinstance(error.validator_value, list) else []
    found = []
    for name in names:
        if isinstance(name, str) and name not in instance:
            path = (*where, name)
            sub = schema_at(schema, path) or {}
            label = _label(schema, path, sub)
            if sub.get("const") is True:
                message = text.declaration(label)
            else:
                message = text.required(label, choice="enum" in sub)
            found.append((path, message))
    return found


def _any_of(schema: Any, error: SchemaValidationError, where: Path, label: str) -> str:
    branches = error.validator_value if isinstance(error.validator_value, list) else []
    only_required = branches and all(
        isinstance(b, Mapping) and set(b) == {"required"} and isinstance(b["required"], list)
        for b in branches
    )
    if not only_required:
        return text.invalid(label)
    names = [n for b in branches for n in b["required"] if isinstance(n, str)]
    titles = [_label(schema, (*where, n), schema_at(schema, (*where, n)) or {}) for n in names]
    return text.one_of_required(label, list(dict.fromkeys(titles)))


def _message(schema: Any, error: SchemaValidationError, where: Path) -> str:
    kind, limit, sub = error.validator, error.validator_value, error.schema
    label = _label(schema, where, sub)
    if kind == "pattern":
        return text.pattern(label, text_of(sub.get("description")))
    if kind == "format":
        formats = {"date": text.bad_date, "email": text.bad_email}
        return formats.get(str(limit), text.bad_format)(label)
    if kind == "minLength":
        return text.required(label) if limit == 1 else text.min_length(label, limit)
    if kind == "anyOf":
        return _any_of(schema, error, where, label)
    if kind == "additionalProperties":
        known = set(sub.get("properties") or {})
        extra = [str(k) for k in error.instance if k not in known]
        return text.unexpected(label, extra)
    simple = {
        "enum": lambda: text.choices(label, limit if isinstance(limit, list) else []),
        "maxLength": lambda: text.max_length(label, limit),
        "minimum": lambda: text.minimum(label, limit),
        "exclusiveMinimum": lambda: text.minimum(label, limit, exclusive=True),
        "maximum": lambda: text.maximum(label, limit),
        "exclusiveMaximum": lambda: text.maximum(label, limit, exclusive=True),
        "const": lambda: text.constant(label, limit),
        "type": lambda: text.wrong_type(label, limit),
        "minItems": lambda: text.min_items(label, limit),
        "maxItems": lambda: text.max_items(label, limit),
        "uniqueItems": lambda: text.unique_items(label),
    }
    describe = simple.get(str(kind))
    return describe() if describe else text.invalid(label)


def _describe(schema: Any, error: SchemaValidationError) -> list[tuple[Path, str]]:
    where: Path = tuple(error.absolute_path)
    if error.validator == "required":
        return _required(schema, error, where)
    return [(where, _message(schema, error, where))]


def validate(schema: Any, data: Any, *, single_page_max: int = 8) -> list[Problem]:
    """Every problem with ``data``, in the order the form asks, each with its page."""
    if not isinstance(schema, Mapping) or not schema:
        return []
    all_pages = pages(schema, single_page_max)
    first = all_pages[0].key if all_pages else ""
    try:
        validator = Draft202012Validator(_usable(schema), format_checker=FormatChecker())
        found = [item for error in validator.iter_errors(data) for item in _describe(schema, error)]
    except Exception:  # an unusable schema ($ref to nowhere…): say so, never a 500
        logger.exception("The form schema cannot be used to validate answers")
        return [Problem("", first, text.unreadable_form())]
    page_of = {name: page.key for page in all_pages for name in page.properties}
    position = {page.key: index for index, page in enumerate(all_pages)}
    problems: dict[tuple[str, str], tuple[tuple[int, ...], Problem]] = {}
    for path, message in found:
        key = page_of.get(str(path[0]), first) if path else first
        problem = Problem(dotted(path), key, message)
        order = (position.get(key, 0), *order_of(schema, path))
        problems.setdefault((problem.path, message), (order, problem))
    return [problem for _order, problem in sorted(problems.values(), key=lambda p: p[0])]
