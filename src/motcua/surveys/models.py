"""The satisfaction evaluation of a dossier (Decree 61/2018, Circular 01/2018): one per dossier,
nine indicators scored 0/1/2 and the overall three-level rating. ``docs/surveys.md`` says which
indicator the system scores from the dossier's own data and which the applicant answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.feedback.models import FeedbackItem
from motcua.identity.models import Agency


class Overall(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    DISSATISFIED = "dissatisfied", _("Không hài lòng")


class EvaluationChannel(models.TextChoices):
    PORTAL = "portal", _("Trang hồ sơ trên cổng dịch vụ công")
    QR = "qr", _("Mã QR trên phiếu")
    DESK = "desk", _("Máy tính bảng tại bộ phận một cửa")
    API = "api", _("Ứng dụng (API)")


# The nine indicators, in the order of the legal text: field name -> Vietnamese label.
INDICATORS: dict[str, Promise] = {
    "total_time": _("Tổng thời gian giải quyết so với thời gian quy định"),
    "step_time": _("Thời gian thực hiện của từng cơ quan tham gia giải quyết"),
    "contacts": _("Số lần phải liên hệ để hoàn thiện hồ sơ"),
    "bodies": _("Số cơ quan phải liên hệ để hoàn thiện hồ sơ"),
    "one_stop": _("Tiếp nhận, giải quyết và trả kết quả tại bộ phận một cửa"),
    "publicity": _("Chỉ phải nộp giấy tờ đúng danh mục đã công khai"),
    "attitude": _("Thái độ của cán bộ, công chức khi hướng dẫn, tiếp nhận, giải quyết"),
    "feedback": _("Phản ánh, kiến nghị về hồ sơ được xử lý đúng hạn"),
    "online": _("Thực hiện dịch vụ công trực tuyến"),
}
SYSTEM_SCORED = ("total_time", "step_time", "contacts", "bodies", "one_stop", "feedback", "online")
ANSWERED = ("publicity", "attitude")


def _score(name: str) -> models.PositiveSmallIntegerField:  # type: ignore[type-arg]
    # None: the indicator does not apply to this dossier (no step had a time limit).
    label = INDICATORS[name]
    return models.PositiveSmallIntegerField(label, null=True, blank=True)  # type: ignore[arg-type]


class Evaluation(models.Model):
    """Đánh giá mức độ hài lòng: the applicant's rating of one dossier, changeable for 7 days."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("hồ sơ")
    )
    # Copied from the dossier so the aggregates group without joining the dossiers.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan giải quyết")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="+", verbose_name=_("thủ tục")
    )
    overall = models.CharField(_("mức độ hài lòng chung"), max_length=16, choices=Overall.choices)
    comment = models.TextField(_("ý kiến khác"), blank=True)
    channel = models.CharField(_("kênh đánh giá"), max_length=10, choices=EvaluationChannel.choices)
    total_time = _score("total_time")
    step_time = _score("step_time")
    contacts = _score("contacts")
    bodies = _score("bodies")
    one_stop = _score("one_stop")
    publicity = _score("publicity")
    attitude = _score("attitude")
    feedback = _score("feedback")
    online = _score("online")
    answered_at = models.DateTimeField(_("đánh giá lần đầu lúc"), default=timezone.now)
    changed_at = models.DateTimeField(_("sửa lần cuối lúc"), default=timezone.now)
    # The item a "không hài lòng" opened for the unit's leader.
    feedback_item = models.ForeignKey(
        FeedbackItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("phản ánh đã mở"),
    )

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")
        indexes = [
            models.Index(fields=["agency", "answered_at"], name="evaluation_agency_at"),
            models.Index(fields=["procedure", "answered_at"], name="evaluation_procedure_at"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.overall}"

    def scores(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in INDICATORS}


class EvaluationRevision(models.Model):
    """Every answer given, the first included: the history of a changed evaluation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=EvaluationChannel.choices)
    overall = models.CharField(max_length=16, choices=Overall.choices)
    publicity = models.PositiveSmallIntegerField()
    attitude = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["evaluation", "number"]
        verbose_name = _("lần đánh giá")
        verbose_name_plural = _("lịch sử đánh giá")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="evaluation_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} #{self.number}"


class ConcernedOfficer(models.Model):
    """An officer the evaluation is about: who received, handled or returned the dossier."""

    class Role(models.TextChoices):
        RECEIVED = "received", _("Tiếp nhận")
        HANDLED = "handled", _("Giải quyết")
        RETURNED = "returned", _("Trả kết quả")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="officers")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("cán bộ được đánh giá")
        verbose_name_plural = _("cán bộ được đánh giá")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "officer", "role"], name="evaluation_officer_unique"
            )
        ]
        indexes = [models.Index(fields=["officer", "evaluation"], name="evaluation_officer")]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.officer_id} {self.role}"


class EvaluationToken(models.Model):
    """The unguessable key of the QR code: the token is HMAC(SECRET_KEY, nonce), so it can be
    printed again on a reprinted slip, and only its SHA-256 is stored and looked up."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=32)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mã đánh giá")
        verbose_name_plural = _("mã đánh giá")

    def __str__(self) -> str:
        return str(self.dossier_id)
