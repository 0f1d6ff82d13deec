"""Every change of a feedback item is one of these services: each checks the rule table
(rules.py), changes the item under a row lock, appends a FeedbackEvent and queues the messages
in the same transaction (the outbox), so a failure leaves nothing half done.

Deadlines, in working days on the calendar in force (docs/feedback.md, "Deadlines"):
refuse within 2, ask for more information within 5, answer within 15 — counted from receipt, and
for the answer from the day the information asked for arrives — and publish within 2 of the
answer. Whether a step was late is judged when it happens and kept (``was_late``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.calendar import working_calendar
from motcua.core.outbox import enqueue
from motcua.core.public_urls import feedback_url
from motcua.core.text import fold
from motcua.dossiers.codes import next_in_sequence
from motcua.dossiers.files import (
    NewUpload,
    StoredUploads,
    UploadError,
    checked_content,
    safe_name,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.notify import notify_officers
from motcua.identity.models import AdministrativeUnit, Agency, User
from motcua.identity.validators import normalise_phone

from . import rules
from .models import (
    Classification,
    FeedbackAttachment,
    FeedbackCodeSequence,
    FeedbackEvent,
    FeedbackItem,
    ItemChannel,
    ItemStatus,
    PartnerApp,
    Rating,
    ReopenDecision,
    Topic,
)
from .routing import RoutingError, place

REFUSE_DAYS = 2
INFO_DAYS = 5
ANSWER_DAYS = 15
PUBLISH_DAYS = 2
MAX_ATTACHMENTS = 5
Action = FeedbackEvent.Action


class FeedbackError(ValueError):
    """A change refused; ``message`` is for the person, ``field`` names the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def reopen_window_days() -> int:
    """How long after the answer a dislike still becomes a reopen request."""
    return int(settings.FEEDBACK_REOPEN_DAYS)


def add_days(start: datetime, days: int) -> datetime:
    return working_calendar().add_working_days(start, days)


# --- attachments ------------------------------------------------------------------------------


def _attach(
    item: FeedbackItem,
    uploads: Sequence[NewUpload],
    stored: StoredUploads,
    *,
    from_agency: bool,
) -> None:
    """Check and store the files of one change; ``stored`` deletes them again if it fails.
    Photos are turned upright and lose their metadata (they may be published)."""
    if item.attachments.count() + len(uploads) > MAX_ATTACHMENTS:
        raise FeedbackError(
            _("Mỗi phản ánh có tối đa %(n)s tệp đính kèm.") % {"n": MAX_ATTACHMENTS}, "files"
        )
    for upload in uploads:
        try:
            content, content_type, suffix = checked_content(
                upload.stream, upload.name, clean_photos=True
            )
        except UploadError as error:
            raise FeedbackError(error.message, upload.key) from error
        record = FeedbackAttachment(
            item=item,
            original_name=safe_name(upload.name),
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            from_agency=from_agency,
        )
        record.file.save(f"tep{suffix}", ContentFile(content), save=False)
        stored.other_files.append(record.file)
        record.save()


# --- events and messages ----------------------------------------------------------------------


def _event(
    item: FeedbackItem,
    action: str,
    *,
    actor: User | None,
    at: datetime,
    before: str = "",
    note: str = "",
    public: bool = True,
    details: dict[str, Any] | None = None,
) -> FeedbackEvent:
    return FeedbackEvent.objects.create(
        item=item,
        action=action,
        at=at,
        actor=actor,
        actor_name=(str(actor) if actor is not None else "")[:150],
        from_status=before,
        to_status=item.status,
        note=note,
        public=public,
        details=details or {},
    )


def _tell_sender(item: FeedbackItem, event: FeedbackEvent, subject: str, text: str) -> None:
    """Email and SMS to the sender, with the link to follow the item."""
    link = feedback_url(item.code, item.follow_key)
    body = f"{text}\n\n{_('Theo dõi phản ánh: %(url)s') % {'url': link}}"
    email = item.sender_email or (item.sender.email if item.sender else "")
    phone = item.sender_phone or (item.sender.phone if item.sender else "")
    key = f"feedback:{event.pk}"
    if email:
        enqueue(
            channel="email",
            recipient=email,
            payload={"subject": subject, "body": body},
            key=f"{key}:email",
        )
    if phone:
        enqueue(
            channel="sms", recipient=phone, payload={"text": f"{text} {link}"}, key=f"{key}:sms"
        )


