"""A database as plain values: what a proposal carries, what a version's rows are compared by
(diff.py) and what every check reads. One place for the rules of a database's content:

- its code is stable, upper-case ASCII with hyphens (``CSDL-HKTT``);
- a field holding personal data is never "open";
- a field is never more open than its database;
- a database is published as open data only when it is marked open, has an open field, and
  none of its open fields holds personal data (:func:`publication_level`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from .models import OPENNESS, Database, FieldType, Frequency, SharingLevel

CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,38}[A-Z0-9]")
MAX_FIELDS = 200


class CatalogueError(ValueError):
    """Content refused; ``message`` is for the person, ``field`` names the form field; for one
    of the database's fields (``field == "fields"``), ``row`` is its index in ``spec.fields``
    and ``part`` the attribute at fault (``name``, ``type`` or ``sharing``)."""

    def __init__(self, message: str, field: str = "", part: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.part = part
        self.row: int | None = None


class CatalogueConflict(CatalogueError):
    """Refused because someone else changed the catalogue at the same moment (answer 409)."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    description: str = ""
    personal: bool = False
    sharing: str = SharingLevel.RESTRICTED


@dataclass(frozen=True)
class DatabaseSpec:
    code: str
    name: str
    owner_id: int
    purpose: str
    frequency: str
    sharing: str
    fields: tuple[FieldSpec, ...]
    name_en: str = ""
    legal_basis: str = ""
    system: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["fields"] = [asdict(f) for f in self.fields]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DatabaseSpec:
        fields = tuple(FieldSpec(**f) for f in data.get("fields", ()))
        return cls(**{**data, "fields": fields})

    @property
    def open_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.sharing == SharingLevel.OPEN)


def spec_of(database: Database) -> DatabaseSpec:
    """A version's row as values (its fields prefetched or read here)."""
    return DatabaseSpec(
        code=database.code, name=database.name, name_en=database.name_en,
        owner_id=database.owner_id, purpose=database.purpose,
        legal_basis=database.legal_basis, system=database.system,
        frequency=database.frequency, sharing=database.sharing,
        fields=tuple(
            FieldSpec(name=f.name, type=f.type, description=f.description,
                      personal=f.personal, sharing=f.sharing)
            for f in database.fields.all()
        ),
    )  # fmt: skip


def publication_level(spec: DatabaseSpec) -> str:
    """The level the database is published at: open only when marked open, with at least one
    open field and no open field holding personal data; a database marked open that fails
    this is shared between agencies, never published."""
    if spec.sharing != SharingLevel.OPEN:
        return spec.sharing
    open_fields = spec.open_fields
    if open_fields and not any(f.personal for f in open_fields):
        return SharingLevel.OPEN
    return SharingLevel.SHARED


def check_code(code: str) -> None:
    if not CODE.fullmatch(code):
        raise CatalogueError(
            _("Mã cơ sở dữ liệu gồm chữ in hoa không dấu, chữ số và dấu gạch nối, "
              "từ 3 đến 40 ký tự, ví dụ CSDL-HKTT."),
            "code",
        )  # fmt: skip


def check_spec(spec: DatabaseSpec) -> None:
    """Raise CatalogueError for the first rule the content breaks."""
    check_code(spec.code)
    for name, label in (("name", _("Tên cơ sở dữ liệu")), ("purpose", _("Mục đích"))):
        if not str(getattr(spec, name)).strip():
            raise CatalogueError(_("%(label)s không được để trống.") % {"label": label}, name)
    if spec.frequency not in Frequency.values:
        raise CatalogueError(_("Chọn tần suất cập nhật trong danh sách."), "frequency")
    if spec.sharing not in SharingLevel.values:
        raise CatalogueError(_("Chọn mức chia sẻ trong danh sách."), "sharing")
    if not spec.fields:
        raise CatalogueError(_("Cơ sở dữ liệu cần ít nhất một trường dữ liệu."), "fields")
    if len(spec.fields) > MAX_FIELDS:
        raise CatalogueError(
            _("Mỗi cơ sở dữ liệu có tối đa %(n)s trường.") % {"n": MAX_FIELDS}, "fields"
        )
    seen: set[str] = set()
    for row, field in enumerate(spec.fields):
        try:
            _check_field(spec, field, seen)
        except CatalogueError as error:
            error.row = row
            raise


def _check_field(spec: DatabaseSpec, field: FieldSpec, seen: set[str]) -> None:
    name = field.name.strip()
    if not name:
        raise CatalogueError(_("Mỗi trường dữ liệu cần có tên."), "fields", "name")
    if name.casefold() in seen:
        raise CatalogueError(
            _("Trường “%(name)s” được khai hai lần.") % {"name": name}, "fields", "name"
        )
    seen.add(name.casefold())
    if field.type not in FieldType.values or field.sharing not in SharingLevel.values:
        raise CatalogueError(_("Trường “%(name)s”: kiểu dữ liệu hoặc mức chia sẻ không hợp lệ.")
                        % {"name": name}, "fields", "type")  # fmt: skip
    if field.personal and field.sharing == SharingLevel.OPEN:
        raise CatalogueError(
            _("Trường “%(name)s” chứa dữ liệu cá nhân nên không thể ở mức mở.") % {"name": name},
            "fields",
            "sharing",
        )
    if OPENNESS[SharingLevel(field.sharing)] < OPENNESS[SharingLevel(spec.sharing)]:
        raise CatalogueError(
            _("Trường “%(name)s” không thể mở hơn cơ sở dữ liệu chứa nó.") % {"name": name},
            "fields",
            "sharing",
        )
