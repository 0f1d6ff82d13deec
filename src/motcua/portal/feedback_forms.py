"""Forms of the citizen's feedback pages: the contact of a sender without an account, the item
itself, its attachments, the information an agency asks for, and the rating of an answer.

They parse what a person typed; what may be sent, to whom and with which files is decided by
the feedback domain (services.submit_feedback and its FeedbackError)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.files import NewUpload
from motcua.feedback.contact import canonical
from motcua.feedback.models import Rating, Topic
from motcua.feedback.routing import wards
from motcua.feedback.services import MAX_ATTACHMENTS
from motcua.identity.validators import normalise_phone

ACCEPTED = "application/pdf,image/jpeg,image/png"
# The session keys of the sending steps (nothing is saved in the database before "send").
CONTACT_KEY = "feedback_contact"
DRAFT_KEY = "feedback_draft"
SENT_KEY = "feedback_sent"


class ContactForm(forms.Form):
    """Step 1 for a sender without an account: who they are, where the code goes."""

    sender_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        error_messages={"required": _("Nhập họ và tên của bạn.")},
    )
    contact = forms.CharField(
        label=_("Số điện thoại hoặc thư điện tử"),
        max_length=254,
        help_text=_(
            "Chúng tôi gửi tới đây một mã xác minh gồm 6 chữ số, sau đó là kết quả xử lý "
            "phản ánh. Không công khai."
        ),
        error_messages={"required": _("Nhập số điện thoại hoặc thư điện tử.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["sender_name"].widget.attrs.update(autocomplete="name")
        self.fields["contact"].widget.attrs.update(autocomplete="tel", spellcheck="false")

    def clean_contact(self) -> str:
        value = str(self.cleaned_data["contact"]).strip()
        address = canonical(value)
        if "@" in address:
            try:
                forms.EmailField().clean(address)
            except forms.ValidationError as error:
                raise forms.ValidationError(_("Thư điện tử không hợp lệ.")) from error
            return address
        if not normalise_phone(value):
            raise forms.ValidationError(
                _("Nhập số điện thoại Việt Nam (ví dụ 0912 345 678) hoặc thư điện tử.")
            )
        return address


def topic_choices() -> list[tuple[str, Any]]:  # a label, or a group of (code, name)
    """The portal's topics, grouped as administrators group them."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for topic in Topic.objects.filter(on_portal=True, is_active=True):
        groups.setdefault(topic.group or str(_("Khác")), []).append((topic.code, topic.name))
    return [("", _("— Chọn chủ đề —")), *groups.items()]


def ward_choices() -> list[tuple[str, Any]]:
    return [("", _("— Chọn phường, xã —")), *((w.code, w.name) for w in wards())]


