"""The small forms of the officer's actions on one dossier. Each form only parses input; the
service decides whether the move is allowed."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Consultation, Dossier, ResultDelivery
from motcua.identity.models import Agency, User

from .form_fields import (
    AgencyChoiceField,
    MultipleFileField,
    VietnameseDateField,
    end_of_day,
    local_moment,
)

SUPPLEMENT_ROWS = 5  # blank rows for the supplement request: enough without JavaScript


class ActionForm(forms.Form):
    """Every action form knows the dossier, the officer and the moment it is shown."""

    def __init__(self, *args: Any, dossier: Dossier, user: User, now: datetime, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.dossier, self.user, self.now = dossier, user, now


def reason_field(label: Any, hint: Any = "", required_message: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": required_message or _("Nhập lý do.")},
    )


def note_field(label: Any = None, hint: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label or _("Ghi chú"),
        help_text=hint,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConfirmForm(ActionForm):
    """Claim: nothing to type, the button is the answer."""


class AcceptForm(ActionForm):
    note = note_field()


class RefuseForm(ActionForm):
    reasons = reason_field(
        _("Lý do từ chối tiếp nhận"),
        _("Mỗi lý do một dòng. Các lý do được in trên phiếu từ chối (mẫu 03)."),
        _("Nhập ít nhất một lý do từ chối tiếp nhận."),
    )

    def clean_reasons(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["reasons"].splitlines()]
        reasons = [line for line in lines if line]
        if not reasons:
            raise ValidationError(_("Nhập ít nhất một lý do từ chối tiếp nhận."))
        return reasons


class SupplementRequestForm(ActionForm):
    deadline = VietnameseDateField(
        label=_("Hạn bổ sung"),
        required=False,
        help_text=_(
            "Ngày/tháng/năm. Người nộp bổ sung trước hết ngày này; quá hạn, hồ sơ bị từ chối."
        ),
    )

    def __init__(self, *args: Any, default_deadline: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_deadline = default_deadline
        self.fields["deadline"].initial = timezone.localdate(default_deadline)
        for i in range(SUPPLEMENT_ROWS):
            self.fields[f"item_{i}_name"] = forms.CharField(
                label=_("Tên giấy tờ"),
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"list": "requirement-names"}),
            )
            self.fields[f"item_{i}_reason"] = forms.CharField(
                label=_("Lý do, nội dung cần bổ sung"),
                required=False,
                max_length=1000,
            )

    @property
    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"item_{i}_name"], self[f"item_{i}_reason"]) for i in range(SUPPLEMENT_ROWS)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        items = []
        for i in range(SUPPLEMENT_ROWS):
            name = (cleaned.get(f"item_{i}_name") or "").strip()
            reason = (cleaned.get(f"item_{i}_reason") or "").strip()
            if reason and not name:
                self.add_error(f"item_{i}_name", _("Nhập tên giấy tờ cần bổ sung."))
            elif name:
                items.append({"name": name, "reason": reason})
        if not items and not self.errors:
            self.add_error("item_0_name", _("Nhập ít nhất một giấy tờ cần bổ sung, hoàn thiện."))
        cleaned["items"] = items
        day = cleaned.get("deadline")
        if day is not None and day <= timezone.localdate(self.now):
            self.add_error("deadline", _("Hạn bổ sung phải sau ngày hôm nay."))
        elif day is not None and day != timezone.localdate(self.default_deadline):
            cleaned["deadline_at"] = end_of_day(day)
        else:
            cleaned["deadline_at"] = None  # the default: the service counts working days
        return cleaned


class SupplementForm(ActionForm):
    scans = MultipleFileField(
        label=_("Giấy tờ bổ sung (bản quét)"),
        required=False,
        help_text=_("Tệp PDF, JPEG hoặc PNG; có thể chọn nhiều tệp."),
    )
    note = note_field(_("Ghi chú"), _("Ví dụ: đã nhận bản giấy của giấy tờ còn thiếu."))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("scans") and not (cleaned.get("note") or "").strip() and not self.errors:
            self.add_error("scans", _("Chọn tệp bổ sung hoặc ghi chú giấy tờ đã nhận."))
        return cleaned


class ForwardForm(ActionForm):
    note = note_field(_("Nội dung chuyển"), _("Ý kiến, kết quả xử lý ở bước này."))

    def __init__(
        self,
        *args: Any,
        agencies: list[Agency],
        officers: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if agencies:
            ids = [a.pk for a in agencies]
            self.fields["to_agency"] = AgencyChoiceField(
                Agency.objects.filter(pk__in=ids).select_related("unit").order_by("name"),
                label=_("Đơn vị thực hiện bước tiếp theo"),
            )
        if officers:
            self.fields["to_handler"] = forms.ModelChoiceField(
                User.objects.filter(pk__in=[o.pk for o in officers]).order_by("full_name"),
                label=_("Cán bộ xử lý bước tiếp theo"),
                error_messages={
                    "required": _("Chọn cán bộ xử lý bước tiếp theo."),
                    "invalid_choice": _("Chọn một cán bộ trong danh sách."),
                },
            )
        self.order_fields(["to_agency", "to_handler", "note"])


class SendBackForm(ActionForm):
    reason = reason_field(_("Lý do trả lại"), _("Người xử lý bước trước sẽ thấy lý do này."))


class TransferForm(ActionForm):
    reason = reason_field(_("Lý do chuyển đơn vị"))

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"] = AgencyChoiceField(agencies, label=_("Chuyển đến đơn vị"))
        self.order_fields(["to_agency", "reason"])


class ConsultForm(ActionForm):
    question = reason_field(_("Nội dung xin ý kiến"), "", _("Nhập nội dung xin ý kiến."))
    due_date = VietnameseDateField(
        label=_("Hạn trả lời"),
        required=False,
        help_text=_("Ngày/tháng/năm. Để trống: 2 ngày làm việc."),
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"] = AgencyChoiceField(agencies, label=_("Đơn vị được xin ý kiến"))
        self.order_fields(["to_agency", "question", "due_date"])

    def clean_due_date(self) -> datetime | None:
        day = self.cleaned_data.get("due_date")
        if day is None:
            return None
        if day < timezone.localdate(self.now):
            raise ValidationError(_("Hạn trả lời không được trước hôm nay."))
        return end_of_day(day)


class AnswerForm(ActionForm):
    answer = reason_field(_("Ý kiến trả lời"), "", _("Nhập ý kiến trả lời."))

    def __init__(self, *args: Any, consultations: list[Consultation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consultation"] = forms.TypedChoiceField(
            label=_("Xin ý kiến cần trả lời"),
            choices=[(c.pk, f"{c.from_agency}: {c.question[:120]}") for c in consultations],
            coerce=int,
            initial=consultations[0].pk if consultations else None,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Chọn một yêu cầu xin ý kiến trong danh sách.")},
        )
        self.consultations = {c.pk: c for c in consultations}
        self.order_fields(["consultation", "answer"])


def parse_amount(text: str) -> int:
    """ "8.000", "8000 đồng", "8 000" → 8000."""
    digits = re.sub(r"(?i)\s*(đồng|đ|vnđ|vnd)\s*$", "", text.strip())
    digits = re.sub(r"[.\s]", "", digits)
    if not re.fullmatch(r"-?\d{1,13}", digits):
        raise ValidationError(_("Nhập số tiền bằng chữ số, ví dụ 50.000."), code="invalid")
    return int(digits)


class PaymentRequestForm(ActionForm):
    amount = forms.CharField(
        label=_("Số tiền (đồng)"),
        help_text=_("Phí, lệ phí theo quy định; ví dụ 50.000."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-amount"}),
        error_messages={"required": _("Nhập số tiền.")},
    )
    note = note_field(_("Nội dung thu"))

    def clean_amount(self) -> int:
        amount = parse_amount(self.cleaned_data["amount"])
        if amount <= 0:
            raise ValidationError(_("Số tiền phải lớn hơn 0 đồng."))
        return amount


class PaymentConfirmForm(ActionForm):
    reference = forms.CharField(
        label=_("Số biên lai thu tiền"),
        help_text=_("Số biên lai đã giao cho người nộp khi thu tiền mặt tại bộ phận một cửa."),
        max_length=100,
        error_messages={"required": _("Nhập số biên lai.")},
    )


class DecideForm(ActionForm):
    decision = forms.TypedChoiceField(
        label=_("Quyết định"),
        choices=[("approve", _("Giải quyết (đồng ý)")), ("reject", _("Từ chối giải quyết"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "approve",
        error_messages={
            "required": _("Chọn giải quyết hoặc từ chối giải quyết."),
            "invalid_choice": _("Chọn giải quyết hoặc từ chối giải quyết."),
        },
    )
    note = note_field(
        _("Nội dung, lý do"), _("Bắt buộc khi từ chối giải quyết: lý do được gửi cho người nộp.")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") is False and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Nhập lý do từ chối giải quyết."))
        return cleaned


class ApologyForm(ActionForm):
    reason = reason_field(_("Lý do chậm trả kết quả"), _("In trên phiếu xin lỗi (mẫu 05)."))
    new_date = VietnameseDateField(label=_("Ngày hẹn trả mới"))
    new_time = forms.TimeField(
        label=_("Giờ hẹn trả mới"),
        help_text=_("Giờ:phút, ví dụ 16:30."),
        input_formats=["%H:%M", "%Hh%M", "%H giờ %M"],
        initial=time(16, 0),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "input-time"}),
        error_messages={
            "invalid": _("Nhập giờ theo dạng giờ:phút, ví dụ 16:30."),
            "required": _("Nhập giờ hẹn trả mới."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_date"].error_messages["required"] = _("Nhập ngày hẹn trả mới.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("new_date"), cleaned.get("new_time")
        if day is not None and at is not None:
            cleaned["new_due_at"] = local_moment(day, at)
            due = self.dossier.due_at
            if due is not None and cleaned["new_due_at"] <= due:
                self.add_error("new_date", _("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
        return cleaned


class RefuseExemptionForm(ActionForm):
    reason = reason_field(
        _("Lý do không chấp nhận"),
        _("Ví dụ: không xuất trình giấy xác nhận hộ nghèo còn hiệu lực. Được gửi cho người nộp."),
        _("Nhập lý do không chấp nhận miễn, giảm."),
    )


class StopForm(ActionForm):
    reason = reason_field(_("Lý do dừng xử lý"), _("Được gửi cho người nộp hồ sơ."))


class WithdrawForm(ActionForm):
    reason = reason_field(
        _("Đơn đề nghị rút hồ sơ"),
        _("Ghi số, ngày của văn bản đề nghị rút hồ sơ của người nộp và lý do (nếu có)."),
        _("Nhập thông tin văn bản đề nghị rút hồ sơ."),
    )


class ReturnForm(ActionForm):
    method = forms.ChoiceField(
        label=_("Hình thức trả kết quả"),
        choices=ResultDelivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn hình thức trả kết quả."),
            "invalid_choice": _("Chọn một hình thức trả kết quả trong danh sách."),
        },
    )
    tracking_number = forms.CharField(
        label=_("Số vận đơn bưu chính"),
        help_text=_("Bắt buộc khi gửi kết quả qua bưu chính công ích."),
        required=False,
        max_length=40,
    )
    note = note_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].initial = self.dossier.result_delivery

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("method") == ResultDelivery.POST
            and not (cleaned.get("tracking_number") or "").strip()
        ):
            self.add_error("tracking_number", _("Nhập số vận đơn khi trả qua bưu chính."))
        return cleaned
