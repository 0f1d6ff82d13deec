"""Uploads: checked by content (not by name), limited in size, stored through Django's storage
API under a random name. A PDF must parse (pikepdf, on qpdf) and carry no active content; an
image must decode (Pillow) within a pixel limit.

"Store the uploads, then move the dossier" is one mechanism (:class:`StoredUploads`): the rows
roll back with the move's transaction, and the stored objects are deleted with them, so a
refused move leaves no file behind whichever door it came through."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from motcua.catalog.models import DocumentRequirement
from motcua.identity.models import User

from .digitisation import mark_files
from .inspect import clean_photo, inspect_image, inspect_pdf, inspector
from .models import Dossier, DossierFile, Draft
from .workflow import WorkflowError

# Magic numbers of the accepted types: what the file is, whatever its name says.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
MAX_FILES_PER_DOSSIER = 50


class UploadError(WorkflowError):
    """A file refused; ``key`` names the form field it came from, when known."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class NewUpload:
    """A file a person hands in, not yet checked or stored."""

    stream: IO[bytes]
    name: str
    requirement: DocumentRequirement | None = None
    # What it answers when no catalogue requirement does (an item of a supplement request).
    label: str = ""
    origin: str = DossierFile.Origin.UPLOAD
    # The form field it came from, so that a refusal is shown beside it.
    key: str = ""


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, suffix in SIGNATURES:
        if head.startswith(magic):
            return content_type, suffix
    return None


def max_upload_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB * 1024 * 1024)


def store_upload(
    stream: IO[bytes],
    *,
    name: str,
    uploaded_by: User | None,
    dossier: Dossier | None = None,
    draft: Draft | None = None,
    requirement: DocumentRequirement | None = None,
    kind: str = DossierFile.Kind.COMPONENT,
    origin: str = DossierFile.Origin.UPLOAD,
    label: str = "",
) -> DossierFile:
    """Check and store one upload for a dossier or a draft; raises UploadError with a message
    for the person uploading."""
    owner = dossier if dossier is not None else draft
    if owner is not None and owner.files.count() >= MAX_FILES_PER_DOSSIER:
        raise UploadError(_("Mỗi hồ sơ có tối đa %(n)s tệp.") % {"n": MAX_FILES_PER_DOSSIER})
    content, content_type, suffix = checked_content(stream, name)
    record = DossierFile(
        dossier=dossier,
        draft=draft,
        requirement=requirement,
        requirement_name=requirement.name if requirement else label[:300],
        kind=kind,
        original_name=safe_name(name),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=uploaded_by,
        origin=origin,
    )
    record.file.save(f"upload{suffix}", ContentFile(content), save=False)
    record.save()
    if dossier is not None:
        mark_files(dossier, {origin})
    return record


def checked_content(
    stream: IO[bytes], name: str, *, clean_photos: bool = False
) -> tuple[bytes, str, str]:
    """The bytes to store, their type and suffix, after the checks every upload meets: not
    empty, within the size limit, a PDF, JPEG or PNG by content, and one that opens safely.
    ``clean_photos``: a photo is turned upright and re-encoded without its metadata (feedback
    photos may be published); otherwise it is stored unchanged. UploadError when refused."""
    limit = max_upload_bytes()
    content = stream.read(limit + 1)
    if not content:
        raise UploadError(_("Tệp “%(name)s” trống.") % {"name": name})
    if len(content) > limit:
        raise UploadError(
            _("Tệp “%(name)s” lớn hơn %(mb)s MB cho phép.")
            % {"name": name, "mb": settings.UPLOAD_MAX_MB}
        )
    kind_of = sniff(content[:16])
    if kind_of is None:
        raise UploadError(
            _("Tệp “%(name)s” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp).")
            % {"name": name}
        )
    content_type, suffix = kind_of
    if content_type == "application/pdf":
        return check_pdf(content, name), content_type, suffix
    return (clean_image if clean_photos else check_image)(content, name), content_type, suffix


class StoredUploads:
    """The files stored for one change of a dossier or draft. Used as ``with StoredUploads()
    as stored, transaction.atomic():`` around the change: when it fails, the transaction drops
    the rows and this deletes the stored objects, so nothing is left behind."""

    def __init__(self) -> None:
        self.records: list[DossierFile] = []
        # Files stored for other rows of the same change (feedback attachments).
        self.other_files: list[FieldFile] = []

    def store(
        self,
        upload: NewUpload,
        *,
        uploaded_by: User | None,
        dossier: Dossier | None = None,
        draft: Draft | None = None,
        kind: str = DossierFile.Kind.COMPONENT,
    ) -> DossierFile:
        try:
            record = store_upload(
                upload.stream,
                name=upload.name,
                uploaded_by=uploaded_by,
                dossier=dossier,
                draft=draft,
                requirement=upload.requirement,
                kind=kind,
                origin=upload.origin,
                label=upload.label,
            )
        except UploadError as error:
            raise UploadError(error.message, key=upload.key) from error
        self.records.append(record)
        return record

    def __enter__(self) -> StoredUploads:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            for stored in [record.file for record in self.records] + self.other_files:
                stored.storage.delete(stored.name)


MAX_IMAGE_PIXELS = 60_000_000  # a 600 dpi A3 scan is ~70 MP in colour; a phone photo 12–50 MP


def check_pdf(content: bytes, name: str) -> bytes:
    """The PDF as stored: unchanged when it parses cleanly and carries no active content (so a
    signed PDF stays signed), rewritten without it otherwise; UploadError when it is broken,
    encrypted, or too costly to open (inspect.py opens it in a bounded worker process)."""
    verdict, rewritten = inspector.run(inspect_pdf, content)
    if verdict == "ok":
        return rewritten if rewritten is not None else content
    messages = {
        "encrypted": _("Tệp “%(name)s” được đặt mật khẩu; hãy nộp bản không có mật khẩu."),
        "no_pages": _("Tệp “%(name)s” không có trang nào."),
        "refused": _(
            "Tệp “%(name)s” quá phức tạp để mở an toàn (cần quá nhiều bộ nhớ hoặc thời gian); "
            "hãy xuất lại tệp PDF hoặc quét lại giấy tờ."
        ),
    }
    message = messages.get(verdict, _("Tệp “%(name)s” không phải PDF hợp lệ hoặc bị hỏng."))
    raise UploadError(message % {"name": name})


def check_image(content: bytes, name: str) -> bytes:
    """The image decodes entirely (in a bounded worker process) within the pixel limit; stored
    unchanged."""
    verdict, detail = inspector.run(inspect_image, content, MAX_IMAGE_PIXELS)
    _refuse_image(verdict, detail, name)
    return content


def clean_image(content: bytes, name: str) -> bytes:
    """The image upright and without metadata (inspect.clean_photo), with check_image's limits
    and messages."""
    verdict, detail = inspector.run(clean_photo, content, MAX_IMAGE_PIXELS)
    _refuse_image(verdict, detail, name)
    return bytes(detail)


def _refuse_image(verdict: str, detail: Any, name: str) -> None:
    if verdict == "ok":
        return
    if verdict == "too_large":
        width, height = detail
        raise UploadError(
            _("Ảnh “%(name)s” quá lớn (%(w)s × %(h)s điểm ảnh); hãy chụp ở độ phân giải thấp hơn.")
            % {"name": name, "w": width, "h": height}
        )
    raise UploadError(_("Ảnh “%(name)s” bị hỏng hoặc không đọc được.") % {"name": name})


def safe_name(name: str) -> str:
    """A display name only: path parts and control characters removed."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return (cleaned or "tep")[:200]