class FeedbackForm(forms.Form):
    """Step 2: the item (and, for a sender without an account, the code received)."""

    code = forms.CharField(
        label=_("Mã xác minh"),
        max_length=6,
        min_length=6,
        help_text=_("6 chữ số vừa gửi tới số điện thoại hoặc thư điện tử của bạn."),
        error_messages={
            "required": _("Nhập mã xác minh đã gửi cho bạn."),
            "min_length": _("Mã xác minh gồm 6 chữ số."),
            "max_length": _("Mã xác minh gồm 6 chữ số."),
        },
    )
    topic = forms.ChoiceField(
        label=_("Chủ đề"),
        error_messages={
            "required": _("Chọn chủ đề của phản ánh."),
            "invalid_choice": _("Chủ đề đã chọn không còn nhận phản ánh."),
        },
    )
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=200,
        help_text=_("Một câu ngắn nói sự việc, ví dụ: Đèn đường trước chợ Hàng Da không sáng."),
        error_messages={
            "required": _("Nhập tiêu đề."),
            "max_length": _("Tiêu đề dài tối đa %(limit_value)d ký tự."),
        },
    )
    body = forms.CharField(
        label=_("Nội dung phản ánh, kiến nghị"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sự việc là gì, ở đâu, từ khi nào, bạn đề nghị điều gì."),
        error_messages={
            "required": _("Nhập nội dung phản ánh, kiến nghị."),
            "max_length": _("Nội dung dài tối đa %(limit_value)d ký tự."),
        },
    )
    ward = forms.ChoiceField(
        label=_("Phường, xã nơi xảy ra sự việc"),
        required=False,
        help_text=_(
            "Phản ánh được chuyển tới Ủy ban nhân dân phường, xã này nếu không gắn với "
            "hồ sơ hay thủ tục của cơ quan khác."
        ),
        error_messages={"invalid_choice": _("Phường, xã đã chọn không có trong danh sách.")},
    )
    procedure = forms.CharField(
        label=_("Thủ tục hành chính liên quan (nếu có)"),
        required=False,
        max_length=200,
        help_text=_("Mã hoặc tên thủ tục, ví dụ 1.000001 hoặc đăng ký khai sinh."),
        error_messages={"max_length": _("Tối đa %(limit_value)d ký tự.")},
    )
    dossier = forms.CharField(
        label=_("Mã hồ sơ liên quan (nếu có)"),
        required=False,
        max_length=40,
        help_text=_("Mã trên giấy tiếp nhận hồ sơ của bạn."),
        error_messages={"max_length": _("Mã hồ sơ dài tối đa %(limit_value)d ký tự.")},
    )
    address = forms.CharField(
        label=_("Địa điểm cụ thể (nếu có)"),
        required=False,
        max_length=300,
        help_text=_("Số nhà, tên đường, ngõ hoặc một mốc dễ nhận ra."),
        error_messages={"max_length": _("Địa điểm dài tối đa %(limit_value)d ký tự.")},
    )
    latitude = forms.DecimalField(
        label=_("Vĩ độ (nếu có)"),
        required=False,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        max_digits=9,
        decimal_places=6,
        help_text=_("Ví dụ 21.028800. Xem trong ứng dụng bản đồ của điện thoại."),
        error_messages={"invalid": _("Vĩ độ là một số, ví dụ 21.028800.")},
    )
    longitude = forms.DecimalField(
        label=_("Kinh độ (nếu có)"),
        required=False,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        max_digits=9,
        decimal_places=6,
        help_text=_("Ví dụ 105.852000."),
        error_messages={"invalid": _("Kinh độ là một số, ví dụ 105.852000.")},
    )

    def __init__(self, *args: Any, needs_code: bool, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]
        else:
            self.fields["code"].widget.attrs.update(
                autocomplete="one-time-code", inputmode="numeric", pattern="[0-9]*"
            )
        self.fields["topic"].choices = topic_choices()  # type: ignore[attr-defined]
        self.fields["ward"].choices = ward_choices()  # type: ignore[attr-defined]
        for name in ("latitude", "longitude"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.fields["dossier"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and "latitude" not in self.errors:
            self.add_error(
                "latitude" if lat is None else "longitude",
                _("Nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."),
            )
        return data

    def draft(self) -> dict[str, str]:
        """What the session keeps until the item is sent (plain strings)."""
        data = self.cleaned_data
        keys = ("topic", "title", "body", "ward", "procedure", "dossier", "address")
        draft = {key: str(data.get(key) or "").strip() for key in keys}
        for key in ("latitude", "longitude"):
            draft[key] = "" if data.get(key) is None else str(data[key])
        return draft


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input (a phone's photo picker), each checked by the domain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(FilesField, self).clean(item, initial) for item in items]


def _uploads(files: list[UploadedFile], key: str) -> list[NewUpload]:
    return [NewUpload(f, name=f.name or "", key=key) for f in files]


class FilesForm(forms.Form):
    """The last step: photos or PDF files, then send."""

    attachments = FilesField(
        label=_("Ảnh hoặc tệp PDF (không bắt buộc)"),
        # Lazy through the %: formatted at import, it stayed Vietnamese on the English site.
        help_text=lazy(
            lambda: (
                gettext(
                    "Tối đa %(n)s tệp JPEG, PNG hoặc PDF. Ảnh được xoay đúng chiều và xóa thông "
                    "tin vị trí, thiết bị trước khi lưu."
                )
                % {"n": MAX_ATTACHMENTS}
            ),
            str,
        )(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Chọn tối đa %(n)s tệp.") % {"n": MAX_ATTACHMENTS})
        return files

    def uploads(self) -> list[NewUpload]:
        return _uploads(self.cleaned_data.get("attachments") or [], "attachments")


class InfoForm(FilesForm):
    """The information the agency asked for."""

    text = forms.CharField(
        label=_("Thông tin bổ sung"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Nhập thông tin bổ sung."),
            "max_length": _("Tối đa %(limit_value)d ký tự."),
        },
    )
    field_order = ["text", "attachments"]


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Bạn có hài lòng với câu trả lời không?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn hài lòng hoặc không hài lòng.")},
    )
    reason = forms.CharField(
        label=_("Lý do không hài lòng"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Cần khi bạn không hài lòng: lãnh đạo cơ quan đọc để quyết định có xử lý lại hay không."
        ),
        error_messages={"max_length": _("Tối đa %(limit_value)d ký tự.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rating") == Rating.DISLIKE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Cho biết vì sao bạn không hài lòng."))
        return data


class PublicSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm câu trả lời"),
        required=False,
        max_length=200,
        help_text=_("Gõ có dấu hoặc không dấu, ví dụ: den duong"),
    )