def _tell_followers(item: FeedbackItem, event: FeedbackEvent) -> None:
    """People who chose to follow the item instead of sending a duplicate."""
    link = feedback_url(item.code)
    for user in item.followers.exclude(pk=item.sender_id or 0).exclude(email=""):
        enqueue(
            channel="email",
            recipient=user.email,
            payload={
                "subject": _("Phản ánh %(code)s đã được trả lời") % {"code": item.code},
                "body": f"{item.title}\n\n{link}",
            },
            key=f"feedback:{event.pk}:follower:{user.pk}",
        )


def handlers_of(agency: Agency, roles: Iterable[str] = rules.HANDLERS) -> list[User]:
    return list(
        User.objects.filter(is_active=True, roles__role__in=list(roles), roles__agency=agency)
        .distinct()
        .order_by("full_name", "username")
    )


def _tell_agency(
    item: FeedbackItem, event: FeedbackEvent, subject: str, *, leaders: bool = False
) -> None:
    roles = rules.LEADERS if leaders else rules.HANDLERS
    with translation.override(settings.LANGUAGE_CODE):
        body = _("Phản ánh %(code)s: %(title)s. Hạn trả lời: %(due)s.") % {
            "code": item.code,
            "title": item.title,
            "due": timezone.localtime(item.answer_by).strftime("%H:%M %d/%m/%Y"),
        }
    notify_officers(
        handlers_of(item.agency, roles), subject=subject, body=body, key=f"feedback:{event.pk}"
    )


def _locked(item: FeedbackItem) -> FeedbackItem:
    return (
        FeedbackItem.objects.select_for_update().select_related("topic", "agency").get(pk=item.pk)
    )


def _require(user: Any, action: str, item: FeedbackItem) -> None:
    reason = rules.why_not(user, action, item)
    if reason is not None:
        raise FeedbackError(reason)


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _set_due(item: FeedbackItem) -> None:
    """The deadline of what is expected next (the inbox sorts and marks by it)."""
    if item.status in (ItemStatus.RECEIVED, ItemStatus.IN_PROGRESS):
        item.due_at = item.answer_by
    elif item.status == ItemStatus.ANSWERED and item.publish_by and not item.published_at:
        item.due_at = item.publish_by if not item.topic.is_private else None
    else:
        item.due_at = None


# --- submission -------------------------------------------------------------------------------


