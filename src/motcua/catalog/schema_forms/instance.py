"""Answers as data: merging a page, pre-filling a draft, and showing answers to people."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from . import text
from .layout import MISSING, counts, field_name, rows_in, to_json, value_at
from .tree import (
    ARRAY,
    BOOLEAN,
    DATE,
    MAX_ROWS,
    MULTICHOICE,
    OBJECT,
    Node,
    Path,
    applicant,
    dotted,
    find_page,
    is_page_root,
    page_nodes,
    pages,
    parse,
    text_of,
)

# apply_page ------------------------------------------------------------------------------


def apply_page(
    schema: Any,
    page_key: str,
    data: Mapping[str, Any],
    cleaned: Mapping[str, Any],
    *,
    single_page_max: int = 8,
) -> dict[str, Any]:
    """A new instance: ``data`` with the answers of one page (``form.cleaned_data``) in place
    of what that page held before. Dates become ISO text, numbers numbers, booleans
    true/false; empty answers, empty optional groups and empty rows are left out."""
    page = find_page(schema, page_key, single_page_max)
    result = copy.deepcopy(dict(data)) if isinstance(data, Mapping) else {}
    for node in page_nodes(schema, page):
        value = _collect(node, (node.name,), cleaned)
        if _keep(node, value):
            result[node.name] = value
        else:
            result.pop(node.name, None)
    return result


def _collect(node: Node, path: Path, cleaned: Mapping[str, Any]) -> Any:
    if node.is_leaf:
        value = to_json(node, cleaned.get(field_name(path), MISSING))
        if node.kind == BOOLEAN and node.is_declaration and value is not True:
            return MISSING  # an unticked declaration is no answer, never false
        return value
    if node.kind == OBJECT:
        out: dict[str, Any] = {}
        for child in node.children:
            value = _collect(child, (*path, child.name), cleaned)
            if _keep(child, value):
                out[child.name] = value
        return out
    item = node.children[0]
    rows = min(rows_in(cleaned, path), MAX_ROWS)
    items = [_collect(item, (*path, index), cleaned) for index in range(rows)]
    return [value for value in items if _answered(item, value)]


def _keep(node: Node, value: Any) -> bool:
    if value is MISSING:
        return False
    if node.kind in (OBJECT, ARRAY, MULTICHOICE):
        return node.required or _answered(node, value)
    return True


def _answered(node: Node, value: Any) -> bool:
    if node.kind == OBJECT:
        return isinstance(value, dict) and any(
            _answered(child, value[child.name]) for child in node.children if child.name in value
        )
    if node.kind == ARRAY:
        return isinstance(value, list) and len(value) > 0
    return counts(node, value)


# prefill ---------------------------------------------------------------------------------


def _accepts(node: Node, value: Any) -> bool:
    try:
        validator = Draft202012Validator(node.schema, format_checker=FormatChecker())
        return bool(validator.is_valid(value))
    except Exception:  # an odd leaf schema accepts nothing rather than breaking the page
        return False


def _put(instance: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    here = instance
    for step in path[:-1]:
        nxt = here.get(step)
        if not isinstance(nxt, dict):
            nxt = here[step] = {}
        here = nxt
    here[path[-1]] = copy.deepcopy(value)


def _scalar_leaves(node: Node, always: bool) -> Iterator[tuple[Node, bool]]:
    """Leaves outside arrays, with whether every enclosing object is required."""
    for child in node.children:
        if child.kind == OBJECT:
            yield from _scalar_leaves(child, always and child.required)
        elif child.is_leaf:
            yield child, always


def _blank(value: Any) -> bool:
    return value is MISSING or value is None or value in ("", [], {})


def prefill(
    schema: Any, *, profile: Mapping[str, str], previous: list[Mapping[str, Any]]
) -> dict[str, Any]:
    """A first draft: the applicant's profile, then answers from earlier dossiers (newest
    first) at the same places, then the schema's defaults. A value is only copied where it
    is valid for that question; declarations (``const``) and lists are never copied."""
    root = parse(schema)
    out: dict[str, Any] = {}
    person = applicant(root)
    targets = [c for c in root.children if c.is_leaf]
    targets += [c for c in (person.children if person else ()) if c.is_leaf]
    for node in targets:
        value = profile.get(node.name) if isinstance(profile, Mapping) else None
        if isinstance(value, str) and value.strip() and _accepts(node, value.strip()):
            _put(out, node.path, value.strip())
    leaves = list(_scalar_leaves(root, True))
    for node, _always in leaves:
        if "const" in node.schema or node.name == "cam_doan" or _filled(out, node):
            continue
        for earlier in previous or []:
            value = value_at(earlier, node.path)
            if not _blank(value) and _accepts(node, value):
                _put(out, node.path, value)
                break
    for node, always in leaves:
        # Defaults only where the group is always present: a default inside an optional
        # group (the father's "Kinh") would otherwise make that group look answered.
        default = node.schema.get("default", MISSING)
        if always and default is not MISSING and not _filled(out, node) and _accepts(node, default):
            _put(out, node.path, default)
    return out


def _filled(instance: Mapping[str, Any], node: Node) -> bool:
    return value_at(instance, node.path) is not MISSING


# answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    value: str  # "" when unanswered: the template prints "Chưa khai"
    path: str


@dataclass(frozen=True)
class Section:
    page_key: str
    title: str
    rows: list[Row] = field(default_factory=list)


def show(node: Node, value: Any) -> str:
    """A JSON answer as people read it: dd/mm/yyyy, Có/Không, 1.000.000 đồng."""
    if _blank(value):
        return ""
    if node.kind == DATE:
        return text.show_date(value)
    if node.kind == MULTICHOICE and isinstance(value, list):
        return ", ".join(text.show_scalar(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return text.show_scalar(value)


def _label(context: list[str], title: str) -> str:
    return " – ".join([*context, title])


def _rows(node: Node, path: Path, data: Any, context: list[str], out: list[Row]) -> None:
    if node.is_leaf:
        out.append(Row(_label(context, node.title), show(node, value_at(data, path)), dotted(path)))
    elif node.kind == OBJECT:
        for child in node.children:
            _rows(child, (*path, child.name), data, [*context, node.title], out)
    elif node.kind == ARRAY:
        items = value_at(data, path)
        if not isinstance(items, list) or not items:
            out.append(Row(_label(context, node.title), "", dotted(path)))
            return
        item = node.children[0]
        item_title = text_of(item.schema.get("title")) or node.title
        for index in range(len(items)):
            row_title = f"{item_title} {index + 1}"
            if item.kind == OBJECT:
                for child in item.children:
                    _rows(child, (*path, index, child.name), data, [*context, row_title], out)
            else:
                value = show(item, items[index])
                out.append(Row(_label(context, row_title), value, dotted((*path, index))))


def answers(schema: Any, data: Any, *, single_page_max: int = 8) -> list[Section]:
    """Every question by page, with the answer shown for people."""
    sections = []
    for page in pages(schema, single_page_max):
        nodes = page_nodes(schema, page)
        page_root = is_page_root(page, nodes)
        rows: list[Row] = []
        for node in nodes:
            # The questions of a page's own object carry their title alone; those of a group
            # inside the page are prefixed with the group's title.
            if page_root and node.kind == OBJECT:
                for child in node.children:
                    _rows(child, (node.name, child.name), data, [], rows)
            else:
                _rows(node, (node.name,), data, [], rows)
        sections.append(Section(page.key, page.title, rows))
    return sections
