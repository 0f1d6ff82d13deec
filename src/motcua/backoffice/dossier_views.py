"""The officer's dossiers: the inbox, one dossier, its actions, its files and its slips.

A dossier the officer may not see answers 404 on every URL, whatever the method: we never
tell that a code exists."""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.calendar import DueDateError, compute_due
from motcua.core.http import stored_file_response
from motcua.documents import services as issuing
from motcua.documents.responses import pdf_response
from motcua.dossiers import selectors
from motcua.dossiers.access import visible_dossiers
from motcua.dossiers.fees import bill_for, claimed
from motcua.dossiers.models import Dossier, LateMark
from motcua.dossiers.relations import Situation
from motcua.dossiers.rules import perform, refusal
from motcua.dossiers.services import NotPermitted, UploadError, WorkflowError
from motcua.identity.models import OfficerRole, User
from motcua.payments.models import Payment
from motcua.payments.providers import slip_transfer
from motcua.payments.receipts import receipt_for
from motcua.surveys.invitation import invitation
from motcua.surveys.models import EvaluationChannel
from motcua.surveys.services import EVALUABLE, may_open_desk
from motcua.surveys.services import refusal as evaluation_refusal

from . import slips
from .access import officer_required
from .answers import answer_sections
from .desk_payments import offers_desk_qr
from .dossier_actions import ACTIONS, ActionSpec, offered_actions
from .selectors import TABS, inbox_tabs

