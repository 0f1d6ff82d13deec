"""The hotline: an operator records a call as a feedback item of channel "hotline" (with the
caller's consent, which the service requires), and reads the list of the calls they recorded
with each item's status. Operators reach nothing else of the back office."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.feedback import routing, rules, selectors, services
from motcua.feedback.models import Topic
from motcua.feedback.services import FeedbackError
from motcua.identity.models import AdministrativeUnit, User

from .access import officer_required

PAGE_SIZE = 25


class CallForm(forms.Form):
    """What the operator notes during the call; the service decides whether it is enough."""

    consent = forms.BooleanField(
        label=_("Người gọi đồng ý để ghi lại số điện thoại và nội dung cuộc gọi (bắt buộc)"),
        help_text=_("Hãy hỏi người gọi trước khi ghi nhận. Không có sự đồng ý thì không lưu."),
        # Asked with the other fields, so every error shows at once; the service refuses a
        # call without consent whatever door it comes through.
        error_messages={
            "required": _("Hãy hỏi và ghi nhận sự đồng ý của người gọi trước khi lưu thông tin.")
        },
    )
    caller_phone = forms.CharField(
        label=_("Số điện thoại người gọi"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        error_messages={"required": _("Nhập số điện thoại người gọi.")},
    )
    caller_name = forms.CharField(
        label=_("Họ tên người gọi"),
        max_length=150,
        required=False,
        help_text=_("Không bắt buộc."),
    )
    topic = forms.ModelChoiceField(
        Topic.objects.filter(is_active=True),
        label=_("Chủ đề"),
        empty_label="—",
        error_messages={
            "required": _("Chọn chủ đề."),
            "invalid_choice": _("Chọn một chủ đề trong danh sách."),
        },
    )
    summary = forms.CharField(
        label=_("Nội dung cuộc gọi"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Tóm tắt sự việc, địa điểm, thời gian người gọi cho biết."),
        error_messages={"required": _("Nhập nội dung cuộc gọi.")},
    )
    ward = forms.ModelChoiceField(
        AdministrativeUnit.objects.none(),
        label=_("Phường, xã nơi xảy ra sự việc"),
        required=False,
        empty_label="—",
        help_text=_("Để trống khi phản ánh về một hồ sơ hoặc thủ tục có mã dưới đây."),
        error_messages={"invalid_choice": _("Chọn một phường, xã trong danh sách.")},
    )
    address = forms.CharField(label=_("Địa điểm cụ thể"), max_length=300, required=False)
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=40,
        required=False,
        help_text=_("Không bắt buộc; khi người gọi phản ánh về một hồ sơ cụ thể."),
    )
    procedure_code = forms.CharField(
        label=_("Mã thủ tục hành chính"),
        max_length=40,
        required=False,
        help_text=_("Không bắt buộc, ví dụ 1.001234."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["ward"])  # type: ignore[type-arg]
        field.queryset = AdministrativeUnit.objects.filter(
            pk__in=[w.pk for w in routing.wards()]
        ).order_by("name")

    def clean_dossier_code(self) -> Dossier | None:
        code = self.cleaned_data["dossier_code"].strip()
        if not code:
            return None
        dossier = Dossier.objects.select_related("agency", "version").filter(code=code).first()
        if dossier is None:
            raise forms.ValidationError(_("Không có hồ sơ mang mã này; hãy hỏi lại người gọi."))
        return dossier

    def clean_procedure_code(self) -> Procedure | None:
        code = self.cleaned_data["procedure_code"].strip()
        if not code:
            return None
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise forms.ValidationError(_("Không có thủ tục mang mã này."))
        return procedure


def _operator(request: HttpRequest) -> User:
    user = cast(User, request.user)  # officer_required let only a signed-in officer through
    if not rules.is_operator(user):
        raise PermissionDenied
    return user


SERVICE_FIELDS = {"sender_phone": "caller_phone", "sender_name": "caller_name", "body": "summary",
                  "title": "summary"}  # fmt: skip


@officer_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest) -> HttpResponse:
    operator = _operator(request)
    form = CallForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.record_call(
                operator=operator, topic=data["topic"], caller_phone=data["caller_phone"],
                caller_name=data["caller_name"], summary=data["summary"],
                consent=data["consent"], ward=data["ward"], dossier=data["dossier_code"],
                procedure=data["procedure_code"], address=data["address"],
            )  # fmt: skip
        except FeedbackError as error:
            name = SERVICE_FIELDS.get(error.field, error.field)
            form.add_error(name if name in form.fields else None, error.message)
        else:
            messages.success(request, _(
                "Đã ghi nhận cuộc gọi thành phản ánh %(code)s, chuyển đến %(agency)s; hạn trả "
                "lời %(due)s. Hãy đọc mã phản ánh cho người gọi."
            ) % {"code": item.code, "agency": item.agency.name,
                 "due": timezone.localtime(item.answer_by).strftime("%d/%m/%Y")})  # fmt: skip
            return redirect("backoffice:hotline")
    status = 400 if form.is_bound else 200
    return render(request, "backoffice/feedback/call.html", {"form": form}, status=status)


@officer_required
@require_GET
def calls(request: HttpRequest) -> HttpResponse:
    operator = _operator(request)
    items = selectors.recorded_by(operator).order_by("-received_at")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/feedback/calls.html", {"page": page, "query": ""})
