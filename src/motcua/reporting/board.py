"""A ranking as pages and files show it: the published snapshot when the period is closed and
was published (its rows frozen, figures recomputed since beside them), else the live ranking;
rows in one shape (``rankings.frozen_row``) either way, and the same table for CSV and XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from motcua.identity.models import Agency, UnitLevel

from .config import IndexVersion
from .index import ranking, resolve_version
from .measures import MEASURES
from .models import RankingSnapshot
from .periods import Period
from .rankings import Recomputed, configured, frozen_rows, published, recomputed


def level_name(level: str) -> str:
    names = {
        "commune": _("Xã, phường"),
        "department": _("Sở, ban, ngành"),
        "district": _("Quận, huyện (trước 01/7/2025)"),
    }
    return names.get(level, level)


@dataclass
class Board:
    parent: Agency
    level: str
    period: Period
    version: IndexVersion
    rows: list[dict[str, Any]]  # ranked first, then the others ("ranked": False)
    snapshot: RankingSnapshot | None = None
    changed: dict[str, Recomputed] = field(default_factory=dict)

    @property
    def ranked(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["ranked"]]

    @property
    def unranked(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if not r["ranked"]]

    @property
    def minimum(self) -> int:
        return self.snapshot.minimum_dossiers if self.snapshot else self.version.minimum_dossiers


def default_parent() -> Agency | None:
    found = configured()
    if found:
        return found[0][0]
    return (
        Agency.objects.filter(kind=Agency.Kind.PEOPLES_COMMITTEE, unit__level=UnitLevel.PROVINCE)
        .order_by("electronic_id")
        .first()
    )


def board(parent: Agency, level: str, period: Period, version: IndexVersion | None = None) -> Board:
    version = version or resolve_version(period)
    snapshot = published(parent, level, period, version) if period.is_over() else None
    live = ranking(parent, level, period, version)
    if snapshot is None:
        return Board(parent, level, period, version, frozen_rows(live))
    changed = recomputed(snapshot, live)
    rows = [{**row, "recomputed": changed.get(row["electronic_id"])} for row in snapshot.rows]
    return Board(parent, level, period, version, rows, snapshot, changed)


def _text(value: Any) -> Any:
    if value is None:
        return ""
    return value


def table(found: Board) -> tuple[list[str], list[list[Any]]]:
    """The ranking as one header row and rows of plain values (numbers as numbers)."""
    groups = found.version.groups
    indicators = [i for g in groups for i in g.indicators if i.measure]
    header = [
        _("Hạng"), _("Hạng kỳ trước"), _("Mã định danh"), _("Đơn vị"), _("Điểm (thang 100)"),
        _("Điểm đạt"), _("Điểm tối đa có số liệu"), _("Hồ sơ tiếp nhận"),
        *[_("Nhóm %(code)s: %(name)s") % {"code": g.code, "name": g.name} for g in groups],
        *[(_("%(code)s (ngày)") if MEASURES[i.measure].unit == "days" else _("%(code)s (%%)"))
          % {"code": i.code} for i in indicators if i.measure],
        _("Ghi chú"),
    ]  # fmt: skip
    rows = []
    for row in found.rows:
        note = "" if row["ranked"] else _("Chưa xếp hạng: dưới %(n)s hồ sơ") % {"n": found.minimum}
        figures = row["indicators"]
        rows.append([
            _text(row["rank"]), _text(row["previous_rank"]), row["electronic_id"], row["name"],
            _number(row["total"]), _number(row["points"]), _number(row["available"]),
            row["received"],
            *[_number(row["groups"].get(g.code)) for g in groups],
            *[_number(figures[i.code][2]) if i.code in figures else "" for i in indicators],
            note,
        ])  # fmt: skip
    return header, rows


def _number(text: str | None) -> Any:
    return "" if text is None else Decimal(text)


def as_csv(found: Board) -> str:
    header, rows = table(found)
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([str(v).replace(".", ",") if isinstance(v, Decimal) else v for v in row])
    return out.getvalue()


def as_xlsx(found: Board) -> bytes:
    header, rows = table(found)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = found.period.key[:31]
    sheet.append([f"{found.parent.name} — {level_name(found.level)} — {found.period.label}"])
    sheet.append([found.version.name])
    sheet.append(header)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(found: Board, extension: str) -> str:
    return f"xep-hang-{found.level}-{found.parent.electronic_id}-{found.period.key}.{extension}"
