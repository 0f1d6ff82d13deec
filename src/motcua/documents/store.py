"""The citizen's data store (kho dữ liệu): the results issued to them and the papers they gave
in earlier dossiers, which a new dossier can reuse instead of asking for them again.

A reused component is a new file record that points at the same stored object (nothing is
copied) and at the record it came from; the officer sees where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import DocumentRequirement
from motcua.dossiers.digitisation import mark_files
from motcua.dossiers.files import MAX_FILES_PER_DOSSIER
from motcua.dossiers.models import Dossier, DossierFile, Draft
from motcua.dossiers.workflow import WorkflowError
from motcua.identity.models import User

from .models import IssuedDocument

Kind = DossierFile.Kind
Origin = DossierFile.Origin


def store_files(user: User) -> QuerySet[DossierFile]:
    """What the store offers ``user``: the results issued to them, and the components of their
    own dossiers that they (or the desk, from their papers) gave. Reused records are not
    offered again: their source is."""
    own = Q(dossier__applicant=user) & (
        Q(kind=Kind.RESULT, origin=Origin.ISSUED)
        | Q(kind__in=(Kind.COMPONENT, Kind.SUPPLEMENT), origin__in=(Origin.UPLOAD, Origin.SCAN))
    )
    # Results issued to them on a dossier received at the desk (matched by verified identity).
    issued_to_them = Q(kind=Kind.RESULT, origin=Origin.ISSUED, issued__owner=user)
    return (
        DossierFile.objects.filter(own | issued_to_them)
        .select_related("dossier__agency", "dossier__version", "issued__agency")
        .order_by("-uploaded_at", "-pk")
    )


@dataclass(frozen=True)
class StoreItem:
    file: DossierFile
    title: str
    at: datetime
    dossier_code: str
    document: IssuedDocument | None

    @property
    def is_result(self) -> bool:
        return self.document is not None

    @property
    def note(self) -> str:
        return source_note(self.file)


def _issued(upload: DossierFile) -> IssuedDocument | None:
    try:
        return upload.issued  # type: ignore[attr-defined,no-any-return]
    except IssuedDocument.DoesNotExist:
        return None


def store_items(user: User, *, limit: int = 200) -> list[StoreItem]:
    """The store's items, newest first, one per distinct file (the same scan given twice is
    offered once); results before other papers."""
    seen: set[str] = set()
    items: list[StoreItem] = []
    for upload in store_files(user)[: limit * 2]:
        if upload.sha256 in seen:
            continue
        seen.add(upload.sha256)
        document = _issued(upload)
        title = document.title if document else (upload.requirement_name or upload.original_name)
        items.append(
            StoreItem(upload, title, upload.uploaded_at, upload.dossier.code, document)  # type: ignore[union-attr]
        )
    items.sort(key=lambda item: not item.is_result)  # stable: newest first within each group
    return items[:limit]


def source_note(upload: DossierFile) -> str:
    """Where a reused component comes from, as the officer reads it."""
    document = _issued(upload)
    day = timezone.localtime(upload.uploaded_at).strftime("%d/%m/%Y")
    if document is not None:
        return _("%(title)s số %(number)s, mã văn bản %(code)s, do %(agency)s cấp ngày %(day)s") % {
            "title": document.title,
            "number": document.number or "—",
            "code": document.code,
            "agency": document.agency.name,
            "day": day,
        }
    return _("%(name)s đã nộp trong hồ sơ %(dossier)s ngày %(day)s") % {
        "name": upload.requirement_name or upload.original_name,
        "dossier": upload.dossier.code if upload.dossier else "—",
        "day": day,
    }


def _reused_copy(
    source: DossierFile, requirement: DocumentRequirement | None, user: User
) -> DossierFile:
    return DossierFile(
        requirement=requirement,
        requirement_name=requirement.name if requirement else source.requirement_name,
        kind=Kind.COMPONENT,
        file=source.file.name,
        original_name=source.original_name,
        content_type=source.content_type,
        size=source.size,
        sha256=source.sha256,
        uploaded_by=user,
        origin=Origin.REUSED,
        reused_from=source,
        source_note=source_note(source)[:300],
    )


def _room_for_one_more(files: QuerySet[DossierFile]) -> None:
    if files.count() >= MAX_FILES_PER_DOSSIER:
        raise WorkflowError(_("Mỗi hồ sơ có tối đa %(n)s tệp.") % {"n": MAX_FILES_PER_DOSSIER})


def _source(user: User, source_id: int) -> DossierFile:
    source = store_files(user).filter(pk=source_id).first()
    if source is None:
        raise WorkflowError(_("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."))
    return source


@transaction.atomic
def reuse_in_dossier(
    *,
    dossier: Dossier,
    requirement: DocumentRequirement | None,
    source_id: int,
    user: User,
    kind: str = Kind.COMPONENT,
) -> DossierFile:
    """Attach the store's file ``source_id`` to a submitted dossier of ``user`` (the API's
    way, where there is no draft); the caller checks the dossier may take files now."""
    if requirement is not None and requirement.version_id != dossier.version_id:
        raise WorkflowError(_("Giấy tờ này không thuộc thủ tục của hồ sơ."))
    source = _source(user, source_id)
    already = dossier.files.filter(requirement=requirement, reused_from=source).first()
    if already is not None:
        return already
    _room_for_one_more(dossier.files.all())
    reused = _reused_copy(source, requirement, user)
    reused.dossier, reused.kind = dossier, kind
    reused.save()
    mark_files(dossier, {Origin.REUSED})
    return reused


@transaction.atomic
def reuse_in_draft(
    *, draft: Draft, requirement: DocumentRequirement, source_id: int, user: User
) -> DossierFile:
    """Attach the store's file ``source_id`` to ``draft`` for ``requirement``; the submitted
    dossier then counts as reusing digitised data."""
    if requirement.version_id != draft.version_id:
        raise WorkflowError(_("Giấy tờ này không thuộc thủ tục của hồ sơ."))
    source = _source(user, source_id)
    already = draft.files.filter(requirement=requirement, reused_from=source).first()
    if already is not None:
        return already
    _room_for_one_more(draft.files.all())
    reused = _reused_copy(source, requirement, user)
    reused.draft = draft
    reused.save()
    return reused
