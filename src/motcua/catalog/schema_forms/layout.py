"""Where each question of a page sits: form field names, fieldsets, and which groups of
questions are "present" (must be complete) in an answer.

The rule for optional groups, shared by the page forms and ``apply_page()``: an optional
object (say, the father when unknown) or an array row counts as answered once any of its
questions holds something other than its default (an unticked box and the pre-filled
"Kinh"/"Việt Nam" do not count). Only then do its own required questions become required;
otherwise the whole group is left out of the instance, so JSON Schema's ``required`` inside
it does not apply either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .tree import ARRAY, BOOLEAN, INTEGER, MULTICHOICE, OBJECT, Node, Path, text_of

RowsFor = Callable[[Path, Node], int]


def field_name(path: Path | tuple[str, ...]) -> str:
    """The form field of a question: ``me.ho_ten`` → ``me__ho_ten``, rows by index."""
    return "__".join(str(p) for p in path)


@dataclass(frozen=True)
class Slot:
    """One form field."""

    name: str
    path: Path
    node: Node
    parent: Path  # the object or array row whose presence makes a required question required
    label: str
    always: bool  # asked whenever the page is: every enclosing object is required


@dataclass(frozen=True)
class Container:
    path: Path
    node: Node
    parent: Path | None
    required: bool  # present whenever its parent is (array rows never are)


@dataclass
class Group:
    owner: Path
    legend: str
    hint: str
    names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ArraySpot:
    path: Path
    parent: Path
    node: Node
    rows: int


@dataclass
class Layout:
    slots: list[Slot] = field(default_factory=list)
    containers: dict[Path, Container] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    arrays: list[ArraySpot] = field(default_factory=list)

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)


_ROOT = Node("", (), {}, True, OBJECT)


def build(nodes: list[Node], rows_for: RowsFor, *, page_root: bool) -> Layout:
    """``page_root``: the page is one object or array, titled by the page heading."""
    layout = Layout(containers={(): Container((), _ROOT, None, True)})
    for node in nodes:
        _place(layout, node, (node.name,), (), always=True, legend=not page_root, rows_for=rows_for)
    return layout


def _add_leaf(layout: Layout, slot: Slot, owner: Path) -> None:
    if not layout.groups or layout.groups[-1].owner != owner:
        layout.groups.append(Group(owner, "", ""))
    layout.groups[-1].names.append(slot.name)
    layout.slots.append(slot)


def _place(
    layout: Layout,
    node: Node,
    path: Path,
    parent: Path,
    *,
    always: bool,
    legend: bool,
    rows_for: RowsFor,
) -> None:
    if node.is_leaf:
        slot = Slot(field_name(path), path, node, parent, node.title, always and node.required)
        _add_leaf(layout, slot, parent)
    elif node.kind == OBJECT:
        layout.containers[path] = Container(path, node, parent, node.required)
        if legend:
            layout.groups.append(Group(path, node.title, node.description))
        for child in node.children:
            _place(
                layout,
                child,
                (*path, child.name),
                path,
                always=always and node.required,
                legend=True,
                rows_for=rows_for,
            )
    elif node.kind == ARRAY:
        _place_rows(layout, node, path, parent, legend=legend, rows_for=rows_for)


def _place_rows(
    layout: Layout, node: Node, path: Path, parent: Path, *, legend: bool, rows_for: RowsFor
) -> None:
    rows = rows_for(path, node)
    layout.arrays.append(ArraySpot(path, parent, node, rows))
    item = node.children[0]
    item_title = text_of(item.schema.get("title")) or node.title
    if item.kind != OBJECT:
        layout.groups.append(Group(path, node.title if legend else "", ""))
    for index in range(rows):
        row: Path = (*path, index)
        if item.kind == OBJECT:
            layout.containers[row] = Container(row, item, parent, False)
            layout.groups.append(Group(row, f"{item_title} {index + 1}", item.description))
            for child in item.children:
                _place(
                    layout,
                    child,
                    (*row, child.name),
                    row,
                    always=False,
                    legend=True,
                    rows_for=rows_for,
                )
        elif item.is_leaf:
            label = f"{item_title} {index + 1}"
            _add_leaf(layout, Slot(field_name(row), row, item, parent, label, False), path)
        # An array of arrays is beyond our subset: jsonschema reports it at validation.


# Values ------------------------------------------------------------------------------------

MISSING: Any = object()


def to_json(node: Node, value: Any) -> Any:
    """A cleaned form value as JSON: ISO dates, numbers as numbers, no empty strings."""
    if value is None or value is MISSING:
        return MISSING
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if node.kind == INTEGER or value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, str):
        return value.strip() or MISSING
    if isinstance(value, (list, tuple)):
        return [to_json(node, v) for v in value]
    return value


def counts(node: Node, value: Any) -> bool:
    """Whether a value is a real answer, enough to make its group present."""
    if value is MISSING or value is None or value is False or value in ("", []):
        return False
    return not ("default" in node.schema and node.schema["default"] == value)


def missing(node: Node, value: Any) -> bool:
    """Whether a required question is unanswered."""
    if node.kind == BOOLEAN:
        return node.is_declaration and value is not True
    if node.kind == MULTICHOICE:
        fewest = node.schema.get("minItems")
        return isinstance(fewest, int) and fewest >= 1 and not value
    return value is MISSING or value is None or value == ""


def presence(layout: Layout, values: Mapping[str, Any]) -> Callable[[Path], bool]:
    """present(container path): is that object or row part of the answer?"""
    answered: set[Path] = set()
    for slot in layout.slots:
        if counts(slot.node, to_json(slot.node, values.get(slot.name))):
            answered.update(slot.path[:end] for end in range(len(slot.path)))

    def present(path: Path) -> bool:
        container = layout.containers.get(path)
        if container is None or path == ():
            return True
        if path in answered:
            return True
        if not container.required or container.parent is None:
            return False
        return present(container.parent)

    return present


def rows_in(values: Mapping[str, Any], path: Path, *, prefix: str = "") -> int:
    """How many rows of the array at ``path`` a submission (or cleaned data) carries."""
    start = (f"{prefix}-" if prefix else "") + field_name(path) + "__"
    most = 0
    for key in values:
        if isinstance(key, str) and key.startswith(start):
            head = key[len(start) :].split("__", 1)[0]
            if head.isdigit() and len(head) < 4:
                most = max(most, int(head) + 1)
    return most


def value_at(data: Any, path: Path | tuple[str, ...]) -> Any:
    """The value at ``path`` in an instance, or MISSING."""
    here = data
    for step in path:
        in_list = isinstance(step, int) and isinstance(here, list) and 0 <= step < len(here)
        in_object = isinstance(step, str) and isinstance(here, Mapping) and step in here
        if in_list or in_object:
            here = here[step]
        else:
            return MISSING
    return here
