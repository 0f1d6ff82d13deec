from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from motcua.core.fields import OrderedJSONField
from motcua.core.text import search_terms
from motcua.core.working_time import HOURS_PER_WORKING_DAY, DurationUnit
from motcua.identity.models import Agency, UnitLevel


class Field(models.Model):
    """Lĩnh vực: the area a procedure belongs to (hộ tịch, xây dựng…)."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)


def localized(name: str, name_en: str) -> str:
    """The English name in the English interface when the catalogue has one."""
    return name_en if name_en and (get_language() or "").startswith("en") else name


class OnlineLevel(models.TextChoices):
    """Decree 42/2022 kinds of online public service; legacy levels 4 / 3 / 2."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    INFORMATION = "information", _("Cung cấp thông tin")


LEGACY_ONLINE_LEVEL = {OnlineLevel.FULL: 4, OnlineLevel.PARTIAL: 3, OnlineLevel.INFORMATION: 2}


class Procedure(models.Model):
    """Thủ tục hành chính: the stable identity of a procedure; its content is versioned."""

    code = models.CharField(_("mã thủ tục"), max_length=20, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self) -> str:
        return self.code


class ProcedureVersionQuerySet(models.QuerySet["ProcedureVersion"]):
    def in_force(self, on: date | None = None) -> ProcedureVersionQuerySet:
        day = on or timezone.localdate()
        return self.filter(effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=day)
        )

    def matching(self, query: str) -> ProcedureVersionQuerySet:
        queryset = self
        for word in search_terms(query):
            queryset = queryset.filter(Q(search_text__contains=word))
        return queryset

    def at_level(self, level: str) -> ProcedureVersionQuerySet:
        return self.filter(levels__contains=f",{level},")


class ResultTemplate(models.TextChoices):
    CIVIL_STATUS = "civil_status", _("Trích lục, giấy tờ hộ tịch")
    CERTIFICATE = "certificate", _("Giấy chứng nhận")
    PERMIT = "permit", _("Giấy phép")
    GENERIC = "generic", _("Thông báo kết quả giải quyết")


