"""The Django form of one page, rendered by the project's accessible form templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BoundField

from . import text
from .fields import make_field
from .layout import (
    MISSING,
    Layout,
    Slot,
    build,
    counts,
    field_name,
    missing,
    presence,
    rows_in,
    to_json,
    value_at,
)
from .tree import (
    BOOLEAN,
    CHOICE,
    DATE,
    EMAIL,
    INTEGER,
    MAX_ROWS,
    MULTICHOICE,
    NUMBER,
    TEXT,
    TEXTAREA,
    Node,
    Path,
    applicant,
    find_page,
    is_page_root,
    page_nodes,
    parse,
)

# WCAG 1.3.5: the applicant's own details say what they are, so browsers can fill them in.
AUTOCOMPLETE = {
    "ho_ten": "name",
    "email": "email",
    "dien_thoai": "tel",
    "ngay_sinh": "bday",
    "noi_cu_tru": "street-address",
}


@dataclass
class Fieldset:
    """A group of fields for the template: a legend and hint when the group is an object
    or an array row inside the page, none for the page's own questions."""

    legend: str
    hint: str
    id: str
    fields: list[BoundField]


class SchemaPageForm(forms.Form):
    template_name = "django/forms/schema_page.html"

    def __init__(self, *args: Any, layout: Layout, own: set[Path], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.layout = layout
        for slot in layout.slots:
            field = make_field(slot.node, label=slot.label, required=slot.always)
            token = AUTOCOMPLETE.get(str(slot.path[-1])) if slot.path[:-1] in own else None
            if token == "street-address" and slot.node.kind != TEXTAREA:
                token = "address-line1"  # HTML allows the multi-line token on a textarea only
            if token and slot.node.kind in (TEXT, TEXTAREA, EMAIL, DATE):
                field.widget.attrs["autocomplete"] = token
            self.fields[slot.name] = field

    @property
    def fieldsets(self) -> list[Fieldset]:
        return [
            Fieldset(
                legend=group.legend,
                hint=group.hint,
                id="fs_" + self.add_prefix(field_name(group.owner) or "page"),
                fields=[self[name] for name in group.names],
            )
            for group in self.layout.groups
            if group.names
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        failed = set(self.errors)
        values = {**cleaned, **{name: "?" for name in failed}}  # a wrong answer is an answer
        present = presence(self.layout, values)
        for slot in self.layout.slots:
            if slot.name in failed or slot.always or not slot.node.required:
                continue
            value = to_json(slot.node, cleaned.get(slot.name))
            if present(slot.parent) and missing(slot.node, value):
                self.add_error(slot.name, _required_message(slot))
        self._check_rows(values, present)
        return cleaned

    def _check_rows(self, values: Mapping[str, Any], present: Any) -> None:
        for spot in self.layout.arrays:
            if not present(spot.parent):
                continue
            answered = [i for i in range(spot.rows) if self._row_answered(spot.path, i, values)]
            fewest, most = spot.node.schema.get("minItems"), spot.node.schema.get("maxItems")
            if isinstance(fewest, int) and len(answered) < fewest:
                row = next(i for i in range(spot.rows + 1) if i not in answered)
                self._row_error(spot.path, row, text.min_items(spot.node.title, fewest))
            if isinstance(most, int) and len(answered) > most:
                self._row_error(spot.path, answered[most], text.max_items(spot.node.title, most))

    def _row_answered(self, path: Path, index: int, values: Mapping[str, Any]) -> bool:
        row = (*path, index)
        return any(
            counts(s.node, to_json(s.node, values.get(s.name)))
            for s in self.layout.slots
            if s.path[: len(row)] == row
        )

    def _row_error(self, path: Path, index: int, message: str) -> None:
        row = (*path, index)
        target = next((s for s in self.layout.slots if s.path[: len(row)] == row), None)
        target = target or next((s for s in self.layout.slots if s.path[: len(path)] == path), None)
        self.add_error(target.name if target else None, message)


def _required_message(slot: Slot) -> str:
    if slot.node.kind == BOOLEAN:
        return text.declaration(slot.label)
    return text.required(slot.label, choice=slot.node.kind in (CHOICE, MULTICHOICE))


def initial_value(node: Node, value: Any) -> Any:
    """A JSON value as the widget expects it back."""
    if value is MISSING or value is None:
        return None
    if node.kind == BOOLEAN:
        return value is True
    if node.kind == MULTICHOICE:
        return [text.show_scalar(v) for v in value] if isinstance(value, list) else []
    if isinstance(value, (dict, list)):
        return None
    if node.kind == DATE:
        return text.parse_date(value) or value
    if node.kind in (INTEGER, NUMBER) and isinstance(value, (int, float)):
        if isinstance(value, bool):
            return None
        return f"{Decimal(str(value)).normalize():f}".replace(".", ",")
    return text.show_scalar(value)


def _rows_for(data: Any, post: Mapping[str, Any] | None, prefix: str, extra: int) -> Any:
    def rows_for(path: Path, node: Node) -> int:
        existing = value_at(data, path)
        have = len(existing) if isinstance(existing, list) else 0
        fewest, most = node.schema.get("minItems"), node.schema.get("maxItems")
        posted = rows_in(post, path, prefix=prefix) if post is not None else 0
        wanted = max(have + max(extra, 0), fewest if isinstance(fewest, int) else 0, posted, 1)
        cap = min(MAX_ROWS, max(most, have, 1)) if isinstance(most, int) else MAX_ROWS
        return min(wanted, cap)

    return rows_for


def page_form(
    schema: Any,
    page_key: str,
    *,
    data: Mapping[str, Any],
    prefix: str = "",
    post: Mapping[str, Any] | None = None,
    extra_rows: int = 1,
    single_page_max: int = 8,
) -> SchemaPageForm:
    """The form for one page, its initial values taken from ``data`` (the answers so far)
    and the schema's defaults; bound to ``post`` (request.POST) when given.

    A page holding an array shows its rows plus ``extra_rows`` empty ones (at least
    ``minItems``); a fully empty row is dropped when applied. Raises ``UnknownPage``.
    """
    page = find_page(schema, page_key, single_page_max)
    data = data if isinstance(data, Mapping) else {}
    nodes = page_nodes(schema, page)
    rows_for = _rows_for(data, post, prefix, extra_rows)
    layout = build(nodes, rows_for, page_root=is_page_root(page, nodes))
    initial: dict[str, Any] = {}
    for slot in layout.slots:
        value = value_at(data, slot.path)
        if value is MISSING and "default" in slot.node.schema:
            value = slot.node.schema["default"]
        shown = initial_value(slot.node, value)
        if shown is not None:
            initial[slot.name] = shown
    person = applicant(parse(schema))
    own: set[Path] = {()} | ({person.path} if person is not None else set())
    return SchemaPageForm(post, initial=initial, prefix=prefix or None, layout=layout, own=own)
