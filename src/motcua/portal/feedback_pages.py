"""Following feedback on the portal: the item's page for its sender (their account, or the
follow key in the link they were sent) and for the citizens who follow it, the information the
agency asks for, the rating of the answer, the attachments; "my feedback"; the public answers.

Who sees what:
- the sender sees everything about their item except officers' names: status, deadlines, the
  public history with its notes, their own files and the agency's, the answer;
- a follower (another citizen who chose to follow it instead of sending a duplicate) sees its
  status, deadlines and the history without notes, and the title and answer with personal data
  removed (privacy.scrub) — never the sender, the content or the files;
- anyone else gets 404, whether or not the code exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.core.http import stored_file_response
from motcua.core.page_cache import cached_for_visitors
from motcua.feedback import rules, selectors, services
from motcua.feedback.models import FeedbackItem
from motcua.feedback.privacy import for_followers, scrub
from motcua.feedback.services import FeedbackError

from .access import citizen, citizen_required, uses_portal
from .feedback_forms import InfoForm, PublicSearchForm, RateForm

PAGE_SIZE = 20
SENDER, FOLLOWER = "sender", "follower"


def _key(request: HttpRequest) -> str:
    return (request.POST.get("k") or request.GET.get("k") or "")[:100]


def _viewer(request: HttpRequest, code: str) -> tuple[FeedbackItem, str]:
    """The item and whether this person is its sender or a follower; 404 for anyone else."""
    item = (
        FeedbackItem.objects.select_related("topic", "agency", "ward", "merged_into")
        .filter(code=code)
        .first()
    )
    if item is None:
        raise Http404
    user = request.user
    if services.sender_may(user, _key(request), item):
        return item, SENDER
    if uses_portal(user) and rules.is_follower(citizen(request), item):
        return item, FOLLOWER
    raise Http404


def _follow_url(item: FeedbackItem, key: str) -> str:
    url = reverse("portal:feedback-follow", args=[item.code])
    return f"{url}?k={key}" if key else url


def _by(request: HttpRequest) -> Any:
    return citizen(request) if uses_portal(request.user) else None


def _private(response: HttpResponse) -> HttpResponse:
    # The address may carry the follow key: never told to another site.
    response["Referrer-Policy"] = "same-origin"
    return response


def _page(
    request: HttpRequest,
    item: FeedbackItem,
    role: str,
    *,
    info_form: InfoForm | None = None,
    rate_form: RateForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    sender = role == SENDER
    key = _key(request) if sender and not rules.is_sender(request.user, item) else ""
    events = list(item.events.filter(public=True))
    text = (
        {"title": item.title, "answer": item.answer, "refusal_reason": item.refusal_reason}
        if sender
        else for_followers(item)
    )
    context = {
        "item": item,
        "is_sender": sender,
        "key": key,
        **text,
        "events": events,
        "attachments": list(item.attachments.all()) if sender else [],
        "asks_info": sender and rules.why_not(None, "provide_info", item) is None,
        "may_rate": sender and rules.why_not(None, "rate", item) is None,
        "info_form": info_form or InfoForm(),
        "rate_form": rate_form or RateForm(),
        "refusal": refusal,
    }
    return _private(render(request, "portal/feedback/follow.html", context, status=status))


@require_GET
@never_cache
def follow(request: HttpRequest, code: str) -> HttpResponse:
    item, role = _viewer(request, code)
    return _page(request, item, role)


def _sender_item(request: HttpRequest, code: str) -> FeedbackItem:
    item, role = _viewer(request, code)
    if role != SENDER:
        raise Http404
    return item


@require_POST
def provide_info(request: HttpRequest, code: str) -> HttpResponse:
    item = _sender_item(request, code)
    refusal = rules.why_not(_by(request), "provide_info", item)
    if refusal is not None:  # the page no longer offers the form: say why, keep nothing half
        return _page(request, item, SENDER, refusal=refusal, status=400)
    form = InfoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.provide_info(
                item=item, text=form.cleaned_data["text"], uploads=form.uploads(), by=_by(request)
            )
        except FeedbackError as error:
            field = "attachments" if error.field == "files" else error.field
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã gửi thông tin bổ sung cho cơ quan xử lý."))
            return redirect(_follow_url(item, _key(request)))
    return _page(request, item, SENDER, info_form=form, status=400)


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    item = _sender_item(request, code)
    refusal = rules.why_not(_by(request), "rate", item)
    if refusal is not None:
        return _page(request, item, SENDER, refusal=refusal, status=400)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            item = services.rate(
                item=item,
                rating=form.cleaned_data["rating"],
                reason=form.cleaned_data["reason"],
                by=_by(request),
            )
        except FeedbackError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            done = (
                _("Cảm ơn bạn. Đề nghị xử lý lại đã được chuyển tới lãnh đạo cơ quan xử lý.")
                if item.reopen_requested_at and not item.reopen_decision
                else _("Cảm ơn bạn đã đánh giá câu trả lời.")
            )
            messages.success(request, done)
            return redirect(_follow_url(item, _key(request)))
    return _page(request, item, SENDER, rate_form=form, status=400)


@require_GET
def attachment(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    """A file of the item, streamed to its sender only."""
    item = _sender_item(request, code)
    record = item.attachments.filter(pk=file_id).first()
    if record is None:
        raise Http404
    return _private(
        stored_file_response(
            record.file, name=record.original_name, content_type=record.content_type
        )
    )


# My feedback -----------------------------------------------------------------------------------


@citizen_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = citizen(request)
    page = Paginator(selectors.sent_by(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (item, item.title if item.sender_id == user.pk else scrub(item.title, item))
        for item in page.object_list
    ]
    return render(request, "portal/feedback/mine.html", {"page": page, "rows": rows})


# Public answers --------------------------------------------------------------------------------


@require_GET
@cached_for_visitors
def public_list(request: HttpRequest) -> HttpResponse:
    form = PublicSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    answers = selectors.public_answers(query)
    page = Paginator(answers, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {"form": form, "page": page, "query": kept.urlencode()}
    return render(request, "portal/feedback/public_list.html", context)


@require_GET
@cached_for_visitors
def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.public_answers().filter(code=code).first()
    if item is None:
        raise Http404
    return render(request, "portal/feedback/public_detail.html", {"item": item})