class ProcedureVersion(models.Model):
    """The content of a procedure from ``effective_from`` until the next version.

    A dossier keeps the version it was submitted under, so a version is never edited once
    in use; the importer replaces only a version with the same effective date.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("thủ tục")
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    # Folded code + name + field, for diacritic-free search; trigram-indexed on PostgreSQL.
    search_text = models.TextField(editable=False, default="")
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="versions", verbose_name=_("lĩnh vực")
    )
    # Implementing levels as ",commune,province," so that one LIKE works on every database.
    levels = models.CharField(_("cấp thực hiện"), max_length=40)
    implementing_agency = models.TextField(_("cơ quan thực hiện"), blank=True)
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="procedure_versions", verbose_name=_("cơ quan")
    )
    # Kinds of agency that implement a level-wide procedure (e.g. police); empty = any kind.
    agency_kinds = models.JSONField(_("loại cơ quan thực hiện"), default=list, blank=True)
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"), max_length=12, choices=OnlineLevel.choices
    )
    applicant_types = models.JSONField(_("đối tượng thực hiện"), default=list)
    summary = models.TextField(_("tóm tắt"), blank=True)
    results = models.JSONField(_("kết quả thực hiện"), default=list)
    # The layout of the signed result (documents/templates/documents/results/<name>.html);
    # empty: chosen from the result's name.
    result_template = models.CharField(
        _("mẫu văn bản kết quả"), max_length=20, blank=True, choices=ResultTemplate.choices
    )
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list)
    requirements = models.JSONField(_("yêu cầu, điều kiện"), default=list)
    fee_exemptions = models.JSONField(_("miễn, giảm phí, lệ phí"), default=list)
    # Kept as text: the order of the schema's properties is the order of the questions.
    form_schema = OrderedJSONField(_("tờ khai (JSON Schema)"), default=dict, blank=True)
    linked_codes = models.JSONField(_("thủ tục liên thông"), default=list, blank=True)
    provenance = models.JSONField(_("nguồn và mức độ xác minh"), default=dict, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    imported_at = models.DateTimeField(_("nhập lúc"), auto_now=True)

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        ordering = ["procedure__code", "-effective_from"]
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "effective_from"], name="catalog_version_unique_start"
            ),
            models.UniqueConstraint(fields=["procedure", "number"], name="catalog_version_number"),
        ]
        # No index on the dates: nearly every version is in force, so one would select
        # nothing; searches go through the trigram index on search_text (migration 0003).

    def __str__(self) -> str:
        return f"{self.procedure.code} {self.name} (v{self.number})"

    @property
    def fee_exemption_texts(self) -> list[str]:
        """Every exemption as worded (an entry is a text, or an object applied to bills)."""
        return [
            str(entry["text"]) if isinstance(entry, dict) else str(entry)
            for entry in self.fee_exemptions or []
        ]

    @property
    def code(self) -> str:
        return self.procedure.code

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)

    @property
    def level_list(self) -> list[str]:
        return [level for level in self.levels.split(",") if level]

    @property
    def level_labels(self) -> list[str]:
        return [str(UnitLevel(level).label) for level in self.level_list]

    @property
    def legacy_online_level(self) -> int:
        return LEGACY_ONLINE_LEVEL[OnlineLevel(self.online_level)]

    def is_unsure(self, fact: str) -> bool:
        marker = self.provenance.get("confidence", {}).get(fact, "")
        return isinstance(marker, str) and marker.startswith("[unsure")


class ProcedureVariant(models.Model):
    """Trường hợp: a case of the procedure with its own time limit."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="variants")
    code = models.SlugField(_("mã trường hợp"), max_length=64)
    name = models.CharField(_("tên trường hợp"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)
    time_limit = models.DecimalField(_("thời hạn giải quyết"), max_digits=7, decimal_places=2)
    time_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=[
            (DurationUnit.WORKING_DAYS.value, _("ngày làm việc")),
            (DurationUnit.WORKING_HOURS.value, _("giờ làm việc")),
            (DurationUnit.CALENDAR_DAYS.value, pgettext_lazy("đơn vị thời hạn", "ngày")),
        ],
    )
    time_note = models.TextField(_("ghi chú thời hạn"), blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_variant_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def working_hours(self) -> Decimal | None:
        """The limit in working hours, or None for a calendar-day limit."""
        if self.time_unit == DurationUnit.WORKING_DAYS:
            return self.time_limit * HOURS_PER_WORKING_DAY
        if self.time_unit == DurationUnit.WORKING_HOURS:
            return self.time_limit
        return None


class DocumentRequirement(models.Model):
    """Thành phần hồ sơ: a document the applicant supplies or shows."""

    class Submission(models.TextChoices):
        SUBMIT = "submit", _("Nộp")
        PRESENT = "present", _("Xuất trình")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents"
    )
    variants = models.ManyToManyField(ProcedureVariant, blank=True, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("bản sao"), default=0)
    submission = models.CharField(
        _("hình thức"), max_length=10, choices=Submission.choices, default=Submission.SUBMIT
    )
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    condition = models.TextField(_("trường hợp phải nộp"), blank=True)
    template = models.CharField(_("mẫu đơn, tờ khai"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """Phí (fee) or lệ phí (charge), in whole đồng; ``amount`` is None when not published."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Phí")
        CHARGE = "charge", _("Lệ phí")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    variant = models.ForeignKey(
        ProcedureVariant, null=True, blank=True, on_delete=models.CASCADE, related_name="fees"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    name = models.TextField(_("nội dung"))
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"), null=True, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=100, blank=True)
    # The form's whole-number question counting the units charged (copies for đồng/bản).
    quantity_field = models.CharField(_("câu hỏi cho số lượng"), max_length=64, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    confidence = models.TextField(_("mức độ xác minh"), blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self) -> str:
        return self.name

    @property
    def is_unsure(self) -> bool:
        return self.confidence.startswith("[unsure")


class ProcedureStep(models.Model):
    """One step of the internal procedure (quy trình nội bộ)."""

    class Role(models.TextChoices):
        RECEIVER = "receiver", _("Bộ phận một cửa")
        SPECIALIST = "specialist", _("Chuyên viên")
        APPROVER = "approver", _("Lãnh đạo")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("bước"))
    name = models.CharField(_("tên bước"), max_length=500)
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)
    unit_level = models.CharField(_("cấp thực hiện"), max_length=10, choices=UnitLevel.choices)
    working_hours = models.DecimalField(_("số giờ làm việc"), max_digits=7, decimal_places=2)
    # The fees are asked for (status 6) when a dossier reaches this step.
    collects_fees = models.BooleanField(_("thu phí, lệ phí ở bước này"), default=False)
    description = models.TextField(_("nội dung"), blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("bước quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="catalog_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
