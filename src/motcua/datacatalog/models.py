"""The city's data catalogue (danh mục cơ sở dữ liệu).

A version is an immutable snapshot: its Database rows and their DatabaseField rows are written
once, when the city approves it, and never changed (services.approve_version). Agencies propose
changes as Proposal rows whose content is the whole proposed database (``content``, read by
specs.DatabaseSpec); a proposal's history is its ProposalEvent rows, never edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.identity.models import Agency


class SharingLevel(models.TextChoices):
    OPEN = "open", _("Mở (công khai)")
    SHARED = "shared", _("Chia sẻ giữa các cơ quan")
    RESTRICTED = "restricted", _("Hạn chế")


# From the most open to the most closed: a field may not be more open than its database.
OPENNESS = {SharingLevel.OPEN: 0, SharingLevel.SHARED: 1, SharingLevel.RESTRICTED: 2}


class Frequency(models.TextChoices):
    CONTINUOUS = "continuous", _("Liên tục")
    DAILY = "daily", _("Hằng ngày")
    WEEKLY = "weekly", _("Hằng tuần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    BIANNUAL = "biannual", _("Sáu tháng một lần")
    ANNUAL = "annual", _("Hằng năm")
    IRREGULAR = "irregular", _("Khi có thay đổi")


class FieldType(models.TextChoices):
    STRING = "string", _("Chuỗi ký tự")
    INTEGER = "integer", _("Số nguyên")
    NUMBER = "number", _("Số thập phân")
    DATE = "date", _("Ngày")
    DATETIME = "datetime", _("Ngày giờ")
    BOOLEAN = "boolean", _("Có/Không")
    CODE = "code", _("Mã theo danh mục")
    DOCUMENT = "document", _("Tệp tài liệu")
    GEOMETRY = "geometry", _("Dữ liệu không gian")


class CatalogueVersion(models.Model):
    number = models.PositiveIntegerField(_("số phiên bản"), unique=True)
    approved_at = models.DateTimeField(_("phê duyệt lúc"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người phê duyệt"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    effective_from = models.DateField(_("có hiệu lực từ ngày"))
    decision = models.CharField(_("văn bản phê duyệt"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("phiên bản danh mục")
        verbose_name_plural = _("phiên bản danh mục")

    def __str__(self) -> str:
        return str(_("Phiên bản %(n)s") % {"n": self.number})


class Database(models.Model):
    """One database as a version lists it."""

    version = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, related_name="databases"
    )
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("mã cơ sở dữ liệu"), max_length=40)
    name = models.CharField(_("tên cơ sở dữ liệu"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    owner = models.ForeignKey(
        Agency, verbose_name=_("cơ quan chủ quản"), on_delete=models.PROTECT, related_name="+"
    )
    # The owner's name as it was when the version was approved: a renamed agency does not
    # rewrite a published version.
    owner_name = models.CharField(_("tên cơ quan chủ quản"), max_length=255)
    purpose = models.TextField(_("mục đích"))
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    system = models.CharField(_("hệ thống thông tin"), max_length=300, blank=True)
    frequency = models.CharField(_("tần suất cập nhật"), max_length=12, choices=Frequency.choices)
    sharing = models.CharField(_("mức chia sẻ"), max_length=12, choices=SharingLevel.choices)

    class Meta:
        ordering = ["version", "position", "code"]
        verbose_name = _("cơ sở dữ liệu")
        verbose_name_plural = _("cơ sở dữ liệu")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="datacatalog_database_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class DatabaseField(models.Model):
    database = models.ForeignKey(Database, on_delete=models.PROTECT, related_name="fields")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên trường"), max_length=200)
    type = models.CharField(_("kiểu dữ liệu"), max_length=12, choices=FieldType.choices)
    description = models.TextField(_("mô tả"), blank=True)
    personal = models.BooleanField(_("chứa dữ liệu cá nhân"), default=False)
    sharing = models.CharField(_("mức chia sẻ"), max_length=12, choices=SharingLevel.choices)

    class Meta:
        ordering = ["database", "position", "id"]
        verbose_name = _("trường dữ liệu")
        verbose_name_plural = _("trường dữ liệu")
        constraints = [
            models.UniqueConstraint(fields=["database", "name"], name="datacatalog_field_name"),
            # Personal data is never open, whatever wrote the row.
            models.CheckConstraint(
                condition=~(models.Q(personal=True) & models.Q(sharing="open")),
                name="datacatalog_field_personal_not_open",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProposalKind(models.TextChoices):
    ADD = "add", _("Bổ sung cơ sở dữ liệu")
    CHANGE = "change", _("Sửa đổi cơ sở dữ liệu")
    RETIRE = "retire", _("Đưa ra khỏi danh mục")


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Chờ thẩm định")
    RETURNED = "returned", _("Trả lại để chỉnh sửa")
    ACCEPTED = "accepted", _("Đã thẩm định, chờ phê duyệt")
    REJECTED = "rejected", _("Không chấp nhận")
    APPROVED = "approved", _("Đã đưa vào phiên bản")
    WITHDRAWN = "withdrawn", _("Đã rút")


# A proposal in one of these holds its database code: no second one may be submitted for it.
PENDING_STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED)


class Proposal(models.Model):
    kind = models.CharField(_("loại đề xuất"), max_length=8, choices=ProposalKind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ProposalStatus.choices,
        default=ProposalStatus.DRAFT,
    )  # fmt: skip
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan đề xuất"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("mã cơ sở dữ liệu"), max_length=40)
    # The whole database as proposed (specs.DatabaseSpec.as_json); empty for a retirement.
    content = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("lý do đề xuất"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)
    review_note = models.TextField(_("ý kiến thẩm định"), blank=True)
    version = models.ForeignKey(
        CatalogueVersion, verbose_name=_("phiên bản"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="proposals",
    )  # fmt: skip

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("đề xuất thay đổi danh mục")
        verbose_name_plural = _("đề xuất thay đổi danh mục")
        indexes = [models.Index(fields=["status", "code"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"


class ProposalEvent(models.Model):
    """One move of a proposal: who, when, from and to which status, with the note given."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=10, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ProposalStatus.choices)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("diễn biến đề xuất")
        verbose_name_plural = _("diễn biến đề xuất")

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.to_status}"


class ReviewReminder(models.Model):
    """The reminder that the six-monthly review of a version is due: one per version, so the
    coordinator is reminded once (the job is idempotent)."""

    version = models.OneToOneField(
        CatalogueVersion, on_delete=models.PROTECT, related_name="reminder"
    )
    due_on = models.DateField(_("hạn rà soát"))
    sent_at = models.DateTimeField(_("nhắc lúc"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("số người được nhắc"), default=0)

    class Meta:
        verbose_name = _("nhắc rà soát danh mục")
        verbose_name_plural = _("nhắc rà soát danh mục")

    def __str__(self) -> str:
        return f"{self.version_id} {self.due_on:%d/%m/%Y}"