PAGE_SIZE = 25
COUNT_CAP = 10_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``COUNT_CAP + 1`` rows: a city-wide list never pays for a full count."""

    @cached_property
    def count(self) -> int:
        return cast(int, self.object_list[: COUNT_CAP + 1].count())  # type: ignore[attr-defined]

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _officer(request: HttpRequest) -> User:
    return cast(User, request.user)  # officer_required let only a signed-in officer through


def _visible_or_404(request: HttpRequest, code: str) -> Dossier:
    dossier = selectors.dossier_detail(_officer(request), code)
    if dossier is None:
        raise Http404
    return dossier


# The inbox ----------------------------------------------------------------------------------


def late_mark(dossier: Dossier, now: Any) -> str:
    """ "overdue", "due_soon" or "": the periodic mark, or overdue as of now."""
    if dossier.is_overdue(now):
        return LateMark.OVERDUE
    return dossier.late_mark if dossier.is_open else ""


def role_label(role: str) -> str:
    return str(OfficerRole.Role(role).label) if role in OfficerRole.Role.values else role


def step_name(dossier: Dossier) -> str:
    steps = dossier.version.steps.all()  # prefetched
    return next((s.name for s in steps if s.position == dossier.step_position), "")


@officer_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    slug = request.GET.get("hop", "")
    slug = slug if slug in TABS else "cua-toi"
    q = request.GET.get("q", "").strip()[:100]
    box = selectors.InboxRows.of(user, TABS[slug][0], q=q).prefetch_related("version__steps")
    page = CappedPaginator(box, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(d, step_name(d), late_mark(d, now)) for d in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "backoffice/dossiers/inbox.html", {
        "tabs": inbox_tabs(user), "current": slug, "q": q, "page": page, "rows": rows,
        "query": query.urlencode(), "cap": COUNT_CAP,
    })  # fmt: skip


# One dossier --------------------------------------------------------------------------------


@officer_required
@require_GET
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    user = _officer(request)
    dossier = _visible_or_404(request, code)
    situation = Situation(user, dossier, timezone.now())
    desk = may_open_desk(user, dossier)
    events = selectors.timeline(dossier)
    children = list(dossier.children.all())
    visible = set(
        visible_dossiers(user).filter(pk__in=[c.pk for c in children]).values_list("pk", flat=True)
    )
    return render(request, "backoffice/dossiers/detail.html", {
        "dossier": dossier,
        "actions": offered_actions(situation),
        "current_step": situation.current_step,
        "handler_role": role_label(dossier.handler_role),
        "mark": late_mark(dossier, situation.now),
        "answers": answer_sections(dossier.version.form_schema, dossier.data),
        "events": events,
        "slips": slips.available(events),
        "children": [(child, child.pk in visible) for child in children],
        "parent_visible": dossier.parent_id is not None
        and visible_dossiers(user).filter(pk=dossier.parent_id).exists(),
        "consultations": dossier.consultations.all(),
        "files": dossier.files.all(),
        "payments": Payment.objects.filter(dossier=dossier).order_by("-created_at", "-pk"),
        "bill": bill_for(dossier),
        "claimed": claimed(dossier),
        "desk_qr": offers_desk_qr(user, dossier),
        "desk_evaluation": desk and evaluation_refusal(dossier, EvaluationChannel.DESK) is None,
        "evaluation_card": desk and dossier.status in EVALUABLE,
    })  # fmt: skip


@officer_required
@require_GET
def dossier_file(request: HttpRequest, code: str, file_id: int) -> HttpResponseBase:
    dossier = _visible_or_404(request, code)
    record = next((f for f in dossier.files.all() if f.pk == file_id), None)
    if record is None:
        raise Http404
    return stored_file_response(
        record.file,
        name=record.original_name,
        content_type=record.content_type,
        attachment=record.content_type == "application/pdf",
    )


# One action ---------------------------------------------------------------------------------


def _extra(spec: ActionSpec, situation: Situation) -> dict[str, Any]:
    """What the form page shows besides the form: the appointment, the next step."""
    dossier = situation.dossier
    if spec.slug == "tiep-nhan":
        variant = dossier.variant
        try:
            due = compute_due(
                situation.now, value=variant.time_limit, unit=variant.time_unit, apply_cutoff=True
            )
        except DueDateError:
            return {}
        return {"appointment": due}
    if spec.slug == "chuyen-buoc":
        choices = situation.forward_choices
        return {"next_step": choices.step, "target": choices.target}
    if spec.slug in ("chuyen-don-vi", "xin-y-kien"):
        return {"agency_search": True}
    if spec.slug == "yeu-cau-nop-phi":
        return {"bill": bill_for(dossier), "claimed": claimed(dossier)}
    if spec.slug == "yeu-cau-bo-sung":
        return {"requirements": dossier.version.documents.order_by("position")}
    return {}


@officer_required
@require_http_methods(["GET", "POST"])
def dossier_action(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    user = _officer(request)
    dossier = _visible_or_404(request, code)
    spec = ACTIONS.get(slug)
    if spec is None:
        raise Http404
    q = request.GET.get("q", "").strip()[:100] if request.method == "GET" else ""
    situation = Situation(user, dossier, timezone.now())
    context: dict[str, Any] = {"dossier": dossier, "spec": spec, "q": q}
    refused = refusal(spec.action, situation)
    if refused is not None:
        context["unavailable"] = refused.message
        status = 403 if refused.forbidden else 409
        return render(request, "backoffice/dossiers/action.html", context, status=status)
    posted = request.method == "POST"
    form = spec.form_class(
        request.POST if posted else None,
        request.FILES if posted else None,
        dossier=dossier,
        user=user,
        now=situation.now,
        initial=spec.initial(situation),
        **spec.form_kwargs(situation, q),
    )
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            status = _perform(spec, situation, form)
            if status == 302:
                messages.success(request, str(spec.done))
                return redirect("backoffice:dossier", code=dossier.code)
    context.update(form=form, **_extra(spec, situation))
    return render(request, "backoffice/dossiers/action.html", context, status=status)


def _perform(spec: ActionSpec, situation: Situation, form: Any) -> int:
    user, dossier = cast(User, situation.user), situation.dossier
    try:
        perform(spec.action, dossier=dossier, actor=user, data=spec.data(form.cleaned_data))
    except UploadError as error:
        form.add_error(error.key if error.key in form.fields else None, error.message)
        return 400
    except NotPermitted as error:
        form.add_error(None, error.message)
        return 403
    except WorkflowError as error:
        form.add_error(None, error.message)
        return 409
    return 302


# Slips --------------------------------------------------------------------------------------


@officer_required
@require_GET
def slip(request: HttpRequest, code: str, number: str) -> HttpResponse:
    dossier = _visible_or_404(request, code)
    found = slips.slip(dossier, number)
    if found is None:
        raise Http404
    context = {
        "dossier": dossier,
        "slip": found,
        "transfer": _receipt_transfer(request, dossier, number),
        "evaluation": invitation(dossier) if number == "01" else None,
    }
    return render(request, "backoffice/dossiers/slip.html", context)


def _receipt_transfer(request: HttpRequest, dossier: Dossier, number: str) -> Any:
    """The VietQR the receipt (form 01) carries while the dossier's fees are asked, printed by
    an officer of the unit that collects them (another who may read the dossier starts no
    payment of theirs)."""
    officer = _officer(request)
    if number != "01" or not offers_desk_qr(officer, dossier):
        return None
    return slip_transfer(dossier, by=officer)


@officer_required
@require_GET
def slip_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """The slip as a PDF signed with the agency's key (issued once, then served as stored)."""
    dossier = _visible_or_404(request, code)
    try:
        document = issuing.slip_document(
            dossier, number, transfer=_receipt_transfer(request, dossier, number)
        )
    except issuing.IssueError as error:
        return render(
            request,
            "backoffice/dossiers/slip_error.html",
            {"dossier": dossier, "error": error},
            status=503,
        )
    if document is None:
        raise Http404
    return pdf_response(document)


@officer_required
@require_GET
def payment_receipt(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """A paid payment's signed electronic receipt, for the desk to print or send."""
    dossier = _visible_or_404(request, code)
    found = Payment.objects.filter(dossier=dossier, reference=reference, status="paid").first()
    if found is None:
        raise Http404
    try:
        document = receipt_for(found)
    except issuing.IssueError as error:
        return render(
            request, "backoffice/dossiers/slip_error.html", {"dossier": dossier, "error": error},
            status=503,
        )  # fmt: skip
    return pdf_response(document)
