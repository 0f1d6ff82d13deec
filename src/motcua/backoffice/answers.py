"""The procedure's application form (tờ khai) at the desk and on the dossier page.

The full renderer lives in ``motcua.catalog.schema_forms`` once the lead has moved it there
from the portal; until then this module falls back to a plain rendering of the schema's
questions (objects flattened, arrays left to the library), so an officer never types JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from motcua.catalog import schema_forms

PREFIX = "tk"  # every question of the form sits under this prefix in the desk's one <form>
LIBRARY_FUNCTIONS = ("pages", "page_form", "apply_page", "answers")


def library() -> Any | None:
    """``motcua.catalog.schema_forms`` when it holds the full renderer, else None."""
    if all(hasattr(schema_forms, name) for name in LIBRARY_FUNCTIONS):
        return schema_forms
    return None


# Reading the answers -------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    label: str
    value: str


@dataclass(frozen=True)
class AnswerSection:
    title: str
    rows: list[AnswerRow] = field(default_factory=list)


def answer_sections(schema: Any, data: Any) -> list[AnswerSection]:
    """The answers of a dossier as labelled rows, grouped by the form's pages."""
    lib = library()
    if lib is not None:
        return [
            AnswerSection(s.title, [AnswerRow(r.label, r.value) for r in s.rows])
            for s in lib.answers(schema, data)
        ]
    rows = list(_plain_rows(schema if isinstance(schema, Mapping) else {}, data, ""))
    return [AnswerSection(_("Tờ khai"), rows)] if rows else []


def _plain_rows(schema: Mapping[str, Any], data: Any, context: str) -> Iterator[AnswerRow]:
    props = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else None
    values = data if isinstance(data, Mapping) else {}
    seen: set[str] = set()
    for name, sub in (props or {}).items():
        seen.add(name)
        sub = sub if isinstance(sub, Mapping) else {}
        title = str(sub.get("title") or name)
        label = f"{context} – {title}" if context else title
        value = values.get(name)
        if isinstance(value, Mapping) and isinstance(sub.get("properties"), Mapping):
            yield from _plain_rows(sub, value, label)
        else:
            yield AnswerRow(label, show_value(value))
    # Answers the schema does not describe (an older version of the form) are still shown.
    for name, value in values.items():
        if name not in seen:
            yield AnswerRow(f"{context} – {name}" if context else str(name), show_value(value))


def show_value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if value is True:
        return _("Có")
    if value is False:
        return _("Không")
    if isinstance(value, int | float):
        return f"{value:,}".replace(",", "·").replace(".", ",").replace("·", ".")
    if isinstance(value, str) and _is_iso_date(value):
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    if isinstance(value, list):
        return "; ".join(show_value(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {show_value(v)}" for k, v in value.items())
    return str(value)


def _is_iso_date(text: str) -> bool:
    if len(text) != 10:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


# Typing the answers in at the desk ---------------------------------------------------------


class AnswerForms:
    """Every page of the form, bound together in one ``<form>`` with a prefix per page."""

    def __init__(self, schema: Any, post: Mapping[str, Any] | None = None) -> None:
        self.schema = schema if isinstance(schema, Mapping) else {}
        lib = library()
        if lib is not None:
            self.pages = [
                (page.key, page.title, lib.page_form(
                    self.schema, page.key, data={}, prefix=f"{PREFIX}{i}", post=post,
                    extra_rows=1,
                ))
                for i, page in enumerate(lib.pages(self.schema))
            ]  # fmt: skip
        else:
            form = PlainAnswerForm(post, schema=self.schema, prefix=PREFIX)
            self.pages = [("to-khai", _("Tờ khai"), form)] if form.fields else []

    @property
    def forms(self) -> list[forms.Form]:
        return [form for _key, _title, form in self.pages]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.forms])  # every form, for all errors

    def data(self) -> dict[str, Any]:
        """The answers as the dossier stores them (call after ``is_valid``)."""
        lib = library()
        answers: dict[str, Any] = {}
        for key, _title, form in self.pages:
            if lib is not None:
                answers = lib.apply_page(self.schema, key, answers, form.cleaned_data)
            else:
                answers = form.answers()  # type: ignore[attr-defined]
        return answers


class PlainAnswerForm(forms.Form):
    """The fallback: one field per scalar question, nested objects flattened with ``__``."""

    def __init__(self, *args: Any, schema: Mapping[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.paths: dict[str, tuple[str, ...]] = {}
        for path, sub, required, label in _scalar_questions(schema, (), True, ""):
            name = "__".join(path)
            self.fields[name] = _plain_field(sub, required, label)
            self.paths[name] = path

    def answers(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, path in self.paths.items():
            value = self.cleaned_data.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, date):
                value = value.isoformat()
            target = result
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = value
        return result


def _scalar_questions(
    schema: Mapping[str, Any], path: tuple[str, ...], present: bool, context: str
) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any], bool, str]]:
    props = schema.get("properties")
    if not isinstance(props, Mapping):
        return
    required = set(schema.get("required") or [])
    for name, sub in props.items():
        if not isinstance(sub, Mapping):
            continue
        title = str(sub.get("title") or name)
        label = f"{context} – {title}" if context else title
        if isinstance(sub.get("properties"), Mapping):
            yield from _scalar_questions(sub, (*path, name), present and name in required, label)
        elif sub.get("type") not in ("array", "object"):
            yield (*path, name), sub, present and name in required, label


def _plain_field(sub: Mapping[str, Any], required: bool, label: str) -> forms.Field:
    hint = str(sub.get("description") or "")
    kind, enum = sub.get("type"), sub.get("enum")
    common: dict[str, Any] = {"label": label, "help_text": hint, "required": required}
    if isinstance(enum, list) and enum:
        choices = [("", "—")] + [(str(v), str(v)) for v in enum]
        return forms.TypedChoiceField(choices=choices, coerce=_coerce(enum), **common)
    if kind == "boolean" or sub.get("const") is True:
        return forms.BooleanField(**common)
    if kind == "integer":
        return forms.IntegerField(**common)
    if kind == "number":
        return forms.DecimalField(**common)
    if sub.get("format") == "date":
        return forms.DateField(
            input_formats=["%d/%m/%Y"],
            widget=forms.DateInput(format="%d/%m/%Y"),
            error_messages={"invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 25/12/2026.")},
            **{**common, "help_text": hint or _("Ví dụ: 25/12/2026.")},
        )
    if sub.get("format") == "email":
        return forms.EmailField(**common)
    max_length = sub.get("maxLength") if isinstance(sub.get("maxLength"), int) else None
    widget = forms.Textarea(attrs={"rows": 3}) if (max_length or 0) > 200 else None
    return forms.CharField(max_length=max_length, widget=widget, **common)


def _coerce(enum: list[Any]) -> Any:
    by_text = {str(v): v for v in enum}
    return lambda text: by_text.get(text, text)
