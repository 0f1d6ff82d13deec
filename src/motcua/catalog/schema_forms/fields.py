"""One Django form field per question, chosen from the question's JSON Schema."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import text
from .tree import (
    BOOLEAN,
    CHOICE,
    DATE,
    EMAIL,
    INTEGER,
    MULTICHOICE,
    NUMBER,
    TEXTAREA,
    Node,
    Schema,
    text_of,
)

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
RADIO_MAX = 5  # more choices than this read better as a drop-down list
THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


def _number_limit(schema: Schema, key: str) -> Decimal | None:
    value = schema.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        limit = Decimal(str(value))
    except InvalidOperation:
        return None
    return limit if limit.is_finite() else None


def _int_limit(schema: Schema, key: str) -> int | None:
    value = schema.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check(test: Callable[[Any], bool], message: str) -> Callable[[Any], None]:
    # Our own validators raise a finished sentence with no %-params: a title from the
    # catalogue may contain "%", which Django would otherwise try to interpolate.
    def validator(value: Any) -> None:
        if not test(value):
            raise ValidationError(message)

    return validator


def _compiled(schema: Schema) -> re.Pattern[str] | None:
    source = schema.get("pattern")
    if not isinstance(source, str):
        return None
    try:
        return re.compile(source)
    except re.error:  # a broken pattern in imported data must not lock citizens out
        return None


def string_validators(label: str, schema: Schema) -> list[Callable[[Any], None]]:
    checks: list[Callable[[Any], None]] = []
    shortest, longest = _int_limit(schema, "minLength"), _int_limit(schema, "maxLength")
    if shortest is not None and shortest > 1:
        checks.append(_check(lambda v: len(v) >= shortest, text.min_length(label, shortest)))
    if longest is not None:
        checks.append(_check(lambda v: len(v) <= longest, text.max_length(label, longest)))
    compiled = _compiled(schema)
    if compiled is not None:
        hint = text_of(schema.get("description"))
        checks.append(_check(lambda v: bool(compiled.search(v)), text.pattern(label, hint)))
    return checks


BOUNDS: list[tuple[str, Callable[[Any, Any], bool], Callable[..., str], bool]] = [
    ("minimum", operator.ge, text.minimum, False),
    ("exclusiveMinimum", operator.gt, text.minimum, True),
    ("maximum", operator.le, text.maximum, False),
    ("exclusiveMaximum", operator.lt, text.maximum, True),
]


def _bound(
    limit: Decimal, holds: Callable[[Any, Any], bool], message: str
) -> Callable[[Any], None]:
    return _check(lambda value: holds(Decimal(value), limit), message)


def number_validators(label: str, schema: Schema) -> list[Callable[[Any], None]]:
    checks: list[Callable[[Any], None]] = []
    for key, holds, message, exclusive in BOUNDS:
        limit = _number_limit(schema, key)
        if limit is not None:
            checks.append(_bound(limit, holds, message(label, limit, exclusive=exclusive)))
    return checks


class NumberField(forms.Field):
    """A number typed the Vietnamese way (1.000.000 or 12,5) or the browser's way (12.5).

    A text input with ``inputmode`` rather than ``type=number``: browsers' number inputs
    silently drop what they cannot parse and change the value when scrolled.
    """

    widget = forms.TextInput

    def __init__(self, *, integer: bool, **kwargs: Any) -> None:
        self.integer = integer
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | Decimal | None:
        if value in self.empty_values:
            return None
        raw = str(value).strip().replace(" ", "").replace("\u00a0", "")
        number = self._parse(raw)
        if number is None or (self.integer and number != number.to_integral_value()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number) if self.integer else number

    @staticmethod
    def _parse(raw: str) -> Decimal | None:
        if len(raw) > 30:
            return None
        if THOUSANDS.fullmatch(raw.lstrip("+-")) or ("," in raw and "." in raw):
            raw = raw.replace(".", "")  # dots group thousands, a comma marks the decimals
        try:
            number = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "numeric" if self.integer else "decimal"
        return attrs


def _choices(schema: Schema) -> list[tuple[str, Any]]:
    enum = schema.get("enum")
    return [(text.show_scalar(v), v) for v in enum] if isinstance(enum, list) else []


def _choice_field(node: Node, label: str, required: bool) -> forms.Field:
    pairs = _choices(node.schema)
    by_key = dict(pairs)
    options: list[tuple[str, str]] = [(k, k) for k, _v in pairs]
    if len(options) <= RADIO_MAX:
        widget: type[forms.Widget] = forms.RadioSelect
    else:
        # An empty first option even when required: nobody submits the first choice unseen.
        options = [("", _("— Chọn —")), *options]
        widget = forms.Select
    return forms.TypedChoiceField(
        choices=options,
        coerce=lambda key: by_key.get(key, key),
        empty_value=None,
        widget=widget,
        error_messages={
            "required": text.required(label, choice=True),
            "invalid_choice": text.choices(label, [v for _k, v in pairs]),
        },
    )


def _multichoice_field(node: Node, label: str) -> forms.Field:
    items = node.schema.get("items")
    pairs = _choices(items if isinstance(items, Mapping) else {})
    by_key = dict(pairs)
    checks: list[Callable[[Any], None]] = []
    fewest, most = _int_limit(node.schema, "minItems"), _int_limit(node.schema, "maxItems")
    if fewest is not None:
        checks.append(_check(lambda v: len(v) >= fewest, text.min_items(label, fewest)))
    if most is not None:
        checks.append(_check(lambda v: len(v) <= most, text.max_items(label, most)))
    return forms.TypedMultipleChoiceField(
        choices=[(k, k) for k, _v in pairs],
        coerce=lambda key: by_key.get(key, key),
        widget=forms.CheckboxSelectMultiple,
        validators=checks,
        error_messages={
            "required": text.required(label, choice=True),
            "invalid_choice": text.choices(label, [v for _k, v in pairs]),
        },
    )


def _boolean_field(node: Node, label: str, required: bool) -> forms.Field:
    # Only a declaration (const: true) can be required: an unticked box is a "no" otherwise.
    return forms.BooleanField(
        required=required and node.is_declaration,
        error_messages={"required": text.declaration(label)},
    )


def _scalar_field(node: Node, label: str) -> forms.Field:
    messages = {"required": text.required(label)}
    if node.kind in (INTEGER, NUMBER):
        invalid = text.bad_integer(label) if node.kind == INTEGER else text.bad_number(label)
        return NumberField(
            integer=node.kind == INTEGER,
            validators=number_validators(label, node.schema),
            error_messages={**messages, "invalid": invalid},
        )
    checks = string_validators(label, node.schema)
    if node.kind == DATE:
        return forms.DateField(
            input_formats=DATE_INPUT_FORMATS,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={**messages, "invalid": text.bad_date(label)},
        )
    if node.kind == EMAIL:
        return forms.EmailField(
            validators=checks, error_messages={**messages, "invalid": text.bad_email(label)}
        )
    widget = forms.Textarea(attrs={"rows": 5}) if node.kind == TEXTAREA else forms.TextInput
    field = forms.CharField(widget=widget, validators=checks, error_messages=messages)
    longest = _int_limit(node.schema, "maxLength")
    if longest is not None and longest > 0:
        field.widget.attrs["maxlength"] = str(longest)
    return field


def make_field(node: Node, *, label: str, required: bool) -> forms.Field:
    """The field for one question; ``required`` only when the question is always asked."""
    if node.kind == MULTICHOICE:
        # A required list may still be empty in JSON Schema, unless minItems says otherwise.
        required = required and (_int_limit(node.schema, "minItems") or 0) >= 1
    if node.kind == BOOLEAN:
        field = _boolean_field(node, label, required)
    elif node.kind == CHOICE:
        field = _choice_field(node, label, required)
    elif node.kind == MULTICHOICE:
        field = _multichoice_field(node, label)
    else:
        field = _scalar_field(node, label)
    if node.kind != BOOLEAN:
        field.required = required
    field.label = label
    if node.description:
        # Catalogue data, not markup: field.html prints help text as is.
        field.help_text = escape(node.description)
    return field
