"""The agency's feedback (phản ánh, kiến nghị): the inbox, one item, its attachments and the
officer's actions on it.

An item the person may not see answers 404 on every URL, whatever the method: we never tell
that a code exists. What they see and may do is the domain's (feedback.selectors, .rules)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.http import stored_file_response
from motcua.dossiers.access import visible_dossiers
from motcua.feedback import rules, selectors
from motcua.feedback.models import FeedbackEvent, FeedbackItem, ItemChannel, ItemStatus, Topic
from motcua.feedback.services import FeedbackError
from motcua.identity.models import User

from .access import officer_required
from .feedback_forms import ITEM_ACTIONS, offered

PAGE_SIZE = 25
COUNT_CAP = 999

# Vietnamese URL values of the inbox tabs, in the order they are shown; "reopen" for leaders.
TABS = {
    "dang-xu-ly": ("open", _("Đang chờ xử lý")),
    "de-nghi-xu-ly-lai": ("reopen", _("Đề nghị xử lý lại")),
    "cho-cong-khai": ("publish", _("Chờ công khai")),
    "tat-ca": ("all", _("Tất cả")),
}


def _officer(request: HttpRequest) -> User:
    return cast(User, request.user)  # officer_required let only a signed-in officer through


def visible_or_404(user: User, code: str) -> FeedbackItem:
    item = (
        selectors.visible_items(user)
        .select_related("dossier", "procedure", "sender", "recorded_by", "handler", "merged_into")
        .filter(code=code)
        .first()
    )
    if item is None or not rules.may_see(user, item):
        raise Http404
    return item


# The inbox ------------------------------------------------------------------------------------


def tabs_for(user: User) -> list[dict[str, Any]]:
    """The tabs this person has, each with how many items it holds (counting stops past the
    cap). Reopen requests are the leaders' to decide."""
    leads = bool(selectors.led_agencies(user)) or selectors.handled_agencies(user) is None
    return [
        {
            "slug": slug,
            "label": label,
            "count": selectors.inbox(user, tab=tab)[: COUNT_CAP + 1].count(),
        }
        for slug, (tab, label) in TABS.items()
        if tab != "reopen" or leads
    ]


# The inbox's filters: URL parameter → (the name the template reads, the values allowed).
FILTERS = {
    "chu-de": ("topic", None),
    "kenh": ("channel", ItemChannel.values),
    "trang-thai": ("status", ItemStatus.values),
}


def _filters(request: HttpRequest) -> dict[str, str]:
    """The filters of the inbox, each kept only when it names a real choice."""
    chosen = {}
    for param, (name, allowed) in FILTERS.items():
        value = request.GET.get(param, "").strip()[:40]
        if value and (allowed is None or value in allowed):
            chosen[name] = value
    return chosen


def _filtered(items: QuerySet[FeedbackItem], filters: dict[str, str]) -> QuerySet[FeedbackItem]:
    if "topic" in filters:
        items = items.filter(topic__code=filters["topic"])
    if "channel" in filters:
        items = items.filter(channel=filters["channel"])
    if "status" in filters:
        items = items.filter(status=filters["status"])
    return items


