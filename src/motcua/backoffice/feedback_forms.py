"""The officer's actions on one feedback item: one URL each (``/can-bo/phan-anh/<code>/<slug>/``),
a small form, and the service it calls.

Who may do what, and when, is the domain's rule table (:mod:`motcua.feedback.rules`); the
services check it again and say what is wrong (``FeedbackError``). Each form only parses
input; its field names are the ones the services name in their errors, so a refusal is shown
beside the field it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.text import search_terms
from motcua.dossiers.files import NewUpload
from motcua.feedback import privacy, selectors, services
from motcua.feedback.models import Classification, FeedbackItem
from motcua.identity.models import Agency, User

from .dossier_forms import reason_field
from .form_fields import AgencyChoiceField, MultipleFileField


class ItemForm(forms.Form):
    """Every action form knows the item and the officer."""

    def __init__(self, *args: Any, item: FeedbackItem, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.item, self.user = item, user


def text_field(label: Any, hint: Any, required: Any, limit: int, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required},
    )


class ClassifyForm(ItemForm):
    classification = forms.ChoiceField(
        label=_("Phân loại"),
        choices=Classification.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Phản ánh về hành vi, thái độ của cán bộ chỉ lãnh đạo cơ quan xử lý; cán bộ bị "
            "phản ánh không xem được."
        ),
        error_messages={"required": _("Hãy chọn một phân loại.")},
    )


class TransferForm(ItemForm):
    agency = AgencyChoiceField(Agency.objects.none(), label=_("Chuyển đến cơ quan"))
    note = reason_field(
        _("Lý do chuyển"),
        _("Cơ quan nhận đọc được lý do này; thời hạn xử lý vẫn tính tiếp."),
        _("Nhập lý do chuyển."),
    )

    def __init__(self, *args: Any, q: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.exclude(pk=self.item.agency_id)
        for word in search_terms(q):  # the search above the form narrows the list
            agencies = agencies.filter(name_folded__contains=word)
        agencies = agencies.order_by("unit__level", "unit__name", "name")
        self.fields["agency"] = AgencyChoiceField(agencies, label=_("Chuyển đến cơ quan"))


class RefuseForm(ItemForm):
    reason = reason_field(
        _("Lý do từ chối tiếp nhận"),
        _("Người gửi nhận được lý do này."),
        _("Nhập lý do từ chối tiếp nhận."),
    )


class RequestInfoForm(ItemForm):
    request = text_field(
        _("Nội dung cần bổ sung"),
        _("Người gửi nhận được nội dung này; hạn trả lời tính lại từ ngày họ bổ sung."),
        _("Nhập nội dung cần người gửi bổ sung."),
        2000,
    )


class AnswerForm(ItemForm):
    answer = text_field(
        _("Nội dung trả lời"),
        _("Người gửi nhận được câu trả lời và được mời đánh giá."),
        _("Nhập nội dung trả lời."),
        10000,
        rows=10,
    )
    attachments = MultipleFileField(
        label=_("Tệp đính kèm câu trả lời"),
        required=False,
        help_text=lazy(
            lambda: (
                gettext("Không bắt buộc. PDF, JPEG hoặc PNG; tối đa %(n)s tệp cho mỗi phản ánh.")
                % {"n": services.MAX_ATTACHMENTS}
            ),
            str,
        )(),
    )


class PublishForm(ItemForm):
    public_title = forms.CharField(
        label=_("Tiêu đề công khai"),
        max_length=200,
        error_messages={"required": _("Nhập tiêu đề công khai.")},
    )
    public_question = text_field(
        _("Nội dung phản ánh công khai"),
        _(
            "Đã ẩn sẵn họ tên, số điện thoại, thư điện tử, số giấy tờ, mã hồ sơ, số nhà; hãy "
            "đọc lại và sửa nếu còn thông tin cá nhân."
        ),
        _("Nhập nội dung phản ánh công khai."),
        5000,
    )
    public_answer = text_field(
        _("Câu trả lời công khai"),
        "",
        _("Nhập câu trả lời công khai."),
        10000,
        rows=8,
    )


class MergeForm(ItemForm):
    original = forms.CharField(
        label=_("Mã phản ánh gốc"),
        max_length=30,
        help_text=_("Ví dụ PA-261207-0001. Phản ánh này kết thúc cùng phản ánh gốc."),
        error_messages={"required": _("Nhập mã phản ánh gốc.")},
    )

    def clean_original(self) -> FeedbackItem:
        code = self.cleaned_data["original"].strip().upper()
        found = selectors.visible_items(self.user).filter(code=code).first()
        if found is None:
            raise forms.ValidationError(_("Không tìm thấy phản ánh có mã này trong cơ quan."))
        return found


class DecideReopenForm(ItemForm):
    decision = forms.TypedChoiceField(
        label=_("Quyết định"),
        choices=[
            ("1", _("Xử lý lại (hạn trả lời mới 15 ngày làm việc)")),
            ("0", _("Giữ nguyên câu trả lời")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn xử lý lại hoặc giữ nguyên câu trả lời.")},
    )
    note = reason_field(
        _("Ý kiến của lãnh đạo"),
        _("Người gửi nhận được ý kiến này."),
        _("Nhập ý kiến của lãnh đạo."),
    )


# The actions ----------------------------------------------------------------------------------

Perform = Callable[[FeedbackItem, User, dict[str, Any]], FeedbackItem]


def _uploads(cleaned: dict[str, Any]) -> list[NewUpload]:
    return [
        NewUpload(f, name=f.name or "", key="attachments") for f in cleaned.get("attachments") or []
    ]


@dataclass(frozen=True)
class ItemAction:
    slug: str
    action: str  # the rule table's name (feedback.rules.ACTIONS)
    title: Promise
    button: Promise
    done: Promise
    form_class: type[ItemForm]
    perform: Perform
    initial: Callable[[FeedbackItem], dict[str, Any]] = field(default=lambda item: {})
    intro: Promise | str = ""
    multipart: bool = False
    warning: bool = False
    # A search by name above the form narrows a long list of agencies.
    agency_search: bool = False


ITEM_ACTIONS: dict[str, ItemAction] = {
    spec.slug: spec
    for spec in (
        ItemAction(
            slug="phan-loai",
            action="classify",
            title=_("Phân loại phản ánh"),
            button=_("Ghi phân loại"),
            done=_("Đã phân loại phản ánh; phản ánh chuyển sang đang xử lý."),
            form_class=ClassifyForm,
            initial=lambda item: {"classification": item.classification or None},
            perform=lambda item, user, c: services.classify(
                item=item, officer=user, classification=c["classification"]
            ),
        ),
        ItemAction(
            slug="chuyen-co-quan",
            action="transfer",
            title=_("Chuyển cơ quan xử lý"),
            button=_("Chuyển"),
            done=_("Đã chuyển phản ánh đến cơ quan có trách nhiệm."),
            form_class=TransferForm,
            agency_search=True,
            intro=_("Dùng khi sự việc không thuộc trách nhiệm của cơ quan mình."),
            perform=lambda item, user, c: services.transfer(
                item=item, officer=user, agency=c["agency"], note=c["note"]
            ),
        ),
        ItemAction(
            slug="tu-choi",
            action="refuse",
            title=_("Từ chối tiếp nhận phản ánh"),
            button=_("Từ chối tiếp nhận"),
            done=_("Đã từ chối tiếp nhận; người gửi được thông báo lý do."),
            form_class=RefuseForm,
            warning=True,
            intro=_("Hạn từ chối là 2 ngày làm việc kể từ khi tiếp nhận."),
            perform=lambda item, user, c: services.refuse(
                item=item, officer=user, reason=c["reason"]
            ),
        ),
        ItemAction(
            slug="yeu-cau-bo-sung",
            action="request_info",
            title=_("Yêu cầu người gửi bổ sung thông tin"),
            button=_("Gửi yêu cầu bổ sung"),
            done=_("Đã gửi yêu cầu bổ sung thông tin cho người gửi."),
            form_class=RequestInfoForm,
            intro=_("Hạn yêu cầu bổ sung là 5 ngày làm việc kể từ khi tiếp nhận."),
            perform=lambda item, user, c: services.request_info(
                item=item, officer=user, request=c["request"]
            ),
        ),
        ItemAction(
            slug="tra-loi",
            action="answer",
            title=_("Trả lời phản ánh"),
            button=_("Gửi câu trả lời"),
            done=_("Đã gửi câu trả lời; hãy công khai câu trả lời trong 2 ngày làm việc."),
            form_class=AnswerForm,
            multipart=True,
            perform=lambda item, user, c: services.answer(
                item=item, officer=user, text=c["answer"], uploads=_uploads(c)
            ),
        ),
        ItemAction(
            slug="cong-khai",
            action="publish",
            title=_("Công khai câu trả lời"),
            button=_("Công khai trên Cổng"),
            done=_("Đã công khai câu trả lời trên Cổng dịch vụ công."),
            form_class=PublishForm,
            initial=privacy.public_draft,
            intro=_("Nội dung dưới đây được đăng công khai, không kèm thông tin người gửi."),
            perform=lambda item, user, c: services.publish(
                item=item,
                officer=user,
                public_title=c["public_title"],
                public_question=c["public_question"],
                public_answer=c["public_answer"],
            ),
        ),
        ItemAction(
            slug="gop",
            action="merge",
            title=_("Gộp vào phản ánh trùng"),
            button=_("Gộp phản ánh"),
            done=_("Đã gộp phản ánh; phản ánh kết thúc cùng phản ánh gốc."),
            form_class=MergeForm,
            warning=True,
            perform=lambda item, user, c: services.merge(
                item=item, original=c["original"], officer=user
            ),
        ),
        ItemAction(
            slug="xu-ly-lai",
            action="decide_reopen",
            title=_("Quyết định về đề nghị xử lý lại"),
            button=_("Ghi quyết định"),
            done=_("Đã ghi quyết định về đề nghị xử lý lại; người gửi được thông báo."),
            form_class=DecideReopenForm,
            perform=lambda item, user, c: services.decide_reopen(
                item=item, leader=user, reopen=c["decision"], note=c["note"]
            ),
        ),
    )
}

BY_ACTION = {spec.action: spec for spec in ITEM_ACTIONS.values()}


def offered(actions: list[str]) -> list[ItemAction]:
    """The specs of the actions the rule table allows (rules.allowed_actions), in its order."""
    return [BY_ACTION[a] for a in actions if a in BY_ACTION]
