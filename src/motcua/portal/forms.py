from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Field, OnlineLevel
from motcua.core.working_time import DurationUnit
from motcua.identity.models import UnitLevel


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm thủ tục"),
        required=False,
        max_length=200,
        help_text=_("Gõ có dấu hoặc không dấu, ví dụ: dang ky khai sinh"),
    )
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    level = forms.ChoiceField(
        label=_("Cấp thực hiện"), required=False, choices=[("", _("Tất cả")), *UnitLevel.choices]
    )
    online_level = forms.ChoiceField(
        label=_("Dịch vụ công trực tuyến"),
        required=False,
        choices=[("", _("Tất cả")), *OnlineLevel.choices],
    )
    agency = forms.CharField(label=_("Mã cơ quan"), required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = Field.objects.order_by("name").values_list("code", "name")
        self.fields["field"].choices = [("", _("Tất cả")), *codes]  # type: ignore[attr-defined]


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm đơn vị"), required=False, max_length=200)
    level = forms.ChoiceField(
        label=_("Cấp"), required=False, choices=[("", _("Tất cả")), *UnitLevel.choices]
    )


UNIT_CHOICES = [
    (DurationUnit.WORKING_DAYS.value, _("ngày làm việc")),
    (DurationUnit.WORKING_HOURS.value, _("giờ làm việc")),
    (DurationUnit.CALENDAR_DAYS.value, _("ngày (lịch)")),
]


class DueDateForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận"),
        help_text=_("Dạng dd/mm/yyyy hh:mm, ví dụ 13/02/2026 15:30"),
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    amount = forms.DecimalField(
        label=_("Thời hạn"), min_value=Decimal(0), max_value=Decimal(3650), decimal_places=2
    )
    unit = forms.ChoiceField(label=_("Đơn vị"), choices=UNIT_CHOICES)
    apply_cutoff = forms.BooleanField(
        label=_("Áp dụng quy định nhận sau 15 giờ chuyển sang ngày làm việc tiếp theo"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount = data.get("amount")
        whole = amount is None or amount == amount.to_integral_value()
        if data.get("unit") == DurationUnit.CALENDAR_DAYS and not whole:
            self.add_error("amount", _("Thời hạn tính theo ngày lịch phải là số nguyên."))
        return data
