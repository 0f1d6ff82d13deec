"""The tables of figures: each unit's month (the monthly report's counters and the index's
figures for the unit alone) and the published rankings. Their counts go through
``suppression.py`` row by row.

A month's counters are the sums of the daily summary the monthly report reads
(``dossiers.reports``), taken for every unit and month in one query; the index's figures are
``reporting.index`` over the unit alone (its own dossiers, not those of the agencies under
it), so a ward's row is what its public page shows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from itertools import pairwise
from typing import Any

from django.db.models import Min, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from motcua.dossiers.models import DailySummary
from motcua.dossiers.reports import next_month
from motcua.identity.models import Agency
from motcua.reporting.config import versions
from motcua.reporting.index import UnitIndex, raw_figures, resolve_version, score
from motcua.reporting.models import RankingSnapshot
from motcua.reporting.periods import Period

from .entries import Column
from .suppression import Relation, suppress
from .table import Table, column

# (column, summary counter or derived figure, Vietnamese title, English title)
COUNTERS = (
    ("ton_ky_truoc", "carried_over", "Tồn kỳ trước chuyển sang", "Carried over"),
    ("tiep_nhan_truc_tuyen", "received_online", "Tiếp nhận trực tuyến", "Received online"),
    ("tiep_nhan_truc_tiep", "received_direct", "Tiếp nhận trực tiếp, bưu chính",
     "Received in person or by post"),
    ("tiep_nhan", "received", "Tổng số hồ sơ tiếp nhận", "Received in total"),
    ("giai_quyet_truoc_han", "resolved_early", "Giải quyết trước hạn", "Resolved early"),
    ("giai_quyet_dung_han", "resolved_on_time", "Giải quyết đúng hạn", "Resolved on time"),
    ("giai_quyet_tre_han", "resolved_late", "Giải quyết quá hạn", "Resolved late"),
    ("da_giai_quyet", "resolved", "Tổng số hồ sơ đã giải quyết", "Resolved in total"),
    ("dang_giai_quyet_cuoi_ky", "in_process", "Đang giải quyết cuối tháng",
     "In process at the end of the month"),
    ("tu_choi", "refused", "Từ chối tiếp nhận, giải quyết", "Refused"),
    ("rut_ho_so", "withdrawn", "Rút hồ sơ", "Withdrawn"),
    ("dung_xu_ly", "stopped", "Dừng xử lý", "Stopped"),
    ("da_tra_ket_qua", "returned", "Đã trả kết quả", "Results handed over"),
    ("yeu_cau_bo_sung", "supplement_requested", "Yêu cầu bổ sung", "Supplement requests"),
    ("tro_thanh_qua_han", "became_overdue", "Trở thành quá hạn trong tháng", "Became overdue"),
    ("so_hoa", "digitised", "Hồ sơ có thành phần được số hóa", "Digitised at the desk"),
    ("tai_su_dung", "reused", "Hồ sơ sử dụng lại dữ liệu số", "Reusing stored data"),
    ("ket_qua_dien_tu", "e_results", "Kết quả điện tử đã cấp", "Electronic results issued"),
)  # fmt: skip
SUMMED = tuple(name for _col, name, _vi, _en in COUNTERS if name in DailySummary.__dict__)
# Indicators counting procedures, not dossiers or people: never small-count suppressed.
PROCEDURE_MEASURES = ("procedures_online", "services_used", "procedures_paid_online")
# Indicators whose denominator is the same count: the columns are equal by construction.
SAME_DENOMINATOR = (
    ("synced", "submitted_online", "digitised", "reused", "verified"),
    ("average_time", "e_results", "satisfied"),
    ("feedback_on_time", "feedback_satisfied"),
)


@cache
def indicators() -> tuple[tuple[str, str], ...]:
    """(code, measure) of every measured indicator of every version of the index."""
    found = {(i.code, i.measure) for v in versions().values() for i in v.indicators() if i.measure}
    return tuple(sorted(found, key=lambda pair: tuple(int(p) for p in pair[0].split("."))))


def prefix(code: str) -> str:
    return "chi_so_" + code.replace(".", "_")


def monthly_columns() -> tuple[Column, ...]:
    found = [
        column("thang", "yearmonth", "Tháng", "Month"),
        column("ma_dinh_danh", "string", "Mã định danh đơn vị", "Unit's electronic ID"),
        column("ten_don_vi", "string", "Đơn vị", "Unit"),
    ]
    found += [
        column(name, "integer", vi, en, f"Số hồ sơ: {vi.lower()} (báo cáo tháng).",
               f"Dossiers: {en.lower()} (the monthly report).")
        for name, _source, vi, en in COUNTERS
    ]  # fmt: skip
    for code, measure in indicators():
        counted = "thủ tục" if measure in PROCEDURE_MEASURES else "hồ sơ, phản ánh"
        minutes = ("; chỉ số 2.2: tổng số phút làm việc.", "; 2.2: total working minutes.")
        vi_end, en_end = minutes if code == "2.2" else (".", ".")
        found += [
            column(f"{prefix(code)}_tu", "integer", f"Chỉ số {code}: tử số",
                   f"Indicator {code}: numerator",
                   f"Tử số của chỉ số {code} (Quyết định 766/QĐ-TTg) của riêng đơn vị, đếm "
                   f"{counted}{vi_end}",
                   f"Numerator of indicator {code} (Decision 766/QD-TTg) for the unit alone"
                   f"{en_end}"),
            column(f"{prefix(code)}_mau", "integer", f"Chỉ số {code}: mẫu số",
                   f"Indicator {code}: denominator",
                   f"Mẫu số của chỉ số {code} của riêng đơn vị; 0: không có dữ liệu trong tháng.",
                   f"Denominator of indicator {code} for the unit alone; 0: no data that month."),
        ]  # fmt: skip
    found += [
        column("diem", "number", "Điểm chất lượng phục vụ", "Service quality score",
               "Điểm trên 100 của riêng đơn vị theo phiên bản bộ chỉ số của tháng.",
               "The unit's own score out of 100 under the month's index version."),
        column("phien_ban_chi_so", "string", "Phiên bản bộ chỉ số", "Index version"),
    ]  # fmt: skip
    return tuple(found)


def monthly_sensitive() -> frozenset[str]:
    names = {name for name, *_rest in COUNTERS}
    for code, measure in indicators():
        if measure not in PROCEDURE_MEASURES:
            names |= {f"{prefix(code)}_mau"} | ({f"{prefix(code)}_tu"} if code != "2.2" else set())
    return frozenset(names)


def monthly_relations() -> tuple[Relation, ...]:
    """The totals of the report, the flow of a month (conservative: written as exact though
    a refusal before acceptance leaves no dossier in process), and the equal columns."""
    found = [
        Relation.total("tiep_nhan", "tiep_nhan_truc_tuyen", "tiep_nhan_truc_tiep"),
        Relation.total("da_giai_quyet", "giai_quyet_truoc_han", "giai_quyet_dung_han",
                       "giai_quyet_tre_han"),
        Relation((("dang_giai_quyet_cuoi_ky", 1), ("ton_ky_truoc", -1), ("tiep_nhan", -1),
                  ("da_giai_quyet", 1), ("rut_ho_so", 1), ("dung_xu_ly", 1), ("tu_choi", 1))),
    ]  # fmt: skip
    codes = {measure: code for code, measure in indicators()}
    for group in SAME_DENOMINATOR:
        named = [f"{prefix(codes[m])}_mau" for m in group if m in codes]
        found += [Relation.same(a, b) for a, b in pairwise(named)]
    # The index and the report count the same dossiers by different rules; taken as equal.
    for report, measure, part in (
        ("tiep_nhan", "submitted_online", "mau"),
        ("tiep_nhan_truc_tuyen", "submitted_online", "tu"),
        ("so_hoa", "digitised", "tu"), ("tai_su_dung", "reused", "tu"),
        ("ket_qua_dien_tu", "e_results", "tu"),
    ):  # fmt: skip
        if measure in codes:
            found.append(Relation.same(report, f"{prefix(codes[measure])}_{part}"))
    return tuple(found)


def closed_months() -> list[date]:
    """From the first month with data to last month."""
    first = DailySummary.objects.aggregate(first=Min("day"))["first"]
    last = timezone.localdate().replace(day=1)
    months: list[date] = []
    month = first.replace(day=1) if first else last
    while month < last:
        months.append(month)
        month = next_month(month)
    return months


def _report_counts(months: list[date]) -> dict[tuple[int, date], dict[str, int]]:
    """Per (agency, month): the report's counters, carried over and in process; every month
    of the range for every unit that ever received (a quiet month still carries its dossiers)."""
    rows = (
        DailySummary.objects.filter(day__lt=next_month(months[-1]))
        .annotate(month=TruncMonth("day"))
        .values("agency_id", "month")
        .annotate(**{n: Sum(n) for n in (*SUMMED, "in_process_delta")})
        .order_by()
    )
    sums: dict[tuple[int, date], dict[str, int]] = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        sums[(row["agency_id"], month)] = row
    found: dict[tuple[int, date], dict[str, int]] = {}
    for agency_id in sorted({agency_id for agency_id, _month in sums}):
        level = 0
        for month in months:
            row = sums.get((agency_id, month), {})
            counts = {n: row.get(n) or 0 for n in SUMMED}
            counts["carried_over"] = level
            level += row.get("in_process_delta") or 0
            counts["in_process"] = level
            found[(agency_id, month)] = counts
    return found


def monthly_rows() -> Table:
    months = closed_months()
    if not months:
        return Table([])
    counts = _report_counts(months)
    agencies = Agency.objects.in_bulk({agency_id for agency_id, _m in counts})
    rows, hidden = [], []
    sensitive, relations = monthly_sensitive(), monthly_relations()
    for month in months:
        period = Period.month(month.year, month.month)
        ids = sorted(a for a, m in counts if m == month)
        raws = raw_figures({pk: {pk} for pk in ids}, period)
        version = resolve_version(period)
        for pk in sorted(ids, key=lambda pk: agencies[pk].electronic_id):
            row = _monthly_row(month, agencies[pk], counts[(pk, month)])
            row |= _index_cells(score(agencies[pk], period, version, raws[pk]))
            cells = suppress(row, sensitive, relations)
            if "chi_so_2_2_mau" in cells:  # the minutes of one to five dossiers
                cells.add("chi_so_2_2_tu")
            rows.append(row)
            hidden.append(cells)
    end = next_month(months[-1])
    return Table(rows, hidden, start=months[0], end=date.fromordinal(end.toordinal() - 1))


def _monthly_row(month: date, agency: Agency, counts: dict[str, int]) -> dict[str, Any]:
    counts = dict(counts)
    counts["received"] = counts["received_online"] + counts["received_direct"]
    counts["resolved"] = sum(counts[n] for n in ("resolved_early", "resolved_on_time",
                                                 "resolved_late"))  # fmt: skip
    row: dict[str, Any] = {
        "thang": f"{month:%Y-%m}",
        "ma_dinh_danh": agency.electronic_id,
        "ten_don_vi": agency.name,
    }
    row |= {name: counts[source] for name, source, _vi, _en in COUNTERS}
    return row


def _index_cells(index: UnitIndex) -> dict[str, Any]:
    mine = {i.code: i for i in index.indicators()}
    cells: dict[str, Any] = {}
    for code, _measure in indicators():
        found = mine.get(code)
        measured = found is not None and found.measure is not None
        cells[f"{prefix(code)}_tu"] = found.numerator if measured and found else None
        cells[f"{prefix(code)}_mau"] = found.denominator if measured and found else None
    cells["diem"] = index.total
    cells["phien_ban_chi_so"] = index.version.code
    return cells


# --- the published rankings -------------------------------------------------------------------

# No count: a ranking's "dossiers received" summed a quarter's months or a district's wards, so
# a month or a ward that the monthly figures hide (1–5) came back by subtraction. Whether a unit
# had enough dossiers to be ranked is `duoc_xep_hang`.
RANKING_SENSITIVE: frozenset[str] = frozenset()


def ranking_sensitive() -> frozenset[str]:
    return RANKING_SENSITIVE


@cache
def group_codes() -> tuple[str, ...]:
    return tuple(sorted({g.code for v in versions().values() for g in v.groups}))


def ranking_columns() -> tuple[Column, ...]:
    found = [
        column("ky", "string", "Kỳ", "Period", "2026-11 (tháng), 2026-Q4 (quý), 2026-W48 (tuần).",
               "2026-11 (month), 2026-Q4 (quarter), 2026-W48 (week)."),
        column("loai_ky", "string", "Loại kỳ", "Period kind", "week, month hoặc quarter.",
               "week, month or quarter."),
        column("cap", "string", "Cấp xếp hạng", "Level", "commune, department hoặc district.",
               "commune, department or district."),
        column("ma_dinh_danh_cap_tren", "string", "Mã định danh đơn vị cấp trên", "Parent's ID"),
        column("phien_ban_chi_so", "string", "Phiên bản bộ chỉ số", "Index version"),
        column("cong_bo_ngay", "date", "Ngày công bố", "Published on"),
        column("ma_dinh_danh", "string", "Mã định danh đơn vị", "Unit's electronic ID"),
        column("ten_don_vi", "string", "Đơn vị", "Unit"),
        column("duoc_xep_hang", "boolean", "Được xếp hạng", "Ranked",
               "false: dưới số hồ sơ tối thiểu hoặc không có điểm.",
               "false: under the minimum of dossiers, or no score."),
        column("hang", "integer", "Hạng", "Rank"),
        column("hang_ky_truoc", "integer", "Hạng kỳ trước", "Previous rank"),
        column("diem", "number", "Điểm", "Score", "Điểm trên 100.", "Score out of 100."),
    ]  # fmt: skip
    found += [
        column(f"diem_nhom_{code.lower()}", "number", f"Điểm nhóm {code}", f"Group {code} points",
               "Trống: nhóm không có trong phiên bản bộ chỉ số của kỳ.",
               "Empty: the group is not in the period's index version.")
        for code in group_codes()
    ]  # fmt: skip
    return tuple(found)


def _decimal(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def ranking_rows() -> Table:
    snapshots = RankingSnapshot.objects.select_related("parent").order_by(
        "period_key", "level", "parent__electronic_id", "version"
    )
    rows, hidden, days = [], [], []
    for snapshot in snapshots:
        period = Period.parse(snapshot.period_key)
        days += [period.start, period.end]
        for frozen in snapshot.rows:
            row = {
                "ky": snapshot.period_key,
                "loai_ky": snapshot.period_kind,
                "cap": snapshot.level,
                "ma_dinh_danh_cap_tren": snapshot.parent.electronic_id,
                "phien_ban_chi_so": snapshot.version,
                "cong_bo_ngay": timezone.localdate(snapshot.published_at),
                "ma_dinh_danh": frozen["electronic_id"],
                "ten_don_vi": frozen["name"],
                "duoc_xep_hang": bool(frozen["ranked"]),
                "hang": frozen["rank"],
                "hang_ky_truoc": frozen["previous_rank"],
                "diem": _decimal(frozen["total"]),
            }
            groups = frozen.get("groups", {})
            row |= {f"diem_nhom_{c.lower()}": _decimal(groups.get(c)) for c in group_codes()}
            rows.append(row)
            hidden.append(suppress(row, RANKING_SENSITIVE, ()))
    return Table(rows, hidden, start=min(days, default=None), end=max(days, default=None))
