"""Feedback (phản ánh, kiến nghị) through the API, for the public and the senders: the topics,
the published answers, a contact code for a sender without an account, sending an item,
following it (by token or follow key), adding the information asked for and rating the answer.
The officers' endpoints are in ``feedback_officers``. Every rule is the feedback domain's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile

from motcua.catalog.models import Procedure
from motcua.core import throttle
from motcua.core.http import client_ip
from motcua.core.public_urls import feedback_url
from motcua.dossiers.files import NewUpload
from motcua.feedback import contact, rules, services
from motcua.feedback.models import FeedbackItem, ItemChannel, Topic
from motcua.feedback.privacy import for_followers
from motcua.feedback.routing import ward_by_code
from motcua.feedback.selectors import (
    dossier_for_sender,
    public_answers,
    sent_by,
    soon_limit,
    visible_items,
)
from motcua.identity.models import User

from . import feedback_schemas as s
from .auth import bearer
from .dossier_schemas import PageQuery, ProblemsOut
from .dossier_views import is_staff_reader
from .errors import ApiError
from .feedback_views import SHOWN_RELATED, item_out, public_out, summary_out
from .idempotency import KeyHeader, idempotent
from .paging import page_of
from .schemas import ErrorOut

router = Router(tags=["feedback"])
Answer = tuple[int, Any]


def token_or_anonymous(request: HttpRequest) -> Any:
    """No ``Authorization`` header: an anonymous caller (a follow key or a contact code then
    decides), never the browser session's user. A header: it must hold a valid token."""
    if not request.headers.get("Authorization"):
        request.user = AnonymousUser()
        return request.user
    return bearer(request)


# Declared by hand: the operation takes a token or none (OpenAPI's empty requirement).
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{"TokenAuth": []}, {}]}


def not_found() -> ApiError:
    # One message whether the item does not exist or is not the caller's to see.
    return ApiError(_("Không tìm thấy phản ánh."), 404)


class Problem(ApiError):
    """A 422 naming the field of the body at fault (a ``ProblemsOut``)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, 422)
        self.field = field

    def answer(self) -> Answer:
        loc = ["body", "payload", *([self.field] if self.field else [])]
        errors = [{"type": "feedback", "loc": loc, "msg": self.message}]
        return 422, {"detail": self.message, "errors": errors}


def refused(error: services.FeedbackError) -> ApiError:
    """A service's refusal: a field at fault is a 422, a refusal by the item's state a 409."""
    if error.field:
        return Problem(error.message, error.field)
    return ApiError(error.message, 409)


# --- public ------------------------------------------------------------------------------------


@router.get("/topics", response={200: list[s.TopicOut]}, summary="Topics one may send feedback on")
def topics(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": t.code,
            "name": t.name,
            "description": t.description,
            "group": t.group,
            "is_private": t.is_private,
        }
        for t in Topic.objects.filter(on_portal=True, is_active=True)
    ]


@router.get("/public", response={200: s.PublicPage}, summary="Published answers, newest first")
def public(request: HttpRequest, params: Query[s.PublicQuery]) -> dict[str, Any]:
    page = page_of(public_answers(params.q), page=params.page, page_size=params.page_size)
    return {**page, "items": [public_out(item) for item in page["items"]]}


@router.get(
    "/public/{code}",
    response={200: s.PublicAnswerOut, 404: ErrorOut},
    summary="One published answer",
)
def public_one(request: HttpRequest, code: str) -> dict[str, Any]:
    item = public_answers().filter(code=code).first()
    if item is None:
        raise not_found()
    return public_out(item)


# --- sending -----------------------------------------------------------------------------------


@router.post(
    "/contact-codes",
    response={202: s.SentOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Send a one-time code to the phone or email of a sender without an account",
)
def send_contact_code(request: HttpRequest, payload: s.ContactIn) -> Answer:
    try:
        channel = contact.send_code(payload.contact, client=client_ip(request))
    except contact.ContactError as error:
        raise ApiError(error.message, 422) from error
    return 202, {"channel": channel, "expires_in_minutes": contact.CODE_MINUTES}


def _resolved(user: Any, payload: s.FeedbackIn, *, verified: bool) -> dict[str, Any]:
    """The body's codes as rows; an unknown code is a 422 on its field."""
    topic = Topic.objects.filter(code=payload.topic.strip(), on_portal=True).first()
    if topic is None:
        raise Problem(_("Không có chủ đề phản ánh mã %(code)s.") % {"code": payload.topic}, "topic")
    found: dict[str, Any] = {"topic": topic, "ward": None, "dossier": None, "procedure": None}
    if payload.ward.strip():
        found["ward"] = ward_by_code(payload.ward)
        if found["ward"] is None:
            raise Problem(_("Không có phường, xã mã %(code)s.") % {"code": payload.ward}, "ward")
    # Only one's own dossier: an account's, or one whose applicant phone was just verified.
    # Unverified, it is not looked up at all (the domain refuses the item anyway), so that a
    # dossier code and a phone never tell whether they belong together.
    if payload.dossier.strip() and verified:
        phone = "" if user.is_authenticated else payload.sender_phone
        found["dossier"] = dossier_for_sender(payload.dossier, user=user, phone=phone)
        if found["dossier"] is None:
            raise Problem(
                _("Không tìm thấy hồ sơ %(code)s trong các hồ sơ của bạn.")
                % {"code": payload.dossier},
                "dossier",
            )
    if payload.procedure.strip():
        found["procedure"] = Procedure.objects.filter(code=payload.procedure.strip()).first()
        if found["procedure"] is None:
            raise Problem(
                _("Không có thủ tục mã %(code)s.") % {"code": payload.procedure}, "procedure"
            )
    return found


