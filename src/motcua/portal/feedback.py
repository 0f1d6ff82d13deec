"""Sending feedback (phản ánh, kiến nghị) from the portal, one thing per page, without
JavaScript:

1. a sender without an account gives a name and a phone or email, and a code is sent there
   (signed-in citizens skip this: their account is the sender);
2. the item: topic, title, content, ward, an optional procedure or dossier, a place — and the
   code, checked once; what was typed stays on the page whatever is wrong;
3. check and send: what will be sent, to which agency, the open items on the same subject
   nearby (follow one instead, or send anyway), and the photos or PDF files. Files are chosen
   on this last page, with the send button, so no file is ever held between two requests;
4. the confirmation: the item's code, its answer deadline and the link to follow it.

Nothing is saved in the database before step 3 sends; until then the session keeps the
contact and the draft. docs/feedback/citizens.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import CatalogueFilter, procedures_in_force
from motcua.core.http import client_ip
from motcua.core.throttle import submissions
from motcua.dossiers.models import Dossier
from motcua.feedback import selectors, services
from motcua.feedback.contact import ContactError, check_code, send_code
from motcua.feedback.models import FeedbackItem, ItemChannel, Topic
from motcua.feedback.privacy import scrub
from motcua.feedback.routing import RoutingError, place, ward_by_code
from motcua.feedback.services import FeedbackError
from motcua.identity.models import AdministrativeUnit, Agency, User

from .access import citizen, citizen_required, uses_portal
from .feedback_forms import (
    CONTACT_KEY,
    DRAFT_KEY,
    SENT_KEY,
    ContactForm,
    FeedbackForm,
    FilesForm,
)

GET_POST = ["GET", "POST"]


def signed_in(request: HttpRequest) -> User | None:
    """The citizen's account; None for a visitor; an officer is refused (403), as on every
    citizen page: officers act for the state, never as a sender with their officer account."""
    user = request.user
    if not user.is_authenticated:
        return None
    if not uses_portal(user):
        raise PermissionDenied
    return citizen(request)


def _contact(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(CONTACT_KEY) or {})


# Step 1: the contact of a sender without an account -------------------------------------------


@require_http_methods(GET_POST)
@never_cache
def contact(request: HttpRequest) -> HttpResponse:
    if signed_in(request) is not None:
        return redirect("portal:feedback-send")
    saved = _contact(request)
    post = request.POST if request.method == "POST" else None
    initial = {"sender_name": saved.get("name", ""), "contact": saved.get("contact", "")}
    form = ContactForm(post, initial=initial)
    if form.is_valid():
        address = form.cleaned_data["contact"]
        try:
            # RateLimited (too many codes) is answered 429 by the admission middleware.
            channel = send_code(address, client=client_ip(request))
        except ContactError as error:
            form.add_error("contact", error.message)
        else:
            request.session[CONTACT_KEY] = {
                "name": form.cleaned_data["sender_name"].strip(),
                "contact": address,
                "verified": False,
            }
            sent = (
                _("Đã gửi mã xác minh tới thư điện tử %(to)s.")
                if channel == "email"
                else _("Đã gửi mã xác minh bằng tin nhắn tới số %(to)s.")
            )
            messages.info(request, sent % {"to": address})
            return redirect(reverse("portal:feedback-send") + _query(request))
    return render(
        request, "portal/feedback/contact.html", {"form": form}, status=400 if post else 200
    )


# Step 2: the item ----------------------------------------------------------------------------


@dataclass
class Resolved:
    """A draft's names turned into rows, and the agency that will answer."""

    topic: Topic
    ward: AdministrativeUnit | None
    procedure: Procedure | None
    dossier: Dossier | None
    agency: Agency
    latitude: Decimal | None
    longitude: Decimal | None


def _procedure(text: str) -> Procedure | None:
    """By its code, else by a name that matches one procedure in force only: a vague word
    ("giấy") must not route the item to whichever agency the first match belongs to."""
    exact = Procedure.objects.filter(code=text).first()
    if exact is not None:
        return exact
    matches = list(procedures_in_force(CatalogueFilter(q=text))[:2])
    return matches[0].procedure if len(matches) == 1 else None


