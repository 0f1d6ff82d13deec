"""A version of the catalogue, or every version, as an XLSX workbook: a sheet of databases and a
sheet of their fields, one header row each, a version column in both. The workbook's own dates
are the newest version's approval, so the same versions always give the same bytes (the open
data's byte size and checksum describe the file a visitor downloads)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import selectors
from .models import CatalogueVersion, FieldType, Frequency, SharingLevel
from .specs import publication_level, spec_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int


def _text(text: str) -> str:
    # A name typed by a person must not run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def database_headers() -> list[str]:
    return [_("Phiên bản"), _("Mã cơ sở dữ liệu"), _("Tên cơ sở dữ liệu"), _("Tên tiếng Anh"),
            _("Cơ quan chủ quản"), _("Mã định danh cơ quan"), _("Mục đích"), _("Căn cứ pháp lý"),
            _("Hệ thống thông tin"), _("Tần suất cập nhật"), _("Mức chia sẻ"),
            _("Mức công bố"), _("Số trường")]  # fmt: skip


def field_headers() -> list[str]:
    return [_("Phiên bản"), _("Mã cơ sở dữ liệu"), _("STT"), _("Tên trường"), _("Kiểu dữ liệu"),
            _("Mô tả"), _("Dữ liệu cá nhân"), _("Mức chia sẻ")]  # fmt: skip


def rows(version: CatalogueVersion) -> tuple[list[list[Cell]], list[list[Cell]]]:
    databases: list[list[Cell]] = []
    fields: list[list[Cell]] = []
    for db in selectors.databases_of(version):
        spec = spec_of(db)
        databases.append([
            version.number, db.code, _text(db.name), _text(db.name_en), _text(db.owner_name),
            db.owner.electronic_id, _text(db.purpose), _text(db.legal_basis), _text(db.system),
            str(Frequency(db.frequency).label), str(SharingLevel(db.sharing).label),
            str(SharingLevel(publication_level(spec)).label), len(spec.fields),
        ])  # fmt: skip
        for n, f in enumerate(db.fields.all(), start=1):
            fields.append([
                version.number, db.code, n, _text(f.name), str(FieldType(f.type).label),
                _text(f.description), _("Có") if f.personal else _("Không"),
                str(SharingLevel(f.sharing).label),
            ])  # fmt: skip
    return databases, fields


def workbook(versions: Sequence[CatalogueVersion]) -> bytes:
    """The workbook of ``versions``, made once and kept: a version never changes, and the file
    served must be the very bytes whose size and checksum the open-data catalogue gives (a zip
    archive stamps the time it was written)."""
    # The approval's time with the number: a database made anew (the demo's) never meets the
    # workbook of an earlier one's version 1 left in a shared cache.
    stamps = "-".join(f"{v.number}.{v.approved_at.timestamp():.0f}"
                      for v in sorted(versions, key=lambda v: v.number))  # fmt: skip
    key = f"motcua:datacatalog:xlsx:{hashlib.sha256(stamps.encode()).hexdigest()[:32]}"
    found = cache.get(key)
    if found is None:
        with translation.override(settings.LANGUAGE_CODE):
            found = as_xlsx(versions)
        cache.set(key, found, None)
    return bytes(found)


def as_xlsx(versions: Sequence[CatalogueVersion]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Cơ sở dữ liệu")[:31]
    sheet.append(database_headers())
    fields = book.create_sheet(_("Trường dữ liệu")[:31])
    fields.append(field_headers())
    for version in sorted(versions, key=lambda v: v.number):
        databases, field_rows = rows(version)
        for row in databases:
            sheet.append(row)
        for row in field_rows:
            fields.append(row)
    for header in (sheet[1], fields[1]):
        for cell in header:
            cell.font = Font(bold=True)
    stamp = _stamp(versions)
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "Một Cửa"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _stamp(versions: Sequence[CatalogueVersion]) -> datetime:
    newest = max((v.approved_at for v in versions), default=datetime(2025, 1, 1, tzinfo=UTC))
    return timezone.localtime(newest).replace(tzinfo=None, microsecond=0)