Uploads = Sequence[NewUpload]


def _submit(user: Any, payload: s.FeedbackIn, *, verified: bool, uploads: Uploads) -> FeedbackItem:
    account = user if user.is_authenticated else None
    try:
        return services.submit_feedback(
            **_resolved(user, payload, verified=verified),
            title=payload.title,
            body=payload.body,
            channel=ItemChannel.PORTAL,
            sender=account,
            sender_name="" if account else payload.sender_name,
            sender_phone="" if account else payload.sender_phone,
            sender_email="" if account else payload.sender_email,
            contact_verified=verified,
            latitude=payload.latitude,
            longitude=payload.longitude,
            address=payload.address,
            uploads=uploads,
        )
    except services.FeedbackError as error:
        raise refused(error) from error


def _anonymous_submit(
    request: HttpRequest, payload: s.FeedbackIn, uploads: Uploads
) -> FeedbackItem:
    """The code is spent only with an item made: a refused item leaves it usable."""
    address = payload.sender_phone.strip() or payload.sender_email.strip()
    if not (payload.code.strip() and address):
        # The domain says what is missing.
        return _submit(request.user, payload, verified=False, uploads=uploads)
    with transaction.atomic():
        if contact.check_code(address, payload.code, client=client_ip(request)):
            return _submit(request.user, payload, verified=True, uploads=uploads)
    raise Problem(_("Mã xác minh không đúng hoặc đã hết hạn; hãy yêu cầu mã mới."), "code")


def _created(user: Any, item: FeedbackItem) -> Answer:
    shown = FeedbackItem.objects.select_related(*SHOWN_RELATED).get(pk=item.pk)
    return 201, {
        **item_out(user, shown, sender=True),
        "follow_key": item.follow_key,
        "follow_url": feedback_url(item.code, item.follow_key),
    }


def _send(request: HttpRequest, payload: s.FeedbackIn, key: str, uploads: Uploads) -> Answer:
    user = request.user
    try:
        if not user.is_authenticated:
            return _created(user, _anonymous_submit(request, payload, uploads))
        if is_staff_reader(user):  # type: ignore[arg-type]
            raise ApiError(_("Cán bộ ghi nhận phản ánh tại trang cán bộ, không qua API này."), 403)
        throttle.submissions().take(f"user:{user.pk}")

        def run() -> Answer:
            return _created(user, _submit(user, payload, verified=True, uploads=uploads))

        return idempotent(request, key, run)
    except Problem as problem:
        return problem.answer()


SEND_RESPONSES = {
    200: s.CreatedOut, 201: s.CreatedOut, 401: ErrorOut, 403: ErrorOut, 422: ProblemsOut,
    429: ErrorOut,
}  # fmt: skip


@router.post(
    "",
    auth=token_or_anonymous,
    openapi_extra=OPTIONAL_TOKEN,
    response=SEND_RESPONSES,
    summary="Send feedback: with a citizen's token, or a name, a phone or email and its code",
    description="With a token, a retry with the same Idempotency-Key answers what the first "
    "answered. With photos or PDFs: POST /feedback/with-files.",
)
def send(request: HttpRequest, payload: s.FeedbackIn, idempotency_key: KeyHeader = "") -> Answer:
    return _send(request, payload, idempotency_key, ())