def _number(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def resolve(draft: dict[str, str], user: User | None, contact: dict[str, Any]) -> Resolved:
    """FeedbackError (with the field at fault) when the draft names something it may not."""
    topic = Topic.objects.filter(code=draft["topic"], on_portal=True, is_active=True).first()
    if topic is None:
        raise FeedbackError(_("Chủ đề đã chọn không còn nhận phản ánh."), "topic")
    dossier = None
    if draft["dossier"]:
        phone = "" if user else contact.get("contact", "")
        dossier = selectors.dossier_for_sender(draft["dossier"], user=user, phone=phone)
        if dossier is None:
            message = (
                _("Không có hồ sơ mã này trong các hồ sơ của bạn. Kiểm tra lại mã, hoặc để trống.")
                if user
                else _(
                    "Không thấy hồ sơ mã này với số điện thoại bạn đã xác minh. Kiểm tra lại "
                    "mã, hoặc để trống."
                )
            )
            raise FeedbackError(message, "dossier")
    procedure = None
    if draft["procedure"]:
        procedure = _procedure(draft["procedure"])
        if procedure is None:
            raise FeedbackError(
                _("Không tìm thấy thủ tục này. Nhập mã thủ tục, hoặc để trống."), "procedure"
            )
    latitude, longitude = _number(draft["latitude"]), _number(draft["longitude"])
    try:
        ward, agency = place(
            ward=ward_by_code(draft["ward"]), latitude=latitude, longitude=longitude,
            dossier=dossier, procedure=procedure,
        )  # fmt: skip
    except RoutingError as error:
        raise FeedbackError(error.message, "ward") from error
    return Resolved(topic, ward, procedure, dossier, agency, latitude, longitude)


# Links from elsewhere may name what the feedback is about: ?ho-so=<dossier code> (the
# citizen's dossier page) or ?thu-tuc=<procedure code> (a procedure's page). Only a starting
# value: the form checks it like anything typed.
PREFILL = {"ho-so": ("dossier", "ho-so", 40), "thu-tuc": ("procedure", "thu-tuc", 200)}


def _initial(request: HttpRequest, user: User | None) -> dict[str, str]:
    unit = getattr(user, "address_unit", None)
    initial = dict(request.session.get(DRAFT_KEY) or {})
    if not initial and unit is not None:
        initial["ward"] = unit.code
    for parameter, (field, topic, limit) in PREFILL.items():
        value = request.GET.get(parameter, "").strip()[:limit]
        if value:
            initial.update({field: value, "topic": topic})
    return initial


def _query(request: HttpRequest) -> str:
    kept = {p: request.GET[p][:200] for p in PREFILL if request.GET.get(p)}
    return "?" + urlencode(kept) if kept else ""


@require_http_methods(GET_POST)
@never_cache
def send(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    sender = _contact(request)
    if user is None and not sender:
        return redirect(reverse("portal:feedback-contact") + _query(request))
    needs_code = user is None and not sender.get("verified")
    post = request.POST if request.method == "POST" else None
    form = FeedbackForm(post, needs_code=needs_code, initial=_initial(request, user))
    if form.is_valid():
        if needs_code:
            right = check_code(
                sender["contact"], form.cleaned_data["code"], client=client_ip(request)
            )
            if not right:
                form.add_error(
                    "code", _("Mã xác minh không đúng hoặc đã hết hạn. Nhập lại, hoặc xin mã mới.")
                )
                return _send_page(request, form, user, sender, status=400)
            sender["verified"] = True
            request.session[CONTACT_KEY] = sender
            form.fields.pop("code")
        draft = form.draft()
        try:
            resolve(draft, user, sender)
        except FeedbackError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            request.session[DRAFT_KEY] = draft
            return redirect("portal:feedback-check")
    return _send_page(request, form, user, sender, status=400 if post else 200)


def _send_page(
    request: HttpRequest, form: FeedbackForm, user: User | None, sender: dict[str, Any],
    *, status: int
) -> HttpResponse:  # fmt: skip
    context = {"form": form, "user_sender": user, "sender": sender}
    return render(request, "portal/feedback/send.html", context, status=status)


# Step 3: check, duplicates, files, send --------------------------------------------------------


def _ready(request: HttpRequest) -> tuple[User | None, dict[str, Any], dict[str, str]] | None:
    """The sender, their contact and the draft, when the item can be sent now."""
    user = signed_in(request)
    sender = _contact(request)
    draft = request.session.get(DRAFT_KEY)
    if not draft or (user is None and not sender.get("verified")):
        return None
    return user, sender, draft


def nearby(resolved: Resolved) -> list[FeedbackItem]:
    return selectors.nearby_open(
        ward=resolved.ward,
        topic=resolved.topic,
        latitude=resolved.latitude,
        longitude=resolved.longitude,
    )


def _check_page(
    request: HttpRequest, resolved: Resolved, draft: dict[str, str], user: User | None,
    form: FilesForm, *, status: int = 200
) -> HttpResponse:  # fmt: skip
    duplicates = [(item, scrub(item.title, item)) for item in nearby(resolved)]
    context = {"draft": draft, "resolved": resolved, "duplicates": duplicates, "form": form,
               "user_sender": user, "sender": _contact(request)}  # fmt: skip
    return render(request, "portal/feedback/check.html", context, status=status)


@require_http_methods(GET_POST)
@never_cache
def check(request: HttpRequest) -> HttpResponse:
    ready = _ready(request)
    if ready is None:
        return redirect("portal:feedback-send")
    user, sender, draft = ready
    try:
        resolved = resolve(draft, user, sender)
    except FeedbackError:
        return redirect("portal:feedback-send")  # changed meanwhile: the form says what
    if request.method == "GET":
        return _check_page(request, resolved, draft, user, FilesForm())
    form = FilesForm(request.POST, request.FILES)
    if form.is_valid():
        submissions().take(f"user:{user.pk}" if user else f"ip:{client_ip(request)}")
        try:
            item = _submit(resolved, draft, user, sender, form)
        except FeedbackError as error:
            field = "attachments" if error.field in ("files", "attachments") else None
            form.add_error(field, error.message)
        else:
            request.session.pop(DRAFT_KEY, None)
            request.session.pop(CONTACT_KEY, None)  # the next item needs a new code
            request.session[SENT_KEY] = {"code": item.code, "key": "" if user else item.follow_key}
            return redirect("portal:feedback-sent")
    return _check_page(request, resolved, draft, user, form, status=400)


def _submit(
    resolved: Resolved, draft: dict[str, str], user: User | None, sender: dict[str, Any],
    form: FilesForm
) -> FeedbackItem:  # fmt: skip
    address = "" if user else str(sender.get("contact", ""))
    return services.submit_feedback(
        topic=resolved.topic,
        title=draft["title"],
        body=draft["body"],
        channel=ItemChannel.PORTAL,
        sender=user,
        sender_name="" if user else str(sender.get("name", "")),
        sender_phone="" if "@" in address else address,
        sender_email=address if "@" in address else "",
        contact_verified=user is None and bool(sender.get("verified")),
        dossier=resolved.dossier,
        procedure=resolved.procedure,
        ward=resolved.ward,
        latitude=resolved.latitude,
        longitude=resolved.longitude,
        address=draft["address"],
        uploads=form.uploads(),
    )


@require_POST
@citizen_required
def follow_instead(request: HttpRequest) -> HttpResponse:
    """Follow one of the open items the check page listed, instead of sending a duplicate."""
    ready = _ready(request)
    if ready is None:
        raise Http404
    user, sender, draft = ready
    try:
        resolved = resolve(draft, user, sender)
    except FeedbackError as error:
        raise Http404 from error
    code = request.POST.get("item", "")
    item = next((i for i in nearby(resolved) if i.code == code), None)
    if item is None:  # only an item the page offered: codes are not to be tried
        raise Http404
    services.follow(item=item, user=citizen(request))
    request.session.pop(DRAFT_KEY, None)
    messages.success(
        request,
        _("Bạn đang theo dõi phản ánh %(code)s. Khi có trả lời, chúng tôi báo cho bạn.")
        % {"code": item.code},
    )
    return redirect("portal:feedback-follow", item.code)


# Step 4: the confirmation ----------------------------------------------------------------------


@require_http_methods(["GET"])
@never_cache
def sent(request: HttpRequest) -> HttpResponse:
    done = request.session.get(SENT_KEY) or {}
    item = FeedbackItem.objects.select_related("agency").filter(code=done.get("code", "")).first()
    if item is None:
        return redirect("portal:feedback-send")
    link = reverse("portal:feedback-follow", args=[item.code])
    if done.get("key"):
        link += "?k=" + str(done["key"])
    response = render(request, "portal/feedback/sent.html", {"item": item, "link": link})
    response["Referrer-Policy"] = "same-origin"  # the page's link carries the follow key
    return response
