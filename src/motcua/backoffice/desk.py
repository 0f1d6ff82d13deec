"""The one-stop desk's forms: a walk-in (or posted) dossier typed in by the receiver, with the
papers scanned in. Receiving it is the domain's ``submit_dossier`` (the scans are stored with
the dossier, or not at all); who may receive where is the action table's."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.fees import claims_field, claims_problem
from motcua.dossiers.files import NewUpload
from motcua.dossiers.models import ApplicantType, Channel, DossierFile, ResultDelivery
from motcua.dossiers.rules import desk_agencies
from motcua.identity.models import User
from motcua.identity.validators import normalise_phone, validate_national_id

from .form_fields import MultipleFileField

# Forms --------------------------------------------------------------------------------------


def validate_identity_number(value: str) -> None:
    """A 12-digit personal number (checked), a 9-digit old ID card, or a passport number."""
    if re.fullmatch(r"\d{12}", value):
        validate_national_id(value)
    elif not re.fullmatch(r"\d{9}|[A-Z0-9]{6,20}", value):
        raise ValidationError(
            _("Số giấy tờ gồm 12 chữ số (căn cước), 9 chữ số (CMND cũ) hoặc số hộ chiếu."),
            code="format",
        )


class WalkInForm(forms.Form):
    """Who brings which procedure to which unit; the answers and scans come alongside."""

    variant = forms.ModelChoiceField(  # type: ignore[var-annotated]
        queryset=None,
        label=_("Trường hợp"),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn trường hợp của thủ tục."),
            "invalid_choice": _("Chọn một trường hợp trong danh sách."),
        },
    )
    agency = forms.ModelChoiceField(  # type: ignore[var-annotated]
        queryset=None,
        label=_("Cơ quan giải quyết"),
        empty_label=_("— Chọn cơ quan —"),
        error_messages={
            "required": _("Chọn cơ quan giải quyết."),
            "invalid_choice": _("Chọn một cơ quan trong danh sách."),
        },
    )
    channel = forms.TypedChoiceField(
        label=_("Hình thức nộp"),
        choices=[(Channel.IN_PERSON, Channel.IN_PERSON.label), (Channel.POST, Channel.POST.label)],
        coerce=int,
        initial=Channel.IN_PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn hình thức nộp.")},
    )
    applicant_type = forms.TypedChoiceField(
        label=_("Đối tượng"),
        choices=ApplicantType.choices,
        coerce=int,
        initial=ApplicantType.CITIZEN,
    )
    name = forms.CharField(
        label=_("Họ và tên người nộp"),
        max_length=150,
        error_messages={"required": _("Nhập họ và tên người nộp.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân / CMND / hộ chiếu"),
        max_length=20,
        required=False,
        validators=[validate_identity_number],
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        help_text=_("Để nhận tin nhắn về hồ sơ; ví dụ 0912345678."),
        max_length=20,
        required=False,
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Thư điện tử chưa đúng dạng, ví dụ ten@example.vn.")},
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    organisation_name = forms.CharField(
        label=_("Tên tổ chức, doanh nghiệp"),
        help_text=_("Khi người nộp thay mặt tổ chức, doanh nghiệp."),
        max_length=255,
        required=False,
    )
    organisation_tax_code = forms.CharField(label=_("Mã số thuế"), max_length=14, required=False)
    result_delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ResultDelivery.choices,
        initial=ResultDelivery.DESK,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"), max_length=300, required=False
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)
    other_files = MultipleFileField(
        label=_("Giấy tờ khác (bản quét)"),
        required=False,
        help_text=_("Tệp PDF, JPEG hoặc PNG; có thể chọn nhiều tệp."),
    )

    def __init__(self, *args: Any, version: ProcedureVersion, officer: User, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["key"].initial = uuid.uuid4().hex
        self.version = version
        self.fields["variant"].queryset = version.variants.order_by("position")  # type: ignore[attr-defined]
        agencies = desk_agencies(officer, version)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0].pk
        variants = list(version.variants.all())
        if len(variants) == 1:
            self.fields["variant"].initial = variants[0].pk
        self.requirements = list(version.documents.order_by("position"))
        for requirement in self.requirements:
            self.fields[f"doc_{requirement.pk}"] = forms.FileField(
                label=requirement.name,
                required=False,
                help_text=_("Bản chính: %(o)s, bản sao: %(c)s. Tệp PDF, JPEG hoặc PNG.")
                % {"o": requirement.originals, "c": requirement.copies},
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
        if (claims := claims_field(version)) is not None:
            self.fields["exemption_claims"] = claims
        # The scans come last, with "other files" at the very end.
        self.order_fields([n for n in self.fields if n != "other_files"] + ["other_files"])

    @property
    def document_fields(self) -> list[forms.BoundField]:
        return [self[f"doc_{r.pk}"] for r in self.requirements] + [self["other_files"]]

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not normalise_phone(phone):
            raise ValidationError(_("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0 hoặc +84."))
        return normalise_phone(phone)

    def clean_id_number(self) -> str:
        return str(self.cleaned_data["id_number"]).strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(k) for k in ("phone", "email", "id_number")) and not self.errors:
            self.add_error(
                "phone", _("Nhập số điện thoại, thư điện tử hoặc số giấy tờ để tra cứu hồ sơ.")
            )
        claims, variant = cleaned.get("exemption_claims"), cleaned.get("variant")
        if claims and variant is not None and cleaned.get("channel"):
            why = claims_problem(
                self.version, variant=variant.code, channel=cleaned["channel"], claims=claims
            )
            if why:
                self.add_error("exemption_claims", why)
        wants_post = cleaned.get("result_delivery") == ResultDelivery.POST
        if wants_post and not (cleaned.get("delivery_address") or "").strip():
            self.add_error("delivery_address", _("Nhập địa chỉ nhận kết quả qua bưu chính."))
        return cleaned

    def submission(self, answers: dict[str, Any]) -> services.Submission:
        c = self.cleaned_data
        return services.Submission(
            version=self.version,
            variant=c["variant"],
            agency=c["agency"],
            applicant=services.Applicant(
                name=c["name"].strip(),
                id_number=c["id_number"],
                phone=c["phone"],
                email=c["email"],
                address=c["address"].strip(),
                type=c["applicant_type"],
                organisation_name=c["organisation_name"].strip(),
                organisation_tax_code=c["organisation_tax_code"].strip(),
            ),
            data=answers,
            result_delivery=c["result_delivery"],
            delivery_address=c["delivery_address"].strip(),
            exemption_claims=list(c.get("exemption_claims") or []),
            uploads=self.uploads(),
        )

    def uploads(self) -> list[NewUpload]:
        """The papers scanned in, each with the document it answers."""
        c = self.cleaned_data
        chosen: list[tuple[str, UploadedFile, Any]] = [
            (f"doc_{r.pk}", c[f"doc_{r.pk}"], r) for r in self.requirements if c.get(f"doc_{r.pk}")
        ]
        chosen += [("other_files", file, None) for file in c.get("other_files") or []]
        scan = DossierFile.Origin.SCAN
        return [
            NewUpload(file, name=file.name or "", requirement=req, origin=scan, key=key)
            for key, file, req in chosen
        ]


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm thủ tục"),
        help_text=_("Tên hoặc mã thủ tục, ví dụ: khai sinh, 1.001193."),
        max_length=200,
        required=False,
    )
