"""A procedure's application form (tờ khai, JSON Schema 2020-12) as accessible HTML pages.

- ``pages(schema)``: the pages, one thing per page;
- ``page_form(schema, key, data=..., post=...)``: the Django form of one page;
- ``apply_page(schema, key, data, form.cleaned_data)``: the answers with that page merged;
- ``validate(schema, data)``: every problem, in Vietnamese, with the page that fixes it;
- ``answers(schema, data)``: the answers for people ("check your answers", the officer);
- ``prefill(schema, profile=..., previous=...)``: a first draft from what we already know.

See docs/adr/0006-json-schema-forms.md for the supported subset of JSON Schema.
"""

from .form import Fieldset, SchemaPageForm, page_form
from .instance import Row, Section, answers, apply_page, prefill
from .layout import field_name
from .tree import Page, UnknownPage, page_of, pages
from .validation import Problem, validate

__all__ = [
    "Fieldset",
    "Page",
    "Problem",
    "Row",
    "SchemaPageForm",
    "Section",
    "UnknownPage",
    "answers",
    "apply_page",
    "field_name",
    "page_form",
    "page_of",
    "pages",
    "prefill",
    "validate",
]
