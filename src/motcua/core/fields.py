"""Model fields shared by the apps."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderedJSONField(models.TextField):  # type: ignore[type-arg]
    """JSON kept as text, so the order of an object's keys survives on every database.

    PostgreSQL's ``jsonb`` (behind Django's JSONField) reorders keys; a form schema's
    properties are the order of the questions, so it must not be reordered.
    """

    description = _("JSON giữ nguyên thứ tự khóa")

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as error:
                raise ValidationError(_("Không phải JSON hợp lệ."), code="invalid") from error
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False)

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        # The admin edits it as JSON (parsed and shown pretty), not as raw text.
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})
