"""Uploads: checked by content (not by name), limited in size, stored through Django's storage
API under a random name."""

from __future__ import annotations

import hashlib
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from motcua.catalog.models import DocumentRequirement
from motcua.identity.models import User

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
    )
    record.file.save(f"upload{suffix}", ContentFile(content), save=False)
    record.save()
    return record


def _safe_name(name: str) -> str:
    """A display name only: path parts and control characters removed."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return (cleaned or "tep")[:200]
