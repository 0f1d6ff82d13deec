"""The forms of the data catalogue's back office pages: a proposal (the database and its fields,
one fieldset per field, three blank ones to add more), a review decision, a version's approval.
They check the shape of each field; the rules of the content (datacatalog.specs) and of the
workflow (datacatalog.rules) are the domain's, asked again by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.datacatalog.models import FieldType, Frequency, ProposalKind, SharingLevel
from motcua.datacatalog.specs import DatabaseSpec, FieldSpec

from .form_fields import AgencyChoiceField, VietnameseDateField

REQUIRED = {"required": _("Không được để trống.")}
CHOOSE = {**REQUIRED, "invalid_choice": _("Chọn một giá trị trong danh sách.")}


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại đề xuất"), choices=ProposalKind.choices,
                             widget=forms.RadioSelect, error_messages=CHOOSE)  # fmt: skip
    code = forms.CharField(
        label=_("Mã cơ sở dữ liệu"), max_length=40, error_messages=REQUIRED,
        help_text=_("Chữ in hoa không dấu, chữ số và dấu gạch nối, ví dụ CSDL-HKTT. "
                    "Mã không đổi qua các phiên bản."),
    )  # fmt: skip
    reason = forms.CharField(label=_("Lý do đề xuất"), max_length=2000, error_messages=REQUIRED,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    name = forms.CharField(
        label=_("Tên cơ sở dữ liệu"), max_length=300, required=False,
        help_text=_("Không cần với đề xuất đưa ra khỏi danh mục (cả các mục dưới đây)."),
    )  # fmt: skip
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=300, required=False)
    purpose = forms.CharField(label=_("Mục đích"), max_length=3000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=3000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    system = forms.CharField(label=_("Hệ thống thông tin"), max_length=300, required=False)
    frequency = forms.ChoiceField(label=_("Tần suất cập nhật"), required=False,
                                  choices=[("", "—"), *Frequency.choices],
                                  error_messages=CHOOSE)  # fmt: skip
    sharing = forms.ChoiceField(
        label=_("Mức chia sẻ của cơ sở dữ liệu"), required=False,
        choices=[("", "—"), *SharingLevel.choices], error_messages=CHOOSE,
        help_text=_("Cơ sở dữ liệu mở chỉ được công bố là dữ liệu mở khi không trường mở nào "
                    "chứa dữ liệu cá nhân."),
    )  # fmt: skip

    def __init__(self, *args: Any, agencies: Any, fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = AgencyChoiceField(agencies, label=_("Cơ quan chủ quản đề xuất"))
        self.fields = {"kind": self.fields["kind"], "agency": agency,
                       **{k: v for k, v in self.fields.items() if k != "kind"}}  # fmt: skip
        if fixed:  # editing: what and whose are set when the proposal is made
            for name in ("kind", "agency", "code"):
                self.fields[name].disabled = True

    def clean_code(self) -> str:
        return str(self.cleaned_data.get("code", "")).strip().upper()


class FieldForm(forms.Form):
    name = forms.CharField(label=_("Tên trường"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("Kiểu dữ liệu"), choices=FieldType.choices,
                             initial=FieldType.STRING, error_messages=CHOOSE)  # fmt: skip
    description = forms.CharField(label=_("Mô tả"), max_length=1000, required=False)
    personal = forms.BooleanField(label=_("Chứa dữ liệu cá nhân"), required=False)
    sharing = forms.ChoiceField(
        label=_("Mức chia sẻ của trường"), choices=SharingLevel.choices,
        initial=SharingLevel.RESTRICTED, error_messages=CHOOSE,
        help_text=_("Trường chứa dữ liệu cá nhân không thể ở mức mở."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("personal") and cleaned.get("sharing") == SharingLevel.OPEN:
            self.add_error("sharing", _("Trường chứa dữ liệu cá nhân không thể ở mức mở."))
        return cleaned


FieldFormSet = forms.formset_factory(FieldForm, extra=3, max_num=200, absolute_max=200)


def filled_forms(formset: Any) -> list[Any]:
    """The rows a person filled in, in order; blank rows (no field name) are left out."""
    return [f for f in formset.forms if f.cleaned_data and f.cleaned_data.get("name", "").strip()]


def field_rows(formset: Any) -> list[FieldSpec]:
    """The fields of the rows filled in (``filled_forms``), in the same order."""
    return [
        FieldSpec(name=d["name"].strip(), type=d["type"], description=d["description"].strip(),
                  personal=d["personal"], sharing=d["sharing"])
        for d in (f.cleaned_data for f in filled_forms(formset))
    ]  # fmt: skip


def spec_from(data: dict[str, Any], fields: list[FieldSpec]) -> DatabaseSpec:
    return DatabaseSpec(
        code=data["code"], name=data["name"].strip(), name_en=data["name_en"].strip(),
        owner_id=data["agency"].pk, purpose=data["purpose"].strip(),
        legal_basis=data["legal_basis"].strip(), system=data["system"].strip(),
        frequency=data["frequency"], sharing=data["sharing"], fields=tuple(fields),
    )  # fmt: skip


def initial_from(spec: DatabaseSpec) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = {k: getattr(spec, k) for k in ("code", "name", "name_en", "purpose", "legal_basis",
                                          "system", "frequency", "sharing")}  # fmt: skip
    return data, [vars(f) | {} for f in spec.fields]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Kết quả thẩm định"), widget=forms.RadioSelect, error_messages=CHOOSE,
        choices=[("accept", _("Chấp nhận, trình phê duyệt")),
                 ("return", _("Trả lại để chỉnh sửa")), ("reject", _("Không chấp nhận"))],
    )  # fmt: skip
    note = forms.CharField(label=_("Ý kiến thẩm định"), max_length=2000, error_messages=REQUIRED,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ApprovalForm(forms.Form):
    effective_from = VietnameseDateField(label=_("Có hiệu lực từ ngày"), error_messages=REQUIRED)
    decision = forms.CharField(
        label=_("Văn bản phê duyệt"), max_length=200, required=False,
        help_text=_("Ví dụ: Quyết định số 123/QĐ-UBND ngày 01/07/2026."),
    )  # fmt: skip
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
