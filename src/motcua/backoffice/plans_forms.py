"""The forms of the plan pages: each checks its fields and names the field at fault; the
services (motcua.plans.services) check the rules again and may refuse on a field too."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.identity.models import Agency
from motcua.plans.indicators import trackable
from motcua.plans.models import Comparison, TaskStatus

from .form_fields import AgencyChoiceField, MultipleFileField, VietnameseDateField

REQUIRED = {"required": _("Không được để trống.")}


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Tên kế hoạch"), max_length=300, error_messages=REQUIRED)
    reference = forms.CharField(
        label=_("Số, ký hiệu văn bản"), max_length=200, required=False,
        help_text=_("Ví dụ: Kế hoạch số 12/KH-UBND ngày 15/01/2026."),
    )  # fmt: skip
    starts_on = VietnameseDateField(label=_("Từ ngày"), error_messages=REQUIRED)
    ends_on = VietnameseDateField(label=_("Đến ngày"), error_messages=REQUIRED)
    owner = AgencyChoiceField(Agency.objects.none(), label=_("Cơ quan chủ trì"))
    description = forms.CharField(
        label=_("Mô tả"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = AgencyChoiceField(owners, label=_("Cơ quan chủ trì"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return cleaned


def indicator_choices() -> list[tuple[str, str]]:
    free = ("", str(_("Không — chỉ tiêu tự đo (nhập giá trị bằng tay)")))
    return [free, *((code, f"{code} — {name}") for code, name in trackable().items())]


class TargetForm(forms.Form):
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=300, error_messages=REQUIRED)
    indicator = forms.ChoiceField(
        label=_("Chỉ số Quyết định 766"), required=False, choices=indicator_choices,
        help_text=_("Chỉ tiêu theo chỉ số tự cập nhật từ số liệu hồ sơ; tính theo phần trăm."),
        error_messages={"invalid_choice": _("Chọn một chỉ số trong danh sách.")},
    )  # fmt: skip
    unit_of_measure = forms.CharField(
        label=_("Đơn vị tính"), max_length=40, required=False,
        help_text=_("Chỉ với chỉ tiêu tự đo, ví dụ: người, buổi, %."),
    )  # fmt: skip
    comparison = forms.ChoiceField(
        label=_("So sánh"), choices=Comparison.choices, initial=Comparison.AT_LEAST
    )
    value = forms.DecimalField(
        label=_("Giá trị chỉ tiêu"), max_digits=12, decimal_places=2, min_value=Decimal(0),
        localize=True,
        error_messages={**REQUIRED, "invalid": _("Nhập một số, ví dụ 95 hoặc 80,5.")},
    )  # fmt: skip
    deadline = VietnameseDateField(label=_("Thời hạn"), error_messages=REQUIRED)
    agencies = forms.ModelMultipleChoiceField(
        Agency.objects.order_by("name"), label=_("Áp dụng cho đơn vị"), required=False,
        help_text=_("Để trống: áp dụng cho cơ quan chủ trì. Giữ Ctrl để chọn nhiều đơn vị."),
        error_messages={"invalid_choice": _("Chọn đơn vị trong danh sách.")},
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        value = cleaned.get("value")
        if cleaned.get("indicator") and value is not None and value > 100:
            self.add_error("value", _("Chỉ tiêu theo chỉ số là tỷ lệ phần trăm, từ 0 đến 100."))
        if not cleaned.get("indicator") and not cleaned.get("unit_of_measure", "").strip():
            self.add_error("unit_of_measure", _("Chỉ tiêu tự đo cần đơn vị tính."))
        return cleaned


class ValueForm(forms.Form):
    value = forms.DecimalField(
        label=_("Giá trị hiện tại"), max_digits=12, decimal_places=2, localize=True,
        error_messages={**REQUIRED, "invalid": _("Nhập một số, ví dụ 25 hoặc 80,5.")},
    )  # fmt: skip


class TaskForm(forms.Form):
    name = forms.CharField(label=_("Tên nhiệm vụ"), max_length=300, error_messages=REQUIRED)
    due_on = VietnameseDateField(label=_("Hạn hoàn thành"), error_messages=REQUIRED)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form: the grouped select reads the agencies when it is made.
        owner = AgencyChoiceField(Agency.objects.order_by("name"), label=_("Đơn vị thực hiện"))
        self.fields = {"name": self.fields["name"], "owner": owner, "due_on": self.fields["due_on"]}


class TaskUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=TaskStatus.choices, widget=forms.RadioSelect,
        error_messages={**REQUIRED, "invalid_choice": _("Chọn một trạng thái trong danh sách.")},
    )  # fmt: skip
    note = forms.CharField(
        label=_("Ghi chú tiến độ"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Việc đã làm, khó khăn, kiến nghị. Ghi chú được lưu kèm tên người cập nhật."),
    )  # fmt: skip
    evidence = MultipleFileField(
        label=_("Tài liệu minh chứng"), required=False,
        help_text=_("PDF, JPEG hoặc PNG; có thể chọn nhiều tệp."),
    )  # fmt: skip
