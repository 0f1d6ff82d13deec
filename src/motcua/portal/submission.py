"""Online submission, one thing per page: the choices, the application form page by page,
the files, check your answers, submit, confirmation. Drafts can be saved and resumed.

Views parse, call one function of :mod:`motcua.dossiers.drafts` (or a dossiers service through
it), and redirect (POST/redirect/GET); a rejected POST re-renders with status 400.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog import schema_forms
from motcua.catalog.fees import claimable
from motcua.catalog.models import OnlineLevel
from motcua.catalog.selectors import procedure_in_force
from motcua.core.calendar import DueDateError, compute_due
from motcua.core.text import small_int
from motcua.core.throttle import submissions, uploads
from motcua.documents.store import reuse_in_draft, store_items
from motcua.dossiers import drafts
from motcua.dossiers.applicants import applicant_for
from motcua.dossiers.fees import draft_bill
from motcua.dossiers.models import Draft, ResultDelivery
from motcua.dossiers.selectors import dossier_detail
from motcua.dossiers.services import UploadError, WorkflowError
from motcua.dossiers.steps import handling_agencies
from motcua.waitroom.passes import holds_pass
from motcua.waitroom.selectors import event_queue_for

from .access import citizen, citizen_required
from .submission_forms import ChoicesForm, SubmitForm, UploadForm
from .waitroom import room_url

BACK_TO_CHECK = "kiem-tra"  # ?tu=kiem-tra: a change from the check page goes back there
GET_POST = ["GET", "POST"]


def _draft(request: HttpRequest, draft_id: int) -> Draft:
    draft = drafts.owned_draft(request.user, draft_id)
    if draft is None:
        raise Http404
    return draft


def _back_to_check(request: HttpRequest) -> bool:
    return (request.POST.get("tu") or request.GET.get("tu")) == BACK_TO_CHECK


# The page of the draft where each part is filled in or fixed.
PAGES = {
    "choices": "portal:draft-choices",
    "page": "portal:draft-page",
    "attachments": "portal:draft-attachments",
    "check": "portal:draft-check",
}


def _url(name: str, draft: Draft, key: str = "") -> str:
    return reverse(name, args=[draft.pk, key] if key else [draft.pk])


def _first_step(draft: Draft) -> str:
    where, key = drafts.first_step(draft)
    return _url(PAGES[where], draft, key)


def _after_pages(draft: Draft) -> str:
    if drafts.requirements_for(draft):
        return _url("portal:draft-attachments", draft)
    return _url("portal:draft-check", draft)


# Start and choices -------------------------------------------------------------------------


@citizen_required
@require_http_methods(GET_POST)
def start(request: HttpRequest, code: str) -> HttpResponse:
    version = procedure_in_force(code)
    if version is None:
        raise Http404
    event = event_queue_for(version.procedure_id, timezone.now())
    if event is not None and not holds_pass(request, event.pk, person=request.user):
        # An event queue is open for this procedure: through the room, in turn (the sign-in
        # above came first: eligibility is checked before queueing, never after). A pass is
        # its ticket's account's alone: a copied cookie lets in nobody else.
        return redirect(room_url(event, version.code, request.path))
    if version.online_level == OnlineLevel.INFORMATION or not version.variants.exists():
        agencies = handling_agencies(version).order_by("name")[:100]
        return render(
            request, "portal/dossiers/not_online.html", {"version": version, "agencies": agencies}
        )
    post = request.POST if request.method == "POST" else None
    form = ChoicesForm(post, version=version, user=request.user)
    if form.is_valid():
        draft = drafts.start_draft(user=citizen(request), version=version, choices=form.choices())
        return redirect(_first_step(draft))
    return render(
        request,
        "portal/dossiers/start.html",
        {"version": version, "form": form},
        status=400 if post else 200,
    )


@citizen_required
@require_http_methods(GET_POST)
def draft_choices(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    initial = {
        "variant": draft.variant_id,
        "agency": draft.agency_id,
        "result_delivery": draft.result_delivery or ResultDelivery.DESK.value,
        "delivery_address": draft.delivery_address or citizen(request).address_line(),
        "exemption_claims": draft.exemption_claims,
    }
    post = request.POST if request.method == "POST" else None
    form = ChoicesForm(post, version=draft.version, user=citizen(request), initial=initial)
    if form.is_valid():
        drafts.change_choices(draft=draft, choices=form.choices())
        if _back_to_check(request):
            return redirect(_url("portal:draft-check", draft))
        return redirect(_first_step(draft))
    context = {
        "version": draft.version,
        "form": form,
        "draft": draft,
        "back_to_check": _back_to_check(request),
    }
    return render(request, "portal/dossiers/start.html", context, status=400 if post else 200)


# Form pages ------------------------------------------------------------------------------


def _blank_errors_only(form: Form) -> bool:
    """Only unanswered questions are wrong: a draft may be saved with them, never with an
    answer we would have to throw away."""
    for name in form.errors:
        if name in form.fields and form[name].value() not in (None, "", [], False):
            return False
    return True


@citizen_required
@require_http_methods(GET_POST)
@never_cache
def draft_page(request: HttpRequest, draft_id: int, page_key: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    schema = draft.version.form_schema
    all_pages = schema_forms.pages(schema)
    index = next((i for i, p in enumerate(all_pages) if p.key == page_key), None)
    if index is None:
        raise Http404
    post = request.POST if request.method == "POST" else None
    form = schema_forms.page_form(schema, page_key, data=draft.data, post=post)
    if post is not None:
        action = post.get("action", "continue")
        if form.is_valid() or (action in ("save", "add") and _blank_errors_only(form)):
            data = schema_forms.apply_page(schema, page_key, draft.data, form.cleaned_data)
            drafts.save_answers(draft=draft, data=data)
            return _after_page(request, draft, all_pages, index, action)
    if _back_to_check(request):
        back = _url("portal:draft-check", draft)
    elif index == 0:
        back = _url("portal:draft-choices", draft)
    else:
        back = _url("portal:draft-page", draft, all_pages[index - 1].key)
    context = {
        "draft": draft,
        "version": draft.version,
        "page": all_pages[index],
        "form": form,
        "number": index + 1,
        "total": len(all_pages),
        "back": back,
        "has_rows": bool(form.layout.arrays),
        "back_to_check": _back_to_check(request),
    }
    return render(
        request, "portal/dossiers/draft_page.html", context, status=400 if post is not None else 200
    )


def _after_page(
    request: HttpRequest, draft: Draft, all_pages: list[Any], index: int, action: str
) -> HttpResponse:
    if action == "save":
        messages.success(request, _("Đã lưu nháp. Bạn có thể tiếp tục khai bất cứ lúc nào."))
        return redirect("portal:draft-list")
    here = _url("portal:draft-page", draft, all_pages[index].key)
    if action == "add":
        suffix = f"?tu={BACK_TO_CHECK}" if _back_to_check(request) else ""
        return redirect(here + suffix)
    if _back_to_check(request):
        return redirect(_url("portal:draft-check", draft))
    if index + 1 < len(all_pages):
        return redirect(_url("portal:draft-page", draft, all_pages[index + 1].key))
    return redirect(_after_pages(draft))


# Files -----------------------------------------------------------------------------------


def _attachments_context(draft: Draft) -> dict[str, Any]:
    all_pages = schema_forms.pages(draft.version.form_schema)
    back = (
        _url("portal:draft-page", draft, all_pages[-1].key)
        if all_pages
        else _url("portal:draft-choices", draft)
    )
    files = drafts.files_by_requirement(draft)
    rows = [(r, files.get(r.pk, [])) for r in drafts.requirements_for(draft)]
    return {
        "draft": draft,
        "version": draft.version,
        "rows": rows,
        "back": back,
        "missing": drafts.missing_uploads(draft),
        "max_mb": settings.UPLOAD_MAX_MB,
        "store": store_items(draft.owner),
    }


@citizen_required
@require_http_methods(GET_POST)
@never_cache
def draft_attachments(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    if request.method == "GET":
        return render(request, "portal/dossiers/attachments.html", _attachments_context(draft))
    if "reuse" in request.POST:
        return _reuse(request, draft)
    form = UploadForm(request.POST, request.FILES)
    requirement = None
    if form.is_valid():
        wanted = form.cleaned_data["requirement"]
        requirement = next((r for r in drafts.requirements_for(draft) if r.pk == wanted), None)
        if requirement is None:
            raise Http404
        upload = form.cleaned_data["file"]
        uploads().take(f"user:{request.user.pk}")
        try:
            drafts.attach_file(
                draft=draft,
                requirement=requirement,
                stream=upload,
                name=upload.name or "",
                user=citizen(request),
            )
        except UploadError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Đã tải lên “%(name)s”.") % {"name": upload.name})
            return redirect(_url("portal:draft-attachments", draft) + f"#req-{requirement.pk}")
    context = _attachments_context(draft)
    context["failed"] = (
        requirement.pk if requirement else small_int(request.POST.get("requirement", ""))
    )
    context["upload_errors"] = form.errors.get("file") or form.errors.get("requirement") or []
    return render(request, "portal/dossiers/attachments.html", context, status=400)


def _reuse(request: HttpRequest, draft: Draft) -> HttpResponse:
    """Attach a paper from the citizen's data store instead of uploading it again."""
    wanted_requirement = small_int(request.POST.get("requirement", ""))
    source_id = small_int(request.POST.get("reuse", ""))
    requirement = next(
        (r for r in drafts.requirements_for(draft) if r.pk == wanted_requirement), None
    )
    if requirement is None:
        raise Http404
    try:
        if source_id is None:
            raise WorkflowError(_("Chọn một giấy tờ trong kho dữ liệu."))
        reused = reuse_in_draft(
            draft=draft, requirement=requirement, source_id=source_id, user=citizen(request)
        )
    except WorkflowError as error:
        context = _attachments_context(draft)
        context.update(failed=requirement.pk, reuse_errors=[error.message])
        return render(request, "portal/dossiers/attachments.html", context, status=400)
    messages.success(
        request, _("Đã dùng “%(name)s” từ kho dữ liệu.") % {"name": reused.original_name}
    )
    return redirect(_url("portal:draft-attachments", draft) + f"#req-{requirement.pk}")


