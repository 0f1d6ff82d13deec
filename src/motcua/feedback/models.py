"""Phản ánh, kiến nghị (PAKN): one feedback item, whatever door it came through (portal, hotline,
desk, an Open311 app, a dissatisfied evaluation), its history, attachments and deadlines.

Deadlines (Decision 766, criterion 5.2) are working days on the calendar in force
(core.calendar): refuse within 2, ask for more information within 5, answer within 15, publish
the answer within 2 of answering. ``due_at`` always holds the deadline of what is expected next,
so the officer's inbox sorts and marks items as it does dossiers.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.identity.models import AdministrativeUnit, Agency


class Classification(models.TextChoices):
    """How the agency classifies an item (Decision 766, 5.1)."""

    REGULATION = "regulation", _("Quy định hành chính, thủ tục hành chính")
    CONDUCT = "conduct", _("Hành vi, thái độ của cán bộ, công chức")
    OTHER = "other", _("Khác")


class ItemChannel(models.TextChoices):
    PORTAL = "portal", _("Cổng dịch vụ công")
    HOTLINE = "hotline", _("Đường dây nóng")
    DESK = "desk", _("Bộ phận một cửa")
    OPEN311 = "open311", _("Ứng dụng phản ánh hiện trường (Open311)")


class ItemStatus(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    INFO_REQUESTED = "info_requested", _("Chờ người gửi bổ sung thông tin")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    MERGED = "merged", _("Đã gộp vào phản ánh trùng")


OPEN_STATUSES = (ItemStatus.RECEIVED, ItemStatus.INFO_REQUESTED, ItemStatus.IN_PROGRESS)
CLOSED_STATUSES = (ItemStatus.ANSWERED, ItemStatus.REFUSED, ItemStatus.MERGED)


class Rating(models.TextChoices):
    LIKE = "like", _("Hài lòng với câu trả lời")
    DISLIKE = "dislike", _("Không hài lòng với câu trả lời")


class ReopenDecision(models.TextChoices):
    REOPENED = "reopened", _("Xử lý lại")
    KEPT = "kept", _("Giữ nguyên câu trả lời")


class Topic(models.Model):
    """What an item is about, as the sender chooses it: a regulation, a procedure, an officer's
    conduct, a dossier, or a city service an Open311 app reports on (street lighting,
    potholes…). ``code`` is the Open311 ``service_code``. Administrators edit the list."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    group = models.CharField(_("nhóm"), max_length=100, blank=True)
    keywords = models.CharField(_("từ khóa"), max_length=300, blank=True)
    # Where it is offered: on the portal's form, and to Open311 apps (GET services).
    on_portal = models.BooleanField(_("hiện trên cổng"), default=True)
    on_open311 = models.BooleanField(_("cung cấp qua Open311"), default=False)
    # Private subjects (neighbour disputes, officer conduct) are never published.
    is_private = models.BooleanField(
        _("không công khai"),
        default=False,
        help_text=_("Phản ánh thuộc chủ đề này và câu trả lời không bao giờ được công khai."),
    )
    # The classification the agency starts from (it may change it).
    default_classification = models.CharField(
        _("phân loại mặc định"),
        max_length=12,
        choices=Classification.choices,
        default=Classification.OTHER,
    )
    # Open311 service attributes: [{"code", "datatype", "required", "description", "order",
    # "values": [{"key", "name"}]}] (datatype as in GeoReport v2: string, number, datetime,
    # text, singlevaluelist, multivaluelist).
    attributes = models.JSONField(_("thuộc tính bổ sung"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("chủ đề phản ánh")
        verbose_name_plural = _("chủ đề phản ánh")

    def __str__(self) -> str:
        return self.name


class FeedbackItemQuerySet(models.QuerySet["FeedbackItem"]):
    def open(self) -> FeedbackItemQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def counted(self) -> FeedbackItemQuerySet:
        """The items that count in the figures: a merged duplicate counts neither as late nor
        in Decision 766 (it closes with its original)."""
        return self.exclude(status=ItemStatus.MERGED)


class FeedbackItem(models.Model):
    """One phản ánh or kiến nghị."""

    code = models.CharField(_("mã phản ánh"), max_length=30, unique=True)
    # The Open311 ``token`` of a request: resolvable to its id (GET tokens/{token}).
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=ItemChannel.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.RECEIVED
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("chủ đề"), on_delete=models.PROTECT, related_name="items"
    )
    classification = models.CharField(
        _("phân loại"), max_length=12, choices=Classification.choices, blank=True
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))

    # What it is about and who answers: the agency routed to, from the dossier, the procedure or
    # the ward (routing.py).
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan xử lý"), on_delete=models.PROTECT, related_name="feedback"
    )
    ward = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("phường, xã"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục hành chính"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    # The officer complained about (conduct), when the sender names one — never shown to them.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ bị phản ánh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Answered by the agency's leaders only: conduct complaints, and a dissatisfied evaluation
    # (the officers it may be about are the ones who handled the dossier).
    leaders_only = models.BooleanField(_("chỉ lãnh đạo xử lý"), default=False)
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("địa điểm"), max_length=300, blank=True)
    # Open311: answers to the topic's attributes, photo links given by the app, the partner.
    attributes = models.JSONField(_("thuộc tính"), default=dict, blank=True)
    media_urls = models.JSONField(_("liên kết ảnh"), default=list, blank=True)
    partner = models.ForeignKey(
        "feedback.PartnerApp",
        verbose_name=_("ứng dụng gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )

    # The sender: an account, or a name with a phone or email verified by a one-time code (or
    # noted by the hotline operator, with the caller's consent). Never public.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_sent",
    )
    sender_name = models.CharField(_("họ tên người gửi"), max_length=150, blank=True)
    sender_phone = models.CharField(_("điện thoại người gửi"), max_length=20, blank=True)
    sender_email = models.EmailField(_("thư điện tử người gửi"), blank=True)
    contact_verified = models.BooleanField(_("đã xác minh liên hệ"), default=False)
    consent = models.BooleanField(
        _("đồng ý cho ghi nhận thông tin"),
        default=False,
        help_text=_("Người gọi đường dây nóng đồng ý để ghi lại số điện thoại và nội dung."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Deadlines (working days) and the moments that meet them.
    received_at = models.DateTimeField(_("tiếp nhận lúc"), default=timezone.now)
    refuse_by = models.DateTimeField(_("hạn từ chối"))
    info_by = models.DateTimeField(_("hạn yêu cầu bổ sung thông tin"))
    answer_by = models.DateTimeField(_("hạn trả lời"))
    publish_by = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn tiếp theo"), null=True, blank=True)
    info_requested_at = models.DateTimeField(null=True, blank=True)
    info_provided_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_handled",
    )
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    info_request = models.TextField(_("nội dung yêu cầu bổ sung"), blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    # Was any of it late, as judged when it happened (5.2); kept so the figures never change.
    was_late = models.BooleanField(_("quá hạn"), default=False)

    # Publication: the public text is written with personal data removed (privacy.py).
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    public_title = models.CharField(_("tiêu đề công khai"), max_length=200, blank=True)
    public_question = models.TextField(_("nội dung công khai"), blank=True)
    public_answer = models.TextField(_("câu trả lời công khai"), blank=True)
    # The public text without diacritics, for search (ADR 0004).
    public_folded = models.TextField(editable=False, blank=True, default="")

    # The sender's judgement of the answer, and a reopen request it may become.
    rating = models.CharField(_("đánh giá"), max_length=8, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reopen_requested_at = models.DateTimeField(_("đề nghị xử lý lại lúc"), null=True, blank=True)
    reopen_reason = models.TextField(_("lý do đề nghị xử lý lại"), blank=True)
    reopen_decision = models.CharField(
        _("quyết định về đề nghị xử lý lại"),
        max_length=10,
        choices=ReopenDecision.choices,
        blank=True,
    )
    reopen_decided_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("số lần xử lý lại"), default=0)

    # Repeated (same sender, same subject, already answered) and merged duplicates.
    repeated_of = models.ForeignKey(
        "self",
        verbose_name=_("lặp lại phản ánh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("gộp vào"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("người theo dõi"), blank=True, related_name="+"
    )
    # An unguessable key the sender without an account follows the item with.
    follow_key = models.CharField(max_length=43, default="", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedbackItemQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [
            # The agency's inbox: open items by their next deadline.
            models.Index(
                fields=["agency", "due_at"],
                name="feedback_inbox",
                condition=Q(status__in=["received", "info_requested", "in_progress"]),
            ),
            models.Index(fields=["agency", "received_at"], name="feedback_agency_received"),
            models.Index(
                fields=["-published_at"],
                name="feedback_published",
                condition=Q(published_at__isnull=False),
            ),
            models.Index(fields=["ward", "topic", "status"], name="feedback_nearby"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @staticmethod
    def new_follow_key() -> str:
        return secrets.token_urlsafe(32)


class FeedbackEvent(models.Model):
    """One thing that happened to an item: its history, shown to the agency (and, without
    officers' names, to the sender)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Gửi phản ánh")
        RECORD_CALL = "record_call", _("Ghi nhận cuộc gọi")
        CLASSIFY = "classify", _("Phân loại")
        TRANSFER = "transfer", _("Chuyển cơ quan xử lý")
        ASSIGN = "assign", _("Giao xử lý")
        REFUSE = "refuse", _("Từ chối tiếp nhận")
        REQUEST_INFO = "request_info", _("Yêu cầu bổ sung thông tin")
        PROVIDE_INFO = "provide_info", _("Bổ sung thông tin")
        ANSWER = "answer", _("Trả lời")
        PUBLISH = "publish", _("Công khai câu trả lời")
        RATE = "rate", _("Đánh giá câu trả lời")
        REQUEST_REOPEN = "request_reopen", _("Đề nghị xử lý lại")
        DECIDE_REOPEN = "decide_reopen", _("Quyết định về đề nghị xử lý lại")
        MERGE = "merge", _("Gộp vào phản ánh trùng")
        FOLLOW = "follow", _("Theo dõi")

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=16, choices=Action.choices)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # Shown to the sender (False for internal notes and officers' names).
    public = models.BooleanField(default=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("diễn biến phản ánh")
        verbose_name_plural = _("diễn biến phản ánh")

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance: FeedbackAttachment, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"feedback/{today:%Y/%m}/{uuid.uuid4().hex}{suffix if suffix.isascii() else ''}"


class FeedbackAttachment(models.Model):
    """A photo or PDF sent with an item (or an answer), checked as dossier uploads are; a photo
    is turned upright and stored without its metadata (location, device)."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # From the agency with its answer (True) or from the sender (False).
    from_agency = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tệp đính kèm phản ánh")
        verbose_name_plural = _("tệp đính kèm phản ánh")

    def __str__(self) -> str:
        return self.original_name


class FeedbackCodeSequence(models.Model):
    """The last number given on one day (codes ``PA-<yyMMdd>-<NNNN>``)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class ContactCode(models.Model):
    """A 6-digit code sent to a phone or email an anonymous sender gives; only a keyed hash is
    kept; 10 minutes, 5 tries, one use."""

    address = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["address", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.address} — {self.created_at:%d/%m/%Y %H:%M}"


class PartnerApp(models.Model):
    """An Open311 client (a reporting app) with its ``api_key``; only a hash of the key is kept,
    the key itself is shown once, when an administrator issues it."""

    name = models.CharField(_("tên ứng dụng"), max_length=150)
    contact = models.CharField(_("liên hệ"), max_length=200, blank=True)
    key_prefix = models.CharField(_("đầu khóa"), max_length=8, editable=False, default="")
    key_hash = models.CharField(max_length=128, editable=False, default="")
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ứng dụng Open311")
        verbose_name_plural = _("ứng dụng Open311")

    def __str__(self) -> str:
        return self.name


class WardPoint(models.Model):
    """A ward's reference point: a report given only by position goes to the nearest one."""

    ward = models.OneToOneField(
        AdministrativeUnit,
        verbose_name=_("phường, xã"),
        on_delete=models.CASCADE,
        related_name="reference_point",
    )
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("điểm tham chiếu phường, xã")
        verbose_name_plural = _("điểm tham chiếu phường, xã")

    def __str__(self) -> str:
        return f"{self.ward} ({self.latitude}, {self.longitude})"
