"""Form fields the officer's pages share: Vietnamese dates, several scans at once, and a
select of agencies grouped by administrative unit."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
DATE_HINT = _("Ngày/tháng/năm, ví dụ 25/12/2026.")


class VietnameseDateField(forms.DateField):
    """dd/mm/yyyy, within the years the working-time engine knows."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        widget = forms.DateInput(format="%d/%m/%Y", attrs={"class": "input-date"})
        kwargs.setdefault("widget", widget)
        super().__init__(input_formats=["%d/%m/%Y"], **kwargs)
        self.error_messages["invalid"] = _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 25/12/2026.")

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value.strip() if isinstance(value, str) else value)
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise ValidationError(
                _("Năm phải trong khoảng %(min)s–%(max)s."),
                params={"min": EARLIEST_YEAR, "max": LATEST_YEAR},
                code="year",
            )
        return day


def local_moment(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def end_of_day(day: date) -> datetime:
    return local_moment(day, time(23, 59, 59))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items if d]


class AgencyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of agencies grouped by administrative unit, so a long list stays usable."""

    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        messages = kwargs.setdefault("error_messages", {})
        messages.setdefault("invalid_choice", _("Chọn một đơn vị trong danh sách."))
        messages.setdefault("required", _("Chọn đơn vị."))
        queryset = queryset.select_related("unit")
        super().__init__(queryset, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for agency in queryset:
            groups.setdefault(agency.unit.name, []).append((agency.pk, agency.name))
        # Validation still looks the id up in the queryset; only the display is grouped.
        self.widget.choices = [("", "—"), *groups.items()]