@officer_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    tabs = tabs_for(user)
    slug = request.GET.get("hop", "")
    slug = slug if slug in {t["slug"] for t in tabs} else "dang-xu-ly"
    filters = _filters(request)
    items = _filtered(selectors.inbox(user, tab=TABS[slug][0]), filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    limit = selectors.soon_limit(now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "backoffice/feedback/inbox.html", {
        "tabs": tabs, "current": slug, "filters": filters, "page": page, "query": query.urlencode(),
        "rows": [(item, selectors.mark(item, now, limit)) for item in page.object_list],
        "topics": Topic.objects.order_by("position", "code"),
        "channels": ItemChannel.choices, "statuses": ItemStatus.choices,
    })  # fmt: skip


# One item -------------------------------------------------------------------------------------


@officer_required
@require_GET
def item_page(request: HttpRequest, code: str) -> HttpResponse:
    user = _officer(request)
    item = visible_or_404(user, code)
    dossier_visible = (
        item.dossier_id is not None and visible_dossiers(user).filter(pk=item.dossier_id).exists()
    )
    return render(request, "backoffice/feedback/detail.html", {
        "item": item,
        "mark": selectors.mark(item),
        "actions": offered(rules.allowed_actions(user, item)),
        "events": _history(item),
        "attachments": item.attachments.all(),
        "dossier_visible": dossier_visible,
        "is_conduct": rules.is_conduct(item),
        "contact": _contact(item),
        # An app's photo links become links only when they are web addresses.
        "media": [(url, str(url).startswith(("https://", "http://"))) for url in item.media_urls],
    })  # fmt: skip


def _contact(item: FeedbackItem) -> dict[str, str]:
    """The phone and email the agency answers on: as given, else the sender's account's."""
    account = item.sender
    return {
        "phone": item.sender_phone or (account.phone if account else ""),
        "email": item.sender_email or (account.email if account else ""),
    }


def _history(item: FeedbackItem) -> list[FeedbackEvent]:
    """Every event, each with the label of the status it led to."""
    events = list(item.events.all())
    for event in events:
        status = event.to_status
        event.status_label = ItemStatus(status).label if status in ItemStatus.values else ""  # type: ignore[attr-defined]
    return events


@officer_required
@require_GET
def item_file(request: HttpRequest, code: str, file_id: int) -> HttpResponseBase:
    item = visible_or_404(_officer(request), code)
    record = item.attachments.filter(pk=file_id).first()
    if record is None:
        raise Http404
    return stored_file_response(
        record.file,
        name=record.original_name,
        content_type=record.content_type,
        attachment=record.content_type == "application/pdf",
    )


# One action -----------------------------------------------------------------------------------


# The service names the answer's files "files" (as the portal's form does); here they are
# "attachments", since a form's ``files`` is Django's own.
FIELD_ALIASES = {"files": "attachments"}


def _merge_candidates(user: User, item: FeedbackItem) -> list[FeedbackItem]:
    """Open items on the same subject nearby that this officer may see."""
    nearby = selectors.nearby_open(
        ward=item.ward, topic=item.topic, latitude=item.latitude, longitude=item.longitude
    )
    ids = [other.pk for other in nearby if other.pk != item.pk]
    return list(selectors.visible_items(user).filter(pk__in=ids).order_by("-received_at"))


@officer_required
@require_http_methods(["GET", "POST"])
def item_action(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    user = _officer(request)
    item = visible_or_404(user, code)
    spec = ITEM_ACTIONS.get(slug)
    if spec is None:
        raise Http404
    context: dict[str, Any] = {"item": item, "spec": spec}
    reason = rules.why_not(user, spec.action, item)
    if reason is not None:
        context["unavailable"] = reason
        status = 403 if rules.forbidden(user, spec.action, item) else 409
        return render(request, "backoffice/feedback/action.html", context, status=status)
    posted = request.method == "POST"
    q = "" if posted else request.GET.get("q", "").strip()[:100]
    form = spec.form_class(
        request.POST if posted else None,
        request.FILES if posted else None,
        item=item,
        user=user,
        initial=spec.initial(item),
        **({"q": q} if spec.agency_search else {}),
    )
    if posted and form.is_valid():
        try:
            spec.perform(item, user, form.cleaned_data)
        except FeedbackError as error:
            name = FIELD_ALIASES.get(error.field, error.field)
            form.add_error(name if name in form.fields else None, error.message)
        else:
            messages.success(request, str(spec.done))
            return _after(user, item)
    if spec.action == "merge":
        context["candidates"] = _merge_candidates(user, item)
    context.update(form=form, q=q)
    return render(
        request, "backoffice/feedback/action.html", context, status=400 if posted else 200
    )


def _after(user: User, item: FeedbackItem) -> HttpResponse:
    """Back to the item, or to the inbox when the action took it out of this officer's sight
    (transferred to another agency, classified as a conduct complaint)."""
    if selectors.visible_items(user).filter(pk=item.pk).exists():
        return redirect("backoffice:feedback", code=item.code)
    return redirect("backoffice:feedback-inbox")
