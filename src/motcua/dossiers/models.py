from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import DocumentRequirement, ProcedureVariant, ProcedureVersion
from motcua.identity.models import Agency

from .workflow import CLOCK_RUNNING, CLOSED, OPEN, Action, Status


class Channel(models.IntegerChoices):
    """KenhThucHien."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Bưu chính công ích")


# The channel's name in the API and the catalogue's exemption conditions.
CHANNEL_NAMES = {Channel.IN_PERSON: "in_person", Channel.ONLINE: "online", Channel.POST: "post"}


class ApplicantType(models.IntegerChoices):
    """LoaiDoiTuong."""

    CITIZEN = 1, _("Công dân")
    BUSINESS = 2, _("Doanh nghiệp")
    AGENCY = 3, _("Cơ quan nhà nước")
    OTHER = 4, _("Tổ chức khác")


class ResultDelivery(models.TextChoices):
    DESK = "desk", _("Nhận trực tiếp tại bộ phận một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính công ích")
    ONLINE = "online", _("Nhận bản điện tử trên cổng dịch vụ công")


class Outcome(models.TextChoices):
    NONE = "", _("Chưa có")
    APPROVED = "approved", _("Giải quyết")
    REJECTED = "rejected", _("Từ chối giải quyết")


class LateMark(models.TextChoices):
    NONE = "", _("Trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")


@models.PositiveSmallIntegerField.register_lookup
class InConstants(In):  # type: ignore[type-arg]
    """``IN`` with the integers written into the SQL. SQLite uses a partial index only when
    the query repeats the index's condition, and it does not compare bound parameters inside
    an ``IN`` list with the index's constants."""

    lookup_name = "in_constants"

    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "(" + ", ".join(str(int(value)) for value in sorted(self.rhs)) + ")", []


# The conditions of the partial indexes; queries that want those indexes use these.
CLOSED_STATUSES = sorted(int(s) for s in CLOSED)
IS_OPEN = ~Q(status__in_constants=CLOSED_STATUSES)
# Held by a unit other than the one it belongs to (a hand-over between units).
HELD_ELSEWHERE = Q(handler_agency__gt=F("agency")) | Q(handler_agency__lt=F("agency"))
CLOCK_STATUSES = sorted(int(s) for s in CLOCK_RUNNING)
CLOCK_IS_RUNNING = Q(status__in_constants=CLOCK_STATUSES)


class DossierQuerySet(models.QuerySet["Dossier"]):
    def open(self) -> DossierQuerySet:
        return self.filter(status__in=[int(s) for s in OPEN])

    def closed(self) -> DossierQuerySet:
        return self.filter(status__in=[int(s) for s in CLOSED])


