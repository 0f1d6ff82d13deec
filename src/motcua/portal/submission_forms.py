"""Forms of the online submission: the choices before the application form, and one file."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVariant, ProcedureVersion
from motcua.core.templatetags.motcua import time_limit
from motcua.dossiers.drafts import Choices, delivery_choices, ward_agency
from motcua.dossiers.fees import claims_field, claims_problem
from motcua.dossiers.models import Channel, ResultDelivery
from motcua.dossiers.steps import handling_agencies
from motcua.identity.models import Agency


class VariantField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({time_limit(obj)})"


class AgencyField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ChoicesForm(forms.Form):
    """The case, the unit that handles the dossier, and how the result comes back."""

    variant = VariantField(
        label=_("Trường hợp của bạn"),
        queryset=ProcedureVariant.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Mỗi trường hợp có thời hạn giải quyết riêng."),
        error_messages={
            "required": _("Chọn trường hợp của hồ sơ."),
            "invalid_choice": _("Trường hợp đã chọn không thuộc thủ tục này."),
        },
    )
    agency = AgencyField(
        label=_("Nơi giải quyết hồ sơ"),
        queryset=Agency.objects.none(),
        empty_label=_("— Chọn đơn vị —"),
        help_text=_("Cơ quan tiếp nhận và giải quyết hồ sơ của bạn."),
        error_messages={
            "required": _("Chọn nơi giải quyết hồ sơ."),
            "invalid_choice": _("Đơn vị đã chọn không giải quyết thủ tục này."),
        },
    )
    result_delivery = forms.ChoiceField(
        label=_("Cách nhận kết quả"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn cách nhận kết quả."),
            "invalid_choice": _("Cách nhận kết quả đã chọn không áp dụng cho thủ tục này."),
        },
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        help_text=_("Chỉ cần khi nhận kết quả qua bưu chính: số nhà, đường phố, phường, tỉnh."),
        required=False,
        max_length=300,
        error_messages={"max_length": _("Địa chỉ dài tối đa %(limit_value)d ký tự.")},
    )

    def __init__(self, *args: Any, version: ProcedureVersion, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.version = version
        variants = version.variants.order_by("position", "id")
        agencies = handling_agencies(version).order_by("name", "electronic_id")
        cast(VariantField, self.fields["variant"]).queryset = variants
        cast(AgencyField, self.fields["agency"]).queryset = agencies
        cast(forms.ChoiceField, self.fields["result_delivery"]).choices = delivery_choices(version)
        if (claims := claims_field(version)) is not None:
            self.fields["exemption_claims"] = claims
        if not self.is_bound and not self.initial:
            only = list(variants[:2])
            self.initial = {
                "variant": only[0].pk if len(only) == 1 else None,
                "agency": getattr(ward_agency(user, agencies), "pk", None),
                "result_delivery": ResultDelivery.DESK.value,
                "delivery_address": user.address_line(),
            }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        claims, variant = cleaned.get("exemption_claims"), cleaned.get("variant")
        if claims and variant is not None:
            why = claims_problem(
                self.version, variant=variant.code, channel=Channel.ONLINE, claims=claims
            )
            if why:
                self.add_error("exemption_claims", why)
        post = cleaned.get("result_delivery") == ResultDelivery.POST
        if post and not (cleaned.get("delivery_address") or "").strip():
            self.add_error("delivery_address", _("Nhập địa chỉ để nhận kết quả qua bưu chính."))
        return cleaned

    def choices(self) -> Choices:
        data = self.cleaned_data
        return Choices(
            variant=data["variant"],
            agency=data["agency"],
            result_delivery=data["result_delivery"],
            delivery_address=data.get("delivery_address") or "",
            exemption_claims=list(data.get("exemption_claims") or []),
        )


class UploadForm(forms.Form):
    """One file for one document; each document has its own small form on the page."""

    requirement = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Tệp"),
        error_messages={
            "required": _("Chọn một tệp để tải lên."),
            "empty": _("Tệp đã chọn trống."),
            "invalid": _("Không đọc được tệp đã gửi; hãy chọn lại tệp."),
        },
    )


class SubmitForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
