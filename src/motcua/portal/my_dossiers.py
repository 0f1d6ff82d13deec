"""The citizen's own dossiers: the list, one dossier with its history, files and slips, and
what the citizen can do now (supply what was asked, withdraw).

A dossier that is not the citizen's own answers 404, whatever code is typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.http import stored_file_response
from motcua.dossiers import drafts, selectors
from motcua.dossiers.action_inputs import SupplementInput, WithdrawInput
from motcua.dossiers.files import NewUpload
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.relations import Situation
from motcua.dossiers.rules import offered, perform, permits
from motcua.dossiers.services import UploadError, WorkflowError
from motcua.dossiers.workflow import Action
from motcua.payments.models import Payment
from motcua.payments.providers import slip_transfer
from motcua.surveys.invitation import invitation
from motcua.surveys.models import EvaluationChannel
from motcua.surveys.services import refusal as evaluation_refusal

from .access import citizen, citizen_required

PAGE_SIZE = 20
ACCEPTED = "application/pdf,image/jpeg,image/png"
MAX_SUPPLEMENT_ROWS = 10

# The slips an applicant is entitled to see: number -> (template, the events that issue it).
SLIPS = {
    "01": ("receipt", (Action.ACCEPT,), gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")),
    "02": (
        "supplement",
        (Action.REQUEST_SUPPLEMENT,),
        gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    ),
    "03": (
        "refusal",
        (Action.REFUSE, Action.AUTO_REFUSE),
        gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    ),
    "05": (
        "apology",
        (Action.APOLOGISE,),
        gettext_lazy("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    ),
}
# Internal work the applicant is not shown: opinions between units, due-date warnings.
HIDDEN = frozenset({Action.CONSULT, Action.ANSWER, Action.LATE_WARNING})
# Hand-overs between officers: shown by unit, without the officers' internal notes.
INTERNAL_NOTES = frozenset({Action.CLAIM, Action.FORWARD, Action.SEND_BACK, Action.TRANSFER})


def _own(request: HttpRequest, code: str) -> Dossier:
    dossier = selectors.dossier_detail(request.user, code)
    if dossier is None or dossier.applicant_id != request.user.pk:
        raise Http404
    return dossier


# The list ---------------------------------------------------------------------------------


@citizen_required
@require_GET
def dossier_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_dossiers(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/dossiers/list.html",
        {
            "page": page,
            "draft_count": drafts.user_drafts(request.user).count(),
        },
    )


# One dossier ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    at: datetime
    label: str
    who: str
    note: str


@dataclass(frozen=True)
class Slip:
    number: str
    title: str
    event: DossierEvent


def _who(event: DossierEvent, user: Any) -> str:
    if event.actor_id is not None and event.actor_id == user.pk:
        return _("Bạn")
    if event.actor_agency is not None:
        return event.actor_agency.name
    if event.to_agency is not None:
        return event.to_agency.name
    return _("Hệ thống")


def history(events: list[DossierEvent], user: Any) -> list[Step]:
    """The timeline as the applicant reads it: units rather than officers' names."""
    return [
        Step(
            at=event.at,
            label=event.action_label,
            who=_who(event, user),
            note="" if event.action in INTERNAL_NOTES else event.note,
        )
        for event in events
        if event.action not in HIDDEN
    ]


def slip_template(number: str) -> str | None:
    """The shared slip template for ``number`` when it is installed."""
    name = f"dossiers/slips/{SLIPS[number][0]}.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def slips(events: list[DossierEvent]) -> list[Slip]:
    by_action: dict[str, tuple[str, Any]] = {
        action: (number, title)
        for number, (_name, actions, title) in SLIPS.items()
        for action in actions
    }
    found = []
    for event in events:
        if event.action in by_action:
            number, title = by_action[event.action]
            if slip_template(number):
                found.append(Slip(number, str(title), event))
    return found


def _latest(events: list[DossierEvent], action: str) -> DossierEvent | None:
    return next((e for e in reversed(events) if e.action == action), None)


@citizen_required
@require_GET
@never_cache
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own(request, code)
    now_possible = offered(Situation(citizen(request), dossier))
    events = selectors.timeline(dossier)
    asked = _latest(events, Action.REQUEST_SUPPLEMENT)
    payment = _latest(events, Action.REQUEST_PAYMENT)
    context = {
        "dossier": dossier,
        "history": history(events, request.user),
        "slips": slips(events),
        "files": list(dossier.files.select_related("issued")),
        # Each paid payment's signed receipt, kept with the dossier (issued on first download
        # if it was not issued when the payment was credited).
        "paid": list(dossier.payments.filter(status=Payment.Status.PAID).order_by("paid_at", "pk")),
        "children": list(dossier.children.select_related("version", "agency").order_by("code")),
        "supplement_items": (asked.details or {}).get("items", []) if asked else [],
        "payment_amount": (payment.details or {}).get("amount") if payment else None,
        "can_withdraw": Action.WITHDRAW in now_possible,
        "can_supplement": Action.SUPPLEMENT in now_possible,
        "can_evaluate": evaluation_refusal(dossier, EvaluationChannel.PORTAL) is None,
    }
    return render(request, "portal/dossiers/detail.html", context)


