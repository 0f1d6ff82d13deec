"""Uploads: checked by content (not by name), limited in size, stored through Django's storage
API under a random name. A PDF must parse (pikepdf, on qpdf) and carry no active content; an
image must decode (Pillow) within a pixel limit."""

from __future__ import annotations

import hashlib
import io
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from motcua.catalog.models import DocumentRequirement
from motcua.identity.models import User

from .digitisation import mark_files
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
    pass


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
) -> DossierFile:
    """Check and store one upload for a dossier or a draft; raises UploadError with a message
    for the person uploading."""
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
    owner = dossier if dossier is not None else draft
    if owner is not None and owner.files.count() >= MAX_FILES_PER_DOSSIER:
        raise UploadError(_("Mỗi hồ sơ có tối đa %(n)s tệp.") % {"n": MAX_FILES_PER_DOSSIER})
    content_type, suffix = kind_of
    content = (check_pdf if content_type == "application/pdf" else check_image)(content, name)
    record = DossierFile(
        dossier=dossier,
        draft=draft,
        requirement=requirement,
        requirement_name=requirement.name if requirement else "",
        kind=kind,
        original_name=_safe_name(name),
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


# What a PDF may carry that runs or launches something in the reader: removed on upload.
ACTIVE_KEYS = ("/OpenAction", "/AA", "/JavaScript", "/JS", "/Launch", "/EmbeddedFiles",
               "/RichMedia", "/XFA")  # fmt: skip
MAX_IMAGE_PIXELS = 60_000_000  # a 600 dpi A3 scan is ~70 MP in colour; a phone photo 12–50 MP


def check_pdf(content: bytes, name: str) -> bytes:
    """The PDF as stored: unchanged when it parses cleanly and carries no active content (so a
    signed PDF stays signed), rewritten without it otherwise; UploadError when it is broken
    or encrypted."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.is_encrypted:
                raise UploadError(
                    _("Tệp “%(name)s” được đặt mật khẩu; hãy nộp bản không có mật khẩu.")
                    % {"name": name}
                )
            if len(pdf.pages) == 0:
                raise UploadError(_("Tệp “%(name)s” không có trang nào.") % {"name": name})
            # qpdf repairs a damaged file silently while opening it; we refuse it instead,
            # since what it lost (a truncated upload) would be lost unnoticed.
            if pdf.check_pdf_syntax():
                raise pikepdf.PdfError("damaged")
            if not _strip_active(pdf):
                return content
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    except pikepdf.PasswordError as error:
        raise UploadError(
            _("Tệp “%(name)s” được đặt mật khẩu; hãy nộp bản không có mật khẩu.") % {"name": name}
        ) from error
    except (pikepdf.PdfError, ValueError, RecursionError) as error:
        raise UploadError(
            _("Tệp “%(name)s” không phải PDF hợp lệ hoặc bị hỏng.") % {"name": name}
        ) from error


def _strip_active(pdf: Any) -> bool:
    """Remove active content from the catalogue, its name tree, the AcroForm and every page and
    annotation; True when anything was removed."""
    removed = False
    root = pdf.Root
    holders = [root, *pdf.pages]
    if "/Names" in root:
        holders.append(root.Names)
    if "/AcroForm" in root:
        holders.append(root.AcroForm)
    for page in pdf.pages:
        holders.extend(page.get("/Annots") or [])
    for holder in holders:
        for key in ACTIVE_KEYS:
            if key in holder:
                del holder[key]
                removed = True
    return removed


def check_image(content: bytes, name: str) -> bytes:
    """The image decodes fully and is not a decompression bomb; stored unchanged."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadError(
                    _(
                        "Ảnh “%(name)s” quá lớn (%(w)s × %(h)s điểm ảnh); "
                        "hãy chụp ở độ phân giải thấp hơn."
                    )
                    % {"name": name, "w": width, "h": height}
                )
            image.verify()
    except UploadError:
        raise
    except Exception as error:  # Pillow raises many kinds for a broken file
        raise UploadError(
            _("Ảnh “%(name)s” bị hỏng hoặc không đọc được.") % {"name": name}
        ) from error
    return content


def _safe_name(name: str) -> str:
    """A display name only: path parts and control characters removed."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return (cleaned or "tep")[:200]