class Dossier(models.Model):
    """Hồ sơ: one application, from submission to the return of its result."""

    code = models.CharField(_("mã hồ sơ"), max_length=40)
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("thủ tục"),
    )
    variant = models.ForeignKey(
        ProcedureVariant,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("trường hợp"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("cơ quan giải quyết"),
        db_index=False,  # dossier_agency_submitted starts with it
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("hồ sơ liên thông cha"),
        db_index=False,  # dossier_children: only linked children have a parent
    )
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=Status.choices)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
        verbose_name=_("tài khoản người nộp"),
        db_index=False,  # dossier_my_dossiers starts with it
    )
    applicant_type = models.PositiveSmallIntegerField(
        _("đối tượng"), choices=ApplicantType.choices, default=ApplicantType.CITIZEN
    )
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=150)
    applicant_id_number = models.CharField(_("số giấy tờ tùy thân"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    organisation_name = models.CharField(_("tổ chức, doanh nghiệp"), max_length=255, blank=True)
    organisation_tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=500, blank=True)
    data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    # Codes of the catalogue's exemptions the applicant declares (the officer checks the proof).
    exemption_claims = models.JSONField(
        _("đối tượng miễn, giảm đã kê khai"), default=list, blank=True
    )
    # The submitting account was verified through VNeID then: exemptions for verified accounts
    # are judged on the day of submission, not on what the account became later.
    applicant_verified = models.BooleanField(
        _("tài khoản đã xác thực định danh khi nộp"), default=False
    )
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=10,
        choices=ResultDelivery.choices,
        default=ResultDelivery.DESK,
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=300, blank=True)

    submitted_at = models.DateTimeField(_("nộp lúc"), default=timezone.now)
    accepted_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    counting_from = models.DateTimeField(_("tính thời hạn từ"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("ngày hẹn ban đầu"), null=True, blank=True)
    decided_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng tính thời hạn từ"), null=True, blank=True)
    supplement_deadline = models.DateTimeField(_("hạn bổ sung"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)

    # Who is accountable now: one officer, or, until someone claims it, the pool of officers
    # holding ``handler_role`` in ``handler_agency``. A check constraint keeps it to one.
    step_position = models.PositiveSmallIntegerField(_("bước hiện tại"), null=True, blank=True)
    step_started_at = models.DateTimeField(_("bắt đầu bước lúc"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        verbose_name=_("người đang xử lý"),
        db_index=False,  # dossier_inbox_mine holds the open dossiers someone handles
    )
    handler_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        verbose_name=_("đơn vị đang xử lý"),
    )
    handler_role = models.CharField(_("vai trò xử lý"), max_length=20, blank=True)

    outcome = models.CharField(
        _("kết quả giải quyết"), max_length=10, choices=Outcome.choices, blank=True
    )
    outcome_note = models.TextField(_("nội dung kết quả"), blank=True)
    late_mark = models.CharField(
        _("cảnh báo hạn"), max_length=10, choices=LateMark.choices, blank=True
    )
    postal_tracking_number = models.CharField(_("số vận đơn bưu chính"), max_length=40, blank=True)
    # The three facts behind the city's digitisation rates (Decision 766, criteria 4.1–4.3),
    # set as files are scanned, reused and results issued (digitisation.py).
    has_digitised = models.BooleanField(_("có thành phần được số hóa"), default=False)
    has_reused = models.BooleanField(_("có thành phần tái sử dụng"), default=False)
    has_e_result = models.BooleanField(_("có kết quả điện tử"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        # Each index costs every submission and every move; each one here serves a named
        # query (docs/reports.md, "Indexes"), and tests/dossiers/test_query_plans.py checks it.
        # The inbox ones hold open dossiers only and end with the inbox order (due_at, which
        # sorts NULLs last on both databases, then submitted_at), so a page is read in order.
        indexes = [
            models.Index(
                fields=["handler", "due_at", "submitted_at"],
                name="dossier_inbox_mine",
                condition=IS_OPEN & Q(handler__isnull=False),
            ),
            models.Index(
                fields=["handler_agency", "handler_role", "due_at", "submitted_at"],
                name="dossier_inbox_pool",
                condition=IS_OPEN & Q(handler__isnull=True),
            ),
            models.Index(
                fields=["handler_agency", "due_at", "submitted_at"],
                name="dossier_inbox_new",
                condition=Q(status=Status.SUBMITTED),
            ),
            models.Index(fields=["applicant", "-submitted_at"], name="dossier_my_dossiers"),
            # The ledger (sổ theo dõi) and rebuild_summary, per unit and time.
            models.Index(fields=["agency", "submitted_at"], name="dossier_agency_submitted"),
            # The "all" tab, a page at a time in the inbox order (access.visible_ranges): a
            # unit's own dossiers, open or closed, and the few it holds for another unit. The
            # id makes them cover the page's and the count's reads (index-only on PostgreSQL;
            # SQLite keeps the rowid in every index).
            models.Index(
                fields=["agency", "due_at", "submitted_at", "id"], name="dossier_all_agency"
            ),
            models.Index(
                fields=["handler_agency", "due_at", "submitted_at", "id"],
                name="dossier_all_held",
                condition=HELD_ELSEWHERE,
            ),
            # The periodic jobs: due-soon / overdue marks, refusal after a supplement deadline.
            models.Index(
                fields=["due_at"],
                name="dossier_clock_due",
                condition=CLOCK_IS_RUNNING,
            ),
            models.Index(
                fields=["supplement_deadline"],
                name="dossier_supplement_deadline",
                condition=Q(status=Status.SUPPLEMENT_REQUESTED),
            ),
            models.Index(
                fields=["parent"], name="dossier_children", condition=Q(parent__isnull=False)
            ),
        ]
        constraints = [
            # A constraint rather than unique=True: PostgreSQL then gets no second, LIKE-only
            # index on the code that no query uses.
            models.UniqueConstraint(fields=["code"], name="dossier_code_unique"),
            # An open dossier always has an accountable unit; a handler belongs to it.
            models.CheckConstraint(
                condition=Q(status__in=[int(s) for s in CLOSED]) | Q(handler_agency__isnull=False),
                name="dossier_open_has_handler_unit",
            ),
            models.CheckConstraint(
                condition=Q(handler__isnull=True) | Q(handler_agency__isnull=False),
                name="dossier_handler_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    def is_overdue(self, now: datetime | None = None) -> bool:
        if self.due_at is None or self.status in CLOSED or self.status == Status.DECIDED:
            return False
        return (now or timezone.now()) > self.due_at

    @property
    def awaits_children(self) -> bool:
        """A linked-procedure parent in processing: its children do the work; it waits."""
        return self.status == Status.PROCESSING and self.children.exists()


def _upload_path(instance: DossierFile, filename: str) -> str:
    # Never trust the uploaded name for the path: a random name keeps only a safe extension.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"dossiers/{today:%Y/%m}/{uuid.uuid4().hex}{suffix if suffix.isascii() else ''}"


class DossierFile(models.Model):
    """A file of a dossier (a component, a supplement, a result) or of a draft."""

    class Kind(models.TextChoices):
        COMPONENT = "component", _("Thành phần hồ sơ")
        SUPPLEMENT = "supplement", _("Hồ sơ bổ sung")
        RESULT = "result", _("Kết quả giải quyết")
        OTHER = "other", _("Tài liệu khác")

    class Origin(models.TextChoices):
        UPLOAD = "upload", _("Tải lên")
        SCAN = "scan", _("Số hóa tại Bộ phận một cửa")
        REUSED = "reused", _("Tái sử dụng từ kho dữ liệu")
        ISSUED = "issued", _("Do cơ quan ban hành")

    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    draft = models.ForeignKey(
        "Draft", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    requirement = models.ForeignKey(
        DocumentRequirement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("thành phần hồ sơ"),
    )
    requirement_name = models.TextField(_("tên giấy tờ"), blank=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.COMPONENT)
    file = models.FileField(_("tệp"), upload_to=_upload_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    origin = models.CharField(
        _("nguồn"), max_length=10, choices=Origin.choices, default=Origin.UPLOAD
    )
    # A reused component points at the file it was taken from (the same stored object: nothing
    # is copied) and says where that came from, for the officer: "Giấy khai sinh, mã văn bản …".
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_note = models.CharField(_("nguồn gốc"), max_length=300, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(models.Model):
    """One move of a dossier. Append-only: the history, form 04 and the KPIs read it."""

    # The largest table (several rows per dossier): only the indexes below, none per FK.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    action = models.CharField(_("thao tác"), max_length=24, choices=Action.choices)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    actor_role = models.CharField(_("vai trò"), max_length=20, blank=True)
    actor_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    from_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    to_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    step_position = models.PositiveSmallIntegerField(null=True, blank=True)
    step_name = models.CharField(max_length=500, blank=True)
    # The due time of the step this event closes (a hand-over) — early / on time / late.
    step_due_at = models.DateTimeField(null=True, blank=True)
    to_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    to_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_role = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        indexes = [
            # The timeline and form 04 of one dossier.
            models.Index(fields=["dossier", "at"], name="event_dossier_at"),
            # Which dossiers a unit has handled (the "all" tab): hand-over events only.
            models.Index(
                fields=["to_agency", "dossier"],
                name="event_to_agency",
                condition=Q(to_agency__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        return str(Action(self.action).label)


class DossierCodeSequence(models.Model):
    """The last sequence number given to an agency on one day (for ``<e-ID>-<yyMMdd>-<NNNN>``)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"


class Consultation(models.Model):
    """Xin ý kiến: the handling unit asks another unit; the dossier's handler does not change."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consultations")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("đơn vị được xin ý kiến"),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("nội dung xin ý kiến"))
    asked_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("ý kiến trả lời"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("xin ý kiến")
        verbose_name_plural = _("xin ý kiến")
        indexes = [models.Index(fields=["to_agency", "answered_at"])]

    def __str__(self) -> str:
        return self.question[:60]


class Draft(models.Model):
    """A citizen's dossier before submission: answers so far and uploaded files."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey(
        ProcedureVariant, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    exemption_claims = models.JSONField(default=list, blank=True)
    result_delivery = models.CharField(max_length=10, choices=ResultDelivery.choices, blank=True)
    delivery_address = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")

    def __str__(self) -> str:
        return f"{self.version.procedure.code} ({self.owner})"


class IdempotencyRecord(models.Model):
    """A client's Idempotency-Key and the dossier it created, so a retry never makes two.

    ``fingerprint`` is the request the key came with, when its door has one (the API: SHA-256
    of method, path and body, ``api.idempotency``), so that the same key on another request
    is refused from this row alone; blank when the door sends nothing else with the key (a
    portal draft's token, the desk's form) or the key was recorded before it was kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    # db_default too: a process still on the code before the field inserts without it.
    fingerprint = models.CharField(max_length=64, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="dossier_idempotency_unique")
        ]

    def __str__(self) -> str:
        return self.key


class DailySummary(models.Model):
    """One unit's dossiers of one procedure on one local day, counted as they move (see
    ``summary.py``), so that reports read these rows and never the dossiers."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField()
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    received_online = models.IntegerField(default=0)
    received_direct = models.IntegerField(default=0)  # in person or by post
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    supplement_requested = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    became_overdue = models.IntegerField(default=0)
    # Decision 766, 4.1–4.3: received dossiers with digitised / reused components (counted on
    # the day of receipt), electronic results issued (counted on the day of the decision).
    digitised = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    e_results = models.IntegerField(default=0)
    # Accepted minus finished that day; summed over earlier days it gives the dossiers
    # still in process (carried over) at the start of a period.
    in_process_delta = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu ngày")
        verbose_name_plural = _("số liệu ngày")
        constraints = [
            # Also the index of the reports: a unit's days, then its procedures.
            models.UniqueConstraint(
                fields=["agency", "day", "procedure"], name="daily_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.procedure_id}"


def in_hand(instance: models.Model, relation: str) -> list[Any] | None:
    """The rows of ``relation`` already loaded on ``instance`` (prefetched, or set by the
    service that just wrote them), or None when they must be read."""
    cache: dict[str, Any] = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[relation]) if relation in cache else None
