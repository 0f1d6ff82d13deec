"""The data catalogue in the back office: the current catalogue with the review's due date and
reminder, the proposals (new, edit, submit), the coordinator's review and the city's approval
of a new version.

A proposal the person may not read answers 404 on every URL; what they may do is the domain's
rule table (motcua.datacatalog.rules), asked before a form is shown and again by the service."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.datacatalog import diff, rules, selectors, services
from motcua.datacatalog.models import Proposal, ProposalKind, ReviewReminder
from motcua.datacatalog.specs import CatalogueConflict, CatalogueError, DatabaseSpec
from motcua.identity.models import Agency, User

from .access import officer_required
from .data_catalogue_forms import (
    ApprovalForm,
    FieldFormSet,
    ProposalForm,
    ReviewForm,
    field_rows,
    filled_forms,
    initial_from,
    spec_from,
)


def _officer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _proposal_or_404(user: User, pk: int) -> Proposal:
    proposal = selectors.proposal_for(user, pk)
    if proposal is None:
        raise Http404
    return proposal


@officer_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    current = selectors.current_version()
    return render(request, "backoffice/data_catalogue/home.html", {
        "version": current, "databases": selectors.databases_of(current),
        "review_due": selectors.review_due_on(current) if current else None,
        "reminder": ReviewReminder.objects.filter(version=current).first() if current else None,
        "coordinator": rules.coordinator(),
        "proposals": selectors.proposals_for(user)[:50],
        "queue": selectors.review_queue() if rules.is_reviewer(user) else None,
        "accepted": selectors.accepted_proposals() if rules.is_city_approver(user) else None,
        "may_propose": bool(rules.proposing_agencies(user)),
    })  # fmt: skip


def _changes(proposal: Proposal) -> diff.VersionDiff:
    """What the proposal would change in the current catalogue; once approved, what it changed
    in its version (against the current catalogue it would show nothing, or a later change)."""
    if proposal.version is not None:
        before = selectors.specs_of(selectors.previous_of(proposal.version))
        after = selectors.specs_of(proposal.version)
        return diff.differences(
            {c: s for c, s in before.items() if c == proposal.code},
            {c: s for c, s in after.items() if c == proposal.code},
        )
    current = selectors.specs_of(selectors.current_version())
    after = dict(current)
    if proposal.kind == ProposalKind.RETIRE:
        after.pop(proposal.code, None)
    elif proposal.content:
        after[proposal.code] = DatabaseSpec.from_json(proposal.content)
    return diff.differences(current, after)


@officer_required
@require_GET
def proposal_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    proposal = _proposal_or_404(user, pk)
    return render(request, "backoffice/data_catalogue/proposal.html", _proposal_context(
        user, proposal, ReviewForm()))  # fmt: skip


def _proposal_context(user: User, proposal: Proposal, review: ReviewForm) -> dict[str, Any]:
    return {
        "proposal": proposal, "diff": _changes(proposal),
        "events": proposal.events.select_related("actor"),
        "may_edit": rules.may(user, "edit", proposal),
        "may_submit": rules.may(user, "submit", proposal),
        "may_withdraw": rules.may(user, "withdraw", proposal),
        "may_review": rules.may(user, "accept", proposal), "review": review,
    }  # fmt: skip


def _agencies(user: User) -> Any:
    return Agency.objects.filter(pk__in=[a.pk for a in rules.proposing_agencies(user)])


def _proposal_form(
    request: HttpRequest, user: User, *, proposal: Proposal | None, initial: dict[str, Any],
    rows: list[dict[str, Any]],
) -> HttpResponse:  # fmt: skip
    """GET shows the form; POST checks it and calls the service, whose refusal is shown beside
    its field (the fields' own refusals above the fields)."""
    posted = request.POST if request.method == "POST" else None
    agencies = _agencies(user) if proposal is None else Agency.objects.filter(pk=proposal.agency_id)
    form = ProposalForm(posted, agencies=agencies, fixed=proposal is not None, initial=initial)
    formset = FieldFormSet(posted, initial=rows, prefix="truong")
    refusal = (rules.why_not(user, "edit", proposal) if proposal else
               None if agencies.exists() else _("Chỉ lãnh đạo cơ quan được đề xuất."))  # fmt: skip
    context = {"form": form, "formset": formset, "proposal": proposal,
               "summary_forms": [form, *formset.forms]}  # fmt: skip
    if refusal is not None:
        return render(request, "backoffice/data_catalogue/form.html",
                      {**context, "unavailable": refusal}, status=403)  # fmt: skip
    if posted is not None and form.is_valid() & formset.is_valid():
        data = form.cleaned_data
        spec = None if data["kind"] == ProposalKind.RETIRE else spec_from(data, field_rows(formset))
        try:
            if proposal is None:
                proposal = services.create_proposal(kind=data["kind"], agency=data["agency"],
                                                    code=data["code"], spec=spec,
                                                    reason=data["reason"], by=user)  # fmt: skip
            else:
                services.update_proposal(proposal=proposal, spec=spec, reason=data["reason"],
                                         by=user)  # fmt: skip
        except CatalogueError as error:
            _place(error, form, formset)
        else:
            messages.success(request, _("Đã lưu đề xuất. Kiểm tra lại rồi gửi thẩm định."))
            return redirect("backoffice:data-catalogue-proposal", pk=proposal.pk)
    status = 400 if posted is not None else 200
    return render(request, "backoffice/data_catalogue/form.html", context, status=status)


def _place(error: CatalogueError, form: ProposalForm, formset: Any) -> None:
    """The refusal beside what it is about: a form's field, a field row's control, or the top."""
    rows = filled_forms(formset)
    if error.field == "fields" and error.row is not None and error.row < len(rows):
        rows[error.row].add_error(error.part or "name", error.message)
    else:
        form.add_error(error.field if error.field in form.fields else None, error.message)


@officer_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest) -> HttpResponse:
    """``?loai=change&ma=CSDL-HT`` starts from the database as the current version lists it."""
    user = _officer(request)
    kind = request.GET.get("loai", ProposalKind.ADD)
    initial: dict[str, Any] = {"kind": kind if kind in ProposalKind.values else ProposalKind.ADD}
    rows: list[dict[str, Any]] = []
    existing = selectors.database_in(selectors.current_version(), request.GET.get("ma", ""))
    if existing is not None:
        data, rows = initial_from(selectors.specs_of(existing.version)[existing.code])
        initial |= data | {"agency": existing.owner_id}
    return _proposal_form(request, user, proposal=None, initial=initial, rows=rows)