def _coordinate(value: Any, low: int, high: int, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or not low <= number <= high:
        raise FeedbackError(_("Tọa độ không hợp lệ."), field)
    return number.quantize(Decimal("0.000001"))


def _text(value: str, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise FeedbackError(_("Hãy nhập %(label)s.") % {"label": label}, field)
    if len(value) > limit:
        raise FeedbackError(
            _("%(label)s dài quá %(n)s ký tự.") % {"label": label.capitalize(), "n": limit},
            field,
        )
    return value


def _previous_answered(item: FeedbackItem) -> FeedbackItem | None:
    """An earlier item from the same sender on the same subject that was already answered."""
    same_sender = Q(pk__in=[])
    if item.sender_id:
        same_sender |= Q(sender_id=item.sender_id)
    if item.sender_phone:
        same_sender |= Q(sender_phone=item.sender_phone)
    if item.sender_email:
        same_sender |= Q(sender_email__iexact=item.sender_email)
    same_subject = Q(dossier=item.dossier) if item.dossier_id else Q(ward=item.ward)
    return (
        FeedbackItem.objects.filter(
            same_sender, same_subject, topic=item.topic, status=ItemStatus.ANSWERED
        )
        .exclude(pk=item.pk)
        .order_by("-answered_at")
        .first()
    )


def submit_feedback(
    *,
    topic: Topic,
    title: str,
    body: str,
    channel: str,
    sender: User | None = None,
    sender_name: str = "",
    sender_phone: str = "",
    sender_email: str = "",
    contact_verified: bool = False,
    dossier: Dossier | None = None,
    procedure: Procedure | None = None,
    ward: AdministrativeUnit | None = None,
    latitude: Any = None,
    longitude: Any = None,
    address: str = "",
    attributes: dict[str, Any] | None = None,
    media_urls: Sequence[str] = (),
    uploads: Sequence[NewUpload] = (),
    partner: PartnerApp | None = None,
    recorded_by: User | None = None,
    consent: bool = False,
    officer: User | None = None,
    leaders_only: bool = False,
    at: datetime | None = None,
) -> FeedbackItem:
    """Receive one item from any door; FeedbackError names what to correct."""
    at = _now(at)
    if not topic.is_active:
        raise FeedbackError(_("Chủ đề này không còn nhận phản ánh."), "topic")
    title = _text(title, "title", _("tiêu đề"), 200)
    body = _text(body, "body", _("nội dung"), 5000)
    sender_phone = normalise_phone(sender_phone) or sender_phone.strip()
    if channel == ItemChannel.HOTLINE:
        if recorded_by is None or not rules.is_operator(recorded_by):
            raise FeedbackError(_("Chỉ điện thoại viên đường dây nóng được ghi nhận cuộc gọi."))
        if not consent:
            raise FeedbackError(
                _("Hãy hỏi và ghi nhận sự đồng ý của người gọi trước khi lưu thông tin."),
                "consent",
            )
    elif channel in (ItemChannel.PORTAL, ItemChannel.DESK) and sender is None:
        if not sender_name.strip():
            raise FeedbackError(_("Hãy nhập họ và tên người gửi."), "sender_name")
        if not (sender_phone or sender_email):
            raise FeedbackError(
                _("Hãy nhập số điện thoại hoặc thư điện tử để nhận trả lời."), "contact"
            )
        if channel == ItemChannel.PORTAL and not contact_verified:
            raise FeedbackError(
                _("Hãy xác minh số điện thoại hoặc thư điện tử bằng mã đã gửi."), "code"
            )
    if sender_phone and not normalise_phone(sender_phone):
        raise FeedbackError(_("Số điện thoại không hợp lệ."), "sender_phone")
    lat = _coordinate(latitude, -90, 90, "latitude")
    lon = _coordinate(longitude, -180, 180, "longitude")
    if (lat is None) != (lon is None):
        raise FeedbackError(_("Hãy cho cả vĩ độ và kinh độ."), "latitude")
    try:
        ward, agency = place(
            ward=ward, latitude=lat, longitude=lon, dossier=dossier, procedure=procedure
        )
    except RoutingError as error:
        raise FeedbackError(error.message, "ward") from error
    refuse_by, info_by, answer_by = (add_days(at, n) for n in (REFUSE_DAYS, INFO_DAYS, ANSWER_DAYS))
    with StoredUploads() as stored, transaction.atomic():
        number = next_in_sequence(FeedbackCodeSequence, day=timezone.localdate(at))
        item = FeedbackItem(
            code=f"PA-{timezone.localdate(at):%y%m%d}-{number:04d}",
            channel=channel,
            topic=topic,
            classification="",
            title=title,
            body=body,
            agency=agency,
            ward=ward,
            dossier=dossier,
            procedure=procedure or (dossier.version.procedure if dossier else None),
            officer=officer,
            leaders_only=leaders_only,
            latitude=lat,
            longitude=lon,
            address=address.strip()[:300],
            attributes=attributes or {},
            media_urls=list(media_urls),
            partner=partner,
            sender=sender,
            sender_name=(sender_name.strip() or (sender.full_name if sender else ""))[:150],
            sender_phone=sender_phone[:20],
            sender_email=sender_email.strip()[:254],
            contact_verified=contact_verified or sender is not None,
            consent=consent or channel != ItemChannel.HOTLINE,
            recorded_by=recorded_by,
            received_at=at,
            refuse_by=refuse_by,
            info_by=info_by,
            answer_by=answer_by,
            due_at=answer_by,
            follow_key=FeedbackItem.new_follow_key(),
        )
        item.save()
        item.repeated_of = _previous_answered(item)
        if item.repeated_of is not None:
            item.save(update_fields=["repeated_of"])
        _attach(item, uploads, stored, from_agency=False)
        if sender is not None:
            item.followers.add(sender)
        action = Action.RECORD_CALL if channel == ItemChannel.HOTLINE else Action.SUBMIT
        event = _event(
            item, action, actor=recorded_by or sender, at=at, details={"channel": channel}
        )
        _tell_agency(item, event, _("[Phản ánh mới] %(code)s") % {"code": item.code})
        _tell_sender(
            item,
            event,
            _("Đã tiếp nhận phản ánh %(code)s") % {"code": item.code},
            _("%(agency)s đã tiếp nhận phản ánh %(code)s; hạn trả lời %(due)s.")
            % {
                "agency": agency.name,
                "code": item.code,
                "due": timezone.localtime(answer_by).strftime("%d/%m/%Y"),
            },
        )
    return item


def record_call(
    *,
    operator: User,
    topic: Topic,
    caller_phone: str,
    caller_name: str = "",
    summary: str,
    title: str = "",
    consent: bool,
    ward: AdministrativeUnit | None = None,
    dossier: Dossier | None = None,
    procedure: Procedure | None = None,
    address: str = "",
    at: datetime | None = None,
) -> FeedbackItem:
    """A hotline call, recorded by the operator as an item of channel "hotline"."""
    return submit_feedback(
        topic=topic,
        title=title or summary[:120],
        body=summary,
        channel=ItemChannel.HOTLINE,
        sender_name=caller_name,
        sender_phone=caller_phone,
        dossier=dossier,
        procedure=procedure,
        ward=ward,
        address=address,
        recorded_by=operator,
        consent=consent,
        at=at,
    )


def open_from_evaluation(
    *, dossier: Dossier, comment: str, channel: str = ItemChannel.PORTAL, at: datetime | None = None
) -> FeedbackItem:
    """A "không hài lòng" evaluation becomes an item about the dossier, for its agency's
    leaders to answer (surveys calls this)."""
    at = _now(at)
    topic = (
        Topic.objects.filter(code=DOSSIER_TOPIC).first()
        or Topic.objects.get_or_create(
            code=DOSSIER_TOPIC, defaults={"name": _("Hồ sơ thủ tục hành chính cụ thể")}
        )[0]
    )
    text = comment.strip() or _("Người nộp không hài lòng với việc giải quyết hồ sơ.")
    item = submit_feedback(
        topic=topic,
        title=_("Không hài lòng với hồ sơ %(code)s") % {"code": dossier.code},
        body=text,
        channel=channel if channel in ItemChannel.values else ItemChannel.PORTAL,
        sender=dossier.applicant,
        sender_name=dossier.applicant_name,
        sender_phone=dossier.applicant_phone if dossier.applicant is None else "",
        sender_email=dossier.applicant_email if dossier.applicant is None else "",
        contact_verified=True,  # the dossier's own contact, known to the agency
        dossier=dossier,
        leaders_only=True,
        at=at,
    )
    event = item.events.order_by("-pk").first()
    assert event is not None
    _tell_agency(
        item, event, _("[Không hài lòng] Hồ sơ %(code)s") % {"code": dossier.code}, leaders=True
    )
    return item


DOSSIER_TOPIC = "ho-so"


# --- the agency's actions ---------------------------------------------------------------------


def classify(
    *, item: FeedbackItem, officer: User, classification: str, at: datetime | None = None
) -> FeedbackItem:
    if classification not in Classification.values:
        raise FeedbackError(_("Hãy chọn một phân loại."), "classification")
    with transaction.atomic():
        item = _locked(item)
        _require(officer, "classify", item)
        before = item.status
        item.classification = classification
        if item.status == ItemStatus.RECEIVED:
            item.status = ItemStatus.IN_PROGRESS
        item.handler = item.handler or officer
        _set_due(item)
        item.save()
        _event(
            item,
            Action.CLASSIFY,
            actor=officer,
            at=_now(at),
            before=before,
            note=str(Classification(classification).label),
            public=False,
        )
    return item


def transfer(
    *, item: FeedbackItem, officer: User, agency: Agency, note: str, at: datetime | None = None
) -> FeedbackItem:
    """Send to the agency that is responsible (the deadlines keep running)."""
    note = _text(note, "note", _("lý do chuyển"), 2000)
    with transaction.atomic():
        item = _locked(item)
        _require(officer, "transfer", item)
        if agency.pk == item.agency_id:
            raise FeedbackError(_("Phản ánh đang ở cơ quan này."), "agency")
        before, item.agency, item.handler = item.status, agency, None
        item.save()
        event = _event(
            item,
            Action.TRANSFER,
            actor=officer,
            at=_now(at),
            before=before,
            note=note,
            details={"to": agency.electronic_id},
        )
        _tell_agency(item, event, _("[Phản ánh chuyển đến] %(code)s") % {"code": item.code})
    return item


def refuse(
    *, item: FeedbackItem, officer: User, reason: str, at: datetime | None = None
) -> FeedbackItem:
    """Not received (out of scope, anonymous abuse, already being handled elsewhere…), with the
    reason the sender reads; due within 2 working days of receipt."""
    at = _now(at)
    reason = _text(reason, "reason", _("lý do từ chối"), 2000)
    with transaction.atomic():
        item = _locked(item)
        _require(officer, "refuse", item)
        before = item.status
        item.status, item.refusal_reason, item.closed_at = ItemStatus.REFUSED, reason, at
        item.was_late = item.was_late or at > item.refuse_by
        item.handler = item.handler or officer
        _set_due(item)
        item.save()
        event = _event(item, Action.REFUSE, actor=officer, at=at, before=before, note=reason)
        _close_duplicates(item, officer, at)
        _tell_sender(
            item,
            event,
            _("Phản ánh %(code)s không được tiếp nhận") % {"code": item.code},
            _("Phản ánh %(code)s không được tiếp nhận: %(reason)s")
            % {"code": item.code, "reason": reason},
        )
    return item


def request_info(
    *, item: FeedbackItem, officer: User, request: str, at: datetime | None = None
) -> FeedbackItem:
    """Ask the sender for more; due within 5 working days of receipt. The answer deadline
    counts again from the day the information arrives."""
    at = _now(at)
    request = _text(request, "request", _("nội dung cần bổ sung"), 2000)
    with transaction.atomic():
        item = _locked(item)
        _require(officer, "request_info", item)
        before = item.status
        item.status, item.info_request, item.info_requested_at = (
            ItemStatus.INFO_REQUESTED,
            request,
            at,
        )
        item.was_late = item.was_late or at > item.info_by
        item.handler = item.handler or officer
        _set_due(item)
        item.save()
        event = _event(item, Action.REQUEST_INFO, actor=officer, at=at, before=before, note=request)
        _tell_sender(
            item,
            event,
            _("Phản ánh %(code)s cần bổ sung thông tin") % {"code": item.code},
            _("Để xử lý phản ánh %(code)s, cơ quan đề nghị bổ sung: %(request)s")
            % {"code": item.code, "request": request},
        )
    return item


def provide_info(
    *,
    item: FeedbackItem,
    text: str,
    uploads: Sequence[NewUpload] = (),
    by: User | None = None,
    at: datetime | None = None,
) -> FeedbackItem:
    """The sender's addition (checked by the caller to be the sender)."""
    at = _now(at)
    text = _text(text, "text", _("nội dung bổ sung"), 5000)
    with StoredUploads() as stored, transaction.atomic():
        item = _locked(item)
        _require(by, "provide_info", item)
        before = item.status
        item.status, item.info_provided_at = ItemStatus.IN_PROGRESS, at
        item.answer_by = add_days(at, ANSWER_DAYS)
        _set_due(item)
        item.save()
        _attach(item, uploads, stored, from_agency=False)
        event = _event(item, Action.PROVIDE_INFO, actor=by, at=at, before=before, note=text)
        _tell_agency(item, event, _("[Đã bổ sung] Phản ánh %(code)s") % {"code": item.code})
    return item


def answer(
    *,
    item: FeedbackItem,
    officer: User,
    text: str,
    uploads: Sequence[NewUpload] = (),
    at: datetime | None = None,
) -> FeedbackItem:
    """The agency's answer; due within 15 working days. Publication is due 2 working days
    later (publish())."""
    at = _now(at)
    text = _text(text, "answer", _("nội dung trả lời"), 10000)
    with StoredUploads() as stored, transaction.atomic():
        item = _locked(item)
        _require(officer, "answer", item)
        before = item.status
        item.status, item.answer, item.answered_at, item.closed_at = (
            ItemStatus.ANSWERED,
            text,
            at,
            at,
        )
        if not item.classification:
            item.classification = item.topic.default_classification
        item.was_late = item.was_late or at > item.answer_by
        item.publish_by = add_days(at, PUBLISH_DAYS)
        item.handler = item.handler or officer
        item.rating, item.rated_at = "", None
        if item.reopen_decision == ReopenDecision.REOPENED:
            item.reopen_requested_at, item.reopen_decision = None, ""
        _set_due(item)
        item.save()
        _attach(item, uploads, stored, from_agency=True)
        event = _event(item, Action.ANSWER, actor=officer, at=at, before=before, note=text)
        _close_duplicates(item, officer, at)
        _tell_followers(item, event)
        _tell_sender(
            item,
            event,
            _("Phản ánh %(code)s đã được trả lời") % {"code": item.code},
            _("Phản ánh %(code)s đã được trả lời. Mời bạn xem và đánh giá câu trả lời.")
            % {"code": item.code},
        )
    return item


def publish(
    *,
    item: FeedbackItem,
    officer: User,
    public_title: str,
    public_question: str,
    public_answer: str,
    at: datetime | None = None,
) -> FeedbackItem:
    """Publish the answer on the portal, in the officer's wording without personal data
    (privacy.public_draft proposes it); never for a private topic."""
    at = _now(at)
    public_title = _text(public_title, "public_title", _("tiêu đề công khai"), 200)
    public_question = _text(public_question, "public_question", _("nội dung công khai"), 5000)
    public_answer = _text(public_answer, "public_answer", _("câu trả lời công khai"), 10000)
    with transaction.atomic():
        item = _locked(item)
        _require(officer, "publish", item)
        item.public_title, item.public_question, item.public_answer = (
            public_title,
            public_question,
            public_answer,
        )
        item.published_at = at
        item.public_folded = fold(f"{public_title} {public_question} {public_answer}")
        item.was_late = item.was_late or (item.publish_by is not None and at > item.publish_by)
        _set_due(item)
        item.save()
        _event(item, Action.PUBLISH, actor=officer, at=at, before=item.status)
    return item


def merge(
    *, item: FeedbackItem, original: FeedbackItem, officer: User, at: datetime | None = None
) -> FeedbackItem:
    """A duplicate closes with its original and counts neither as late nor in the figures."""
    at = _now(at)
    if original.pk == item.pk or original.merged_into_id is not None:
        raise FeedbackError(_("Hãy chọn phản ánh gốc khác (chưa bị gộp)."), "original")
    with transaction.atomic():
        item = _locked(item)
        _require(officer, "merge", item)
        if original.agency_id != item.agency_id and not rules.is_handler(officer, original):
            raise FeedbackError(_("Chỉ gộp được vào phản ánh của cơ quan mình."), "original")
        before = item.status
        item.merged_into, item.status = original, ItemStatus.MERGED
        item.closed_at, item.was_late = at, False
        _set_due(item)
        item.save()
        original.followers.add(*item.followers.all())
        event = _event(
            item,
            Action.MERGE,
            actor=officer,
            at=at,
            before=before,
            note=_("Gộp vào phản ánh %(code)s") % {"code": original.code},
            details={"original": original.code},
        )
        _tell_sender(
            item,
            event,
            _("Phản ánh %(code)s được gộp") % {"code": item.code},
            _("Phản ánh %(code)s trùng với phản ánh %(original)s và được xử lý cùng phản ánh đó.")
            % {"code": item.code, "original": original.code},
        )
        if not original.is_open:  # merged into an item already concluded: ends with it now
            _close_duplicates(original, officer, at)
    return item


def _close_duplicates(original: FeedbackItem, officer: User, at: datetime) -> None:
    """Items merged into ``original`` end with it (the sender of each is told)."""
    for duplicate in original.duplicates.filter(status=ItemStatus.MERGED, answered_at=None):
        duplicate.answer = original.answer
        duplicate.answered_at = duplicate.answered_at or at
        duplicate.save(update_fields=["answer", "answered_at", "updated_at"])
        event = _event(
            duplicate,
            Action.ANSWER,
            actor=officer,
            at=at,
            before=duplicate.status,
            note=original.answer or original.refusal_reason,
            details={"original": original.code},
        )
        _tell_sender(
            duplicate,
            event,
            _("Phản ánh %(code)s đã có kết quả") % {"code": duplicate.code},
            _("Phản ánh %(original)s, mà phản ánh %(code)s của bạn được gộp vào, đã có kết quả.")
            % {"code": duplicate.code, "original": original.code},
        )


# --- the sender's actions ---------------------------------------------------------------------


def sender_may(user: Any, key: str, item: FeedbackItem) -> bool:
    """The sender: their account, or the follow key from their messages."""
    from django.utils.crypto import constant_time_compare

    if rules.is_sender(user, item):
        return True
    return bool(key and item.follow_key and constant_time_compare(key, item.follow_key))


def rate(
    *,
    item: FeedbackItem,
    rating: str,
    by: User | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> FeedbackItem:
    """Like or dislike the answer. A dislike within the window (FEEDBACK_REOPEN_DAYS, 5 by
    default) becomes a reopen request the agency's leaders triage — never a silent reopen."""
    at = _now(at)
    if rating not in Rating.values:
        raise FeedbackError(_("Hãy chọn hài lòng hoặc không hài lòng."), "rating")
    with transaction.atomic():
        item = _locked(item)
        _require(by, "rate", item)
        item.rating, item.rated_at = rating, at
        asks_reopen = (
            rating == Rating.DISLIKE
            and item.answered_at is not None
            and at <= item.answered_at + timedelta(days=reopen_window_days())
            and item.reopen_requested_at is None
        )
        if asks_reopen:
            item.reopen_requested_at, item.reopen_reason = at, reason.strip()[:2000]
        item.save()
        event = _event(
            item,
            Action.RATE,
            actor=by,
            at=at,
            before=item.status,
            note=reason.strip()[:2000],
            details={"rating": rating},
        )
        if asks_reopen:
            _event(
                item,
                Action.REQUEST_REOPEN,
                actor=by,
                at=at,
                before=item.status,
                note=reason.strip()[:2000],
            )
            _tell_agency(
                item,
                event,
                _("[Đề nghị xử lý lại] Phản ánh %(code)s") % {"code": item.code},
                leaders=True,
            )
    return item


def decide_reopen(
    *, item: FeedbackItem, leader: User, reopen: bool, note: str, at: datetime | None = None
) -> FeedbackItem:
    """The leader's triage of a reopen request: handle again (a new 15-working-day answer
    deadline) or keep the answer, with the reason the sender reads."""
    at = _now(at)
    note = _text(note, "note", _("ý kiến của lãnh đạo"), 2000)
    with transaction.atomic():
        item = _locked(item)
        _require(leader, "decide_reopen", item)
        before = item.status
        item.reopen_decision = ReopenDecision.REOPENED if reopen else ReopenDecision.KEPT
        item.reopen_decided_at = at
        if reopen:
            item.status, item.closed_at = ItemStatus.IN_PROGRESS, None
            item.answer_by = add_days(at, ANSWER_DAYS)
            item.reopen_count += 1
        _set_due(item)
        item.save()
        event = _event(
            item,
            Action.DECIDE_REOPEN,
            actor=leader,
            at=at,
            before=before,
            note=note,
            details={"decision": item.reopen_decision},
        )
        text = (
            _("Phản ánh %(code)s sẽ được xem xét, trả lời lại: %(note)s")
            if reopen
            else _("Cơ quan giữ nguyên câu trả lời phản ánh %(code)s: %(note)s")
        ) % {"code": item.code, "note": note}
        _tell_sender(
            item, event, _("Về đề nghị xử lý lại phản ánh %(code)s") % {"code": item.code}, text
        )
    return item


def follow(*, item: FeedbackItem, user: User) -> None:
    """Follow an open item instead of sending a duplicate (told of its answer)."""
    if not getattr(user, "is_authenticated", False):
        raise FeedbackError(_("Hãy đăng nhập để theo dõi phản ánh."))
    item.followers.add(user)
    _event(item, Action.FOLLOW, actor=user, at=timezone.now(), before=item.status, public=False)