@citizen_required
@require_POST
def draft_file_remove(request: HttpRequest, draft_id: int, file_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    if not drafts.remove_file(draft=draft, file_id=file_id):
        raise Http404
    messages.success(request, _("Đã xóa tệp."))
    return redirect("portal:draft-attachments", draft.pk)


# Check your answers and submit -----------------------------------------------------------


def _problem_links(draft: Draft, found: list[drafts.Problem]) -> list[tuple[str, str]]:
    links = []
    for problem in found:
        if problem.where == "account":
            href = reverse("portal:account")
        else:
            href = _url(PAGES[problem.where], draft, problem.page_key)
            if problem.where != "attachments":
                href += f"?tu={BACK_TO_CHECK}"
        links.append((problem.message, href + (f"#{problem.anchor}" if problem.anchor else "")))
    return links


def _answer_rows(draft: Draft) -> list[tuple[Any, list[tuple[Any, str]]]]:
    """Each section with its rows, every row with the link that changes it."""
    sections = []
    for section in schema_forms.answers(draft.version.form_schema, draft.data):
        page = _url("portal:draft-page", draft, section.page_key) + f"?tu={BACK_TO_CHECK}"
        rows = [
            (row, f"{page}#id_{schema_forms.field_name(tuple(row.path.split('.')))}")
            for row in section.rows
        ]
        sections.append((section, rows))
    return sections


def _check_context(request: HttpRequest, draft: Draft) -> dict[str, Any]:
    user: Any = request.user
    files = drafts.files_by_requirement(draft)
    return {
        "draft": draft,
        "version": draft.version,
        "sections": _answer_rows(draft),
        "problems": _problem_links(draft, drafts.problems(draft, user)),
        "applicant": applicant_for(user, data=draft.data),
        "is_business": user.kind == user.Kind.BUSINESS,
        "documents": [(r, files.get(r.pk, [])) for r in drafts.requirements_for(draft)],
        "delivery": dict(ResultDelivery.choices).get(draft.result_delivery, ""),
        "bill": draft_bill(draft),
        "claimable": claimable(draft.version),
        "token": drafts.submission_token(draft),
    }


@citizen_required
@require_http_methods(GET_POST)
@never_cache
def draft_check(request: HttpRequest, draft_id: int) -> HttpResponse:
    if request.method == "GET":
        draft = _draft(request, draft_id)
        return render(request, "portal/dossiers/check.html", _check_context(request, draft))
    form = SubmitForm(request.POST)
    token = form.cleaned_data["token"] if form.is_valid() else ""
    if Draft.objects.filter(pk=draft_id, owner=request.user.pk).exists():
        # Only a submission that makes a dossier counts; pressing submit again does not.
        submissions().take(f"user:{request.user.pk}")
    try:
        dossier = drafts.submit_draft(user=citizen(request), draft_id=draft_id, token=token)
    except WorkflowError as error:
        context = _check_context(request, _draft(request, draft_id))
        context["submit_error"] = error.message
        return render(request, "portal/dossiers/check.html", context, status=400)
    if dossier is None:
        raise Http404
    return redirect("portal:dossier-submitted", dossier.code)


@citizen_required
@require_GET
def dossier_submitted(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_detail(request.user, code)
    if dossier is None or dossier.applicant_id != request.user.pk:
        raise Http404
    estimate = None
    if dossier.due_at is None:
        variant = dossier.variant
        try:
            estimate = compute_due(
                dossier.submitted_at,
                value=variant.time_limit,
                unit=variant.time_unit,
                apply_cutoff=True,
            ).due
        except DueDateError:
            estimate = None
    return render(
        request, "portal/dossiers/submitted.html", {"dossier": dossier, "estimate": estimate}
    )


# Drafts ----------------------------------------------------------------------------------


@citizen_required
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(drafts.user_drafts(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "portal/dossiers/drafts.html", {"page": page})


@citizen_required
@require_GET
def draft_resume(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Back to the first page with something to fix, else to the check page."""
    draft = _draft(request, draft_id)
    found = drafts.problems(draft, citizen(request))
    first = next((p for p in found if p.where != "account"), None)
    if first is None:
        return redirect(_url("portal:draft-check", draft))
    return redirect(_url(PAGES[first.where], draft, first.page_key))


@citizen_required
@require_http_methods(GET_POST)
def draft_delete(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    if request.method == "POST":
        drafts.delete_draft(draft=draft)
        messages.success(request, _("Đã xóa hồ sơ nháp."))
        return redirect("portal:draft-list")
    return render(request, "portal/dossiers/draft_delete.html", {"draft": draft})
