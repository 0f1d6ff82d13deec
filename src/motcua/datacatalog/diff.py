"""What changed from one version to the next: databases added, removed and changed, and for a
changed database its attributes and its fields (added, removed, changed), each with the old and
the new value as a reader sees them. Databases are matched by code, fields by name; a field
whose name alone changed, in the same place, is shown as renamed (a name change among its
changes), not as one field removed and another added."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from motcua.identity.models import Agency

from .models import FieldType, Frequency, SharingLevel
from .specs import DatabaseSpec, FieldSpec

Change = tuple[str, str, str]  # (what, old value, new value)


@dataclass(frozen=True)
class FieldChange:
    name: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class DatabaseChange:
    code: str
    name: str
    changes: tuple[Change, ...]
    fields_added: tuple[FieldSpec, ...] = ()
    fields_removed: tuple[FieldSpec, ...] = ()
    fields_changed: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class VersionDiff:
    added: tuple[DatabaseSpec, ...] = ()
    removed: tuple[DatabaseSpec, ...] = ()
    changed: tuple[DatabaseChange, ...] = ()
    owners: dict[int, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _yes_no(flag: bool) -> str:
    return _("Có") if flag else _("Không")


def _database_attributes(spec: DatabaseSpec, owners: dict[int, str]) -> list[tuple[str, str]]:
    return [
        (_("Tên"), spec.name),
        (_("Tên tiếng Anh"), spec.name_en),
        (_("Cơ quan chủ quản"), owners.get(spec.owner_id, str(spec.owner_id))),
        (_("Mục đích"), spec.purpose),
        (_("Căn cứ pháp lý"), spec.legal_basis),
        (_("Hệ thống thông tin"), spec.system),
        (_("Tần suất cập nhật"), str(Frequency(spec.frequency).label)),
        (_("Mức chia sẻ"), str(SharingLevel(spec.sharing).label)),
    ]


def _field_attributes(spec: FieldSpec) -> list[tuple[str, str]]:
    return [
        (_("Kiểu dữ liệu"), str(FieldType(spec.type).label)),
        (_("Mô tả"), spec.description),
        (_("Dữ liệu cá nhân"), _yes_no(spec.personal)),
        (_("Mức chia sẻ"), str(SharingLevel(spec.sharing).label)),
    ]


def _changes(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> tuple[Change, ...]:
    return tuple((label, a, b) for (label, a), (_, b) in zip(old, new, strict=True) if a != b)


def _renamed(old: DatabaseSpec, new: DatabaseSpec) -> dict[str, FieldSpec]:
    """New name → old field, for each field at the same place whose name alone changed."""
    before = {f.name for f in old.fields}
    after = {f.name for f in new.fields}
    return {
        f.name: o for o, f in zip(old.fields, new.fields, strict=False)
        if o.name not in after and f.name not in before and replace(o, name=f.name) == f
    }  # fmt: skip


def _database_change(
    old: DatabaseSpec, new: DatabaseSpec, owners: dict[int, str]
) -> DatabaseChange:
    before = {f.name: f for f in old.fields}
    after = {f.name: f for f in new.fields}
    renamed = _renamed(old, new)
    was = {o.name for o in renamed.values()}
    changed = tuple(
        FieldChange(name, _changes(_field_attributes(before[name]), _field_attributes(f)))
        if name in before
        else FieldChange(name, ((_("Tên trường"), renamed[name].name, name),))
        for name, f in after.items()
        if (name in before and before[name] != f) or name in renamed
    )
    return DatabaseChange(
        code=new.code, name=new.name,
        changes=_changes(_database_attributes(old, owners), _database_attributes(new, owners)),
        fields_added=tuple(f for name, f in after.items()
                           if name not in before and name not in renamed),
        fields_removed=tuple(f for name, f in before.items()
                             if name not in after and name not in was),
        fields_changed=tuple(c for c in changed if c.changes),
    )  # fmt: skip


def differences(old: dict[str, DatabaseSpec], new: dict[str, DatabaseSpec]) -> VersionDiff:
    """From the catalogue ``old`` to ``new`` (each code → spec); the first version's
    differences are every database added."""
    ids = {s.owner_id for s in (*old.values(), *new.values())}
    owners = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))
    return VersionDiff(
        added=tuple(new[c] for c in sorted(new) if c not in old),
        removed=tuple(old[c] for c in sorted(old) if c not in new),
        changed=tuple(
            _database_change(old[c], new[c], owners)
            for c in sorted(new) if c in old and old[c] != new[c]
        ),
        owners=owners,
    )  # fmt: skip
