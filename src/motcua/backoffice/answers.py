"""The procedure's application form (tờ khai) at the desk and on the dossier page, through the
catalogue's form library: the desk types every page of it into one ``<form>``, each page
under its own prefix, and the officer reads the answers as labelled rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from motcua.catalog import schema_forms

PREFIX = "tk"  # page i of the form sits under the prefix "tk<i>" in the desk's one <form>


def answer_sections(schema: Any, data: Any) -> list[schema_forms.Section]:
    """The answers of a dossier as labelled rows, grouped by the form's pages."""
    return schema_forms.answers(schema, data)


class AnswerForms:
    """Every page of the form, bound together in one ``<form>`` with a prefix per page."""

    def __init__(self, schema: Any, post: Mapping[str, Any] | None = None) -> None:
        self.schema = schema if isinstance(schema, Mapping) else {}
        self.pages = [
            (page.key, page.title, schema_forms.page_form(
                self.schema, page.key, data={}, prefix=f"{PREFIX}{i}", post=post,
            ))
            for i, page in enumerate(schema_forms.pages(self.schema))
        ]  # fmt: skip

    @property
    def forms(self) -> list[schema_forms.SchemaPageForm]:
        return [form for _key, _title, form in self.pages]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.forms])  # every form, for all errors

    def data(self) -> dict[str, Any]:
        """The answers as the dossier stores them (call after ``is_valid``)."""
        answers: dict[str, Any] = {}
        for key, _title, form in self.pages:
            answers = schema_forms.apply_page(self.schema, key, answers, form.cleaned_data)
        return answers
