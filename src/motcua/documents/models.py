"""Documents the system issued as signed PDFs: a dossier's result, or one of its slips."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierFile
from motcua.identity.models import Agency

# No 0/O, 1/I/L: the code is read off paper and typed on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_document_code() -> str:
    """16 characters from 31 (79 bits): printed on the document, in its QR code and its URL;
    not guessable, so the verification page shows a document only to who holds it."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))


class IssuedDocument(models.Model):
    """A signed PDF the system issued. The stored file is the only one that verifies as
    "issued by us": verification compares a file's SHA-256 with ``sha256``."""

    class Kind(models.TextChoices):
        RESULT = "result", _("Kết quả giải quyết")
        RECEIPT = "01", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        SUPPLEMENT = "02", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "03", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
        CONTROL = "04", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")
        APOLOGY = "05", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")
        LEDGER = "06", _("Sổ theo dõi hồ sơ")
        FEE_RECEIPT = "BL", _("Biên lai thu phí, lệ phí")

    code = models.CharField(_("mã văn bản"), max_length=16, unique=True, default=new_document_code)
    # None for a unit's ledger (form 06), which belongs to no single dossier.
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("hồ sơ"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan ban hành")
    )
    kind = models.CharField(_("loại văn bản"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("tên văn bản"), max_length=300)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    # The same stored object seen as a file of the dossier (the officer's and citizen's file
    # lists, reuse from the data store): nothing is copied.
    dossier_file = models.OneToOneField(
        DossierFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="issued"
    )
    # The file through Django's storage API (filesystem or S3), under a random name.
    file = models.FileField(_("tệp"), upload_to="documents/%Y/%m/", max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField(_("số trang"), default=1)
    # Who signed, as the certificate says, at the time of signing.
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    signer_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    certificate_subject = models.CharField(max_length=500, blank=True)
    certificate_serial = models.CharField(max_length=80, blank=True)
    timestamped = models.BooleanField(_("có dấu thời gian"), default=False)
    issued_at = models.DateTimeField(_("ban hành lúc"), default=timezone.now)
    # The citizen's data store: results issued to them are kept in their account.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issued_documents",
        db_index=False,
    )

    class Meta:
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = _("văn bản đã ban hành")
        indexes = [
            models.Index(fields=["dossier", "kind"], name="document_dossier_kind"),
            models.Index(fields=["owner", "-issued_at"], name="document_owner_issued"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class DocumentSequence(models.Model):
    """The running number of an agency's documents in a year (the "15" of "15/KQ")."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="document_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"