@router.post(
    "/with-files",
    auth=token_or_anonymous,
    openapi_extra=OPTIONAL_TOKEN,
    response=SEND_RESPONSES,
    summary="Send feedback with photos or PDFs (a multipart form: the same fields, and files)",
    description="Up to 5 files (JPEG, PNG or PDF, checked by their content); a photo is turned "
    "upright and loses its metadata. No Idempotency-Key: a multipart body differs on each try.",
)
def send_with_files(
    request: HttpRequest,
    payload: Form[s.FeedbackIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Answer:
    if request.user.is_authenticated:
        throttle.uploads().take(f"user:{request.user.pk}")
    given = [NewUpload(f, f.name or "", key="files") for f in files or []]
    return _send(request, payload, "", given)


# --- following ---------------------------------------------------------------------------------


@router.get(
    "/mine",
    auth=bearer,
    response={200: s.FeedbackPage, 401: ErrorOut, 403: ErrorOut},
    summary="The items I sent or follow, newest first",
)
def mine(request: HttpRequest, params: Query[PageQuery]) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    if is_staff_reader(user):
        raise ApiError(_("Cán bộ xem phản ánh cần xử lý tại /api/v1/feedback/inbox."), 403)
    items = sent_by(user).select_related("ward", "sender", "dossier").order_by("-received_at")
    page = page_of(items, page=params.page, page_size=params.page_size)
    now = timezone.now()
    limit = soon_limit(now)
    return {**page, "items": [_mine(user, i, now, limit) for i in page["items"]]}


def _mine(user: User, item: FeedbackItem, now: datetime, limit: datetime) -> dict[str, Any]:
    summary = summary_out(item, now=now, limit=limit)
    if item.sender_id == user.pk:
        return summary
    # Followed, not sent: the title without personal data, as a follower reads it.
    return {**summary, "title": for_followers(item)["title"], "rating": ""}


def followed(request: HttpRequest, code: str, key: str) -> FeedbackItem:
    """The item if the caller may read it: its agency, its sender's account or follow key, or
    a citizen who follows it (who reads less: feedback_views.follower_out)."""
    items = FeedbackItem.objects.select_related(*SHOWN_RELATED)
    item = visible_items(request.user).select_related(*SHOWN_RELATED).filter(code=code).first()
    if item is None and key:
        item = items.filter(code=code).first()
        if item is not None and not services.sender_may(request.user, key, item):
            item = None
    if item is None:
        item = items.filter(pk__in=sent_by(request.user).values("pk"), code=code).first()
    if item is None:
        raise not_found()
    return item


def as_sender(request: HttpRequest, code: str, key: str, action: str) -> FeedbackItem:
    item = followed(request, code, key)
    if not services.sender_may(request.user, key, item):
        raise ApiError(_("Chỉ người gửi phản ánh mới làm được việc này."), 403)
    reason = rules.why_not(request.user, action, item)
    if reason is not None:
        raise ApiError(reason, 409)
    return item


SENDER_RESPONSES = {
    200: s.FeedbackOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}  # fmt: skip


@router.get(
    "/{code}",
    auth=token_or_anonymous,
    openapi_extra=OPTIONAL_TOKEN,
    response={200: s.FeedbackOut, 401: ErrorOut, 404: ErrorOut},
    summary="One item: to its sender (token or ?key=) and to the agency handling it",
)
def get_item(request: HttpRequest, code: str, params: Query[s.KeyQuery]) -> dict[str, Any]:
    item = followed(request, code, params.key)
    sender = services.sender_may(request.user, params.key, item)
    return item_out(request.user, item, sender=sender)


def _changed(request: HttpRequest, item: FeedbackItem) -> dict[str, Any]:
    shown = FeedbackItem.objects.select_related(*SHOWN_RELATED).get(pk=item.pk)
    return item_out(request.user, shown, sender=True)


@router.post(
    "/{code}/info",
    auth=token_or_anonymous,
    openapi_extra=OPTIONAL_TOKEN,
    response=SENDER_RESPONSES,
    summary="Add the information the agency asked for (the sender)",
)
def provide_info(
    request: HttpRequest, code: str, payload: s.InfoIn, params: Query[s.KeyQuery]
) -> dict[str, Any]:
    item = as_sender(request, code, params.key, "provide_info")
    by = request.user if request.user.is_authenticated else None
    try:
        services.provide_info(item=item, text=payload.text, by=by)  # type: ignore[arg-type]
    except services.FeedbackError as error:
        raise refused(error) from error
    return _changed(request, item)


@router.post(
    "/{code}/rating",
    auth=token_or_anonymous,
    openapi_extra=OPTIONAL_TOKEN,
    response=SENDER_RESPONSES,
    summary="Like or dislike the answer (the sender); a dislike may ask to reopen",
)
def rate(
    request: HttpRequest, code: str, payload: s.RatingIn, params: Query[s.KeyQuery]
) -> dict[str, Any]:
    item = as_sender(request, code, params.key, "rate")
    by = request.user if request.user.is_authenticated else None
    try:
        services.rate(item=item, rating=payload.rating, reason=payload.reason, by=by)  # type: ignore[arg-type]
    except services.FeedbackError as error:
        raise refused(error) from error
    return _changed(request, item)