@citizen_required
@require_GET
def dossier_file(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    dossier = _own(request, code)
    upload = dossier.files.filter(pk=file_id).first()
    if upload is None:
        raise Http404
    return stored_file_response(
        upload.file, name=upload.original_name, content_type=upload.content_type
    )


def own_dossier(request: HttpRequest, code: str) -> Dossier:
    return _own(request, code)


@citizen_required
@require_GET
def dossier_slip(request: HttpRequest, code: str, number: str, event_id: int) -> HttpResponse:
    dossier = _own(request, code)
    if number not in SLIPS:
        raise Http404
    template = slip_template(number)
    event = dossier.events.filter(pk=event_id, action__in=SLIPS[number][1]).first()
    if template is None or event is None:
        raise Http404
    context = {
        "dossier": dossier,
        "event": event,
        "note": event.note,
        "slip_template": template,
        "title": SLIPS[number][2],
        "number": number,
        "transfer": slip_transfer(dossier, by=citizen(request)) if number == "01" else None,
        "evaluation": invitation(dossier) if number == "01" else None,
    }
    return render(request, "portal/dossiers/slip.html", context)


# Supplement ------------------------------------------------------------------------------


class SupplementForm(forms.Form):
    """One optional file per item asked for, another for anything else, and a note."""

    note = forms.CharField(
        label=gettext_lazy("Ghi chú cho cơ quan giải quyết"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": gettext_lazy("Ghi chú dài tối đa %(limit_value)d ký tự.")},
    )

    def __init__(self, *args: Any, items: list[dict[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.items = items[:MAX_SUPPLEMENT_ROWS]
        for index, item in enumerate(self.items):
            self.fields[f"file_{index}"] = forms.FileField(
                label=str(item.get("name") or _("Giấy tờ")),
                required=False,
                # An officer's words, not markup: field.html prints help text as is.
                help_text=escape(str(item.get("reason") or "")),
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
            )
        self.fields["other"] = forms.FileField(
            label=_("Giấy tờ khác (nếu có)"),
            required=False,
            widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
        )
        self.order_fields([*(f"file_{i}" for i in range(len(self.items))), "other", "note"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.uploads() and not (cleaned.get("note") or "").strip():
            raise forms.ValidationError(_("Tải lên ít nhất một tệp hoặc ghi nội dung đã bổ sung."))
        return cleaned

    def uploads(self) -> list[NewUpload]:
        """Every file chosen, with what it answers and the field it came from."""
        found = []
        for name, field in self.fields.items():
            upload = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if isinstance(field, forms.FileField) and isinstance(upload, UploadedFile):
                found.append(
                    NewUpload(upload, name=upload.name or "", label=str(field.label), key=name)
                )
        return found


@citizen_required
@require_http_methods(["GET", "POST"])
def dossier_supplement(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own(request, code)
    if not permits(Action.SUPPLEMENT, citizen(request), dossier):
        messages.info(request, _("Hồ sơ này hiện không cần bổ sung."))
        return redirect("portal:dossier-detail", dossier.code)
    asked = _latest(selectors.timeline(dossier), Action.REQUEST_SUPPLEMENT)
    items = list((asked.details or {}).get("items", [])) if asked else []
    post = request.method == "POST"
    form = SupplementForm(
        request.POST if post else None, request.FILES if post else None, items=items
    )
    status = 200
    if form.is_valid():
        data = SupplementInput(note=form.cleaned_data["note"].strip(), uploads=form.uploads())
        try:
            perform(Action.SUPPLEMENT, dossier=dossier, actor=citizen(request), data=data)
        except UploadError as error:
            form.add_error(error.key or None, error.message)
            status = 400
        except WorkflowError as error:
            form.add_error(None, error.message)
            status = 409
        else:
            done = _("Đã gửi hồ sơ bổ sung. Cơ quan giải quyết sẽ tiếp tục xử lý.")
            messages.success(request, done)
            return redirect("portal:dossier-detail", dossier.code)
    elif post:
        status = 400
    return render(
        request,
        "portal/dossiers/supplement.html",
        {"dossier": dossier, "form": form, "asked": asked},
        status=status,
    )


# Withdraw --------------------------------------------------------------------------------


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do rút hồ sơ (không bắt buộc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("Lý do dài tối đa %(limit_value)d ký tự.")},
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def dossier_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own(request, code)
    if not permits(Action.WITHDRAW, citizen(request), dossier):
        messages.info(request, _("Hồ sơ ở trạng thái này không rút được nữa."))
        return redirect("portal:dossier-detail", dossier.code)
    post = request.method == "POST"
    form = WithdrawForm(request.POST if post else None, label_suffix="")
    status = 400 if post else 200
    if form.is_valid():
        try:
            data = WithdrawInput(reason=form.cleaned_data["reason"])
            perform(Action.WITHDRAW, dossier=dossier, actor=citizen(request), data=data)
        except WorkflowError as error:
            form.add_error(None, error.message)
            status = 409
        else:
            messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("portal:dossier-detail", dossier.code)
    return render(
        request, "portal/dossiers/withdraw.html", {"dossier": dossier, "form": form}, status=status
    )