@officer_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    proposal = _proposal_or_404(user, pk)
    initial: dict[str, Any] = {"kind": proposal.kind, "agency": proposal.agency_id,
                               "code": proposal.code, "reason": proposal.reason}  # fmt: skip
    rows: list[dict[str, Any]] = []
    if proposal.content:
        data, rows = initial_from(DatabaseSpec.from_json(proposal.content))
        initial |= data
    return _proposal_form(request, user, proposal=proposal, initial=initial, rows=rows)


@officer_required
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    proposal = _proposal_or_404(user, pk)
    try:
        services.submit_proposal(proposal=proposal, by=user)
    except CatalogueError as error:
        return _refused(request, user, proposal, error.message)
    messages.success(request, _("Đã gửi đề xuất đến cơ quan đầu mối thẩm định."))
    return redirect("backoffice:data-catalogue-proposal", pk=proposal.pk)


@officer_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    proposal = _proposal_or_404(user, pk)
    try:
        services.withdraw_proposal(proposal=proposal, by=user)
    except CatalogueError as error:
        return _refused(request, user, proposal, error.message)
    messages.success(request, _("Đã rút đề xuất."))
    return redirect("backoffice:data-catalogue-proposal", pk=proposal.pk)


def _refused(request: HttpRequest, user: User, proposal: Proposal, message: str,
             review: ReviewForm | None = None) -> HttpResponse:  # fmt: skip
    context = _proposal_context(user, proposal, review or ReviewForm())
    context["refusal"] = message
    status = 403 if rules.why_not(user, "submit", proposal) and not context["may_review"] else 400
    return render(request, "backoffice/data_catalogue/proposal.html", context, status=status)


@officer_required
@require_POST
def proposal_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    proposal = _proposal_or_404(user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _refused(request, user, proposal, _("Hãy chọn kết quả và ghi ý kiến thẩm định."),
                        review=form)  # fmt: skip
    try:
        services.review_proposal(proposal=proposal, decision=form.cleaned_data["decision"],
                                 note=form.cleaned_data["note"], by=user)  # fmt: skip
    except CatalogueError as error:
        return _refused(request, user, proposal, error.message, review=form)
    messages.success(request, _("Đã ghi kết quả thẩm định."))
    return redirect("backoffice:data-catalogue-proposal", pk=proposal.pk)


@officer_required
@require_http_methods(["GET", "POST"])
def version_approve(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    form = ApprovalForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "accepted": selectors.accepted_proposals(),
                               "next_number": (getattr(selectors.current_version(), "number", 0)
                                               + 1)}  # fmt: skip
    refusal = rules.why_not_approve(user)
    if refusal is not None:
        return render(request, "backoffice/data_catalogue/approve.html",
                      {**context, "unavailable": refusal}, status=403)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            version = services.approve_version(by=user, **form.cleaned_data)
        except CatalogueError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            if isinstance(error, CatalogueConflict):
                return render(request, "backoffice/data_catalogue/approve.html", context,
                              status=409)  # fmt: skip
        else:
            messages.success(request, _("Đã phê duyệt phiên bản %(n)s.") % {"n": version.number})
            return redirect("backoffice:data-catalogue")
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/data_catalogue/approve.html", context, status=status)
