"""A plan's progress as a CSV file and as an XLSX workbook: one row per target and unit, one
row per task; the same figures as the progress page."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.core.text import spreadsheet_text
from motcua.plans.indicators import indicator_name
from motcua.plans.models import TaskStatus
from motcua.plans.selectors import PlanProgress, TargetProgress, target_units

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | Decimal | None


_text = spreadsheet_text  # a name typed by a person must not run as a formula


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}".replace(".", ",")


def target_headers() -> list[str]:
    return [_("STT"), _("Chỉ tiêu"), _("Chỉ số"), _("So sánh"), _("Giá trị chỉ tiêu"),
            _("Đơn vị tính"), _("Thời hạn"), _("Đơn vị áp dụng"), _("Giá trị hiện tại"),
            _("Đạt tại đơn vị"), _("Tình trạng chỉ tiêu")]  # fmt: skip


def task_headers() -> list[str]:
    return [_("STT"), _("Nhiệm vụ"), _("Đơn vị thực hiện"), _("Hạn hoàn thành"),
            _("Trạng thái"), _("Quá hạn"), _("Hoàn thành lúc"), _("Số tệp minh chứng")]  # fmt: skip


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else (_("Có") if flag else _("Không"))


def target_rows(item: TargetProgress) -> list[list[Cell]]:
    t = item.target
    head: list[Cell] = [t.position, _text(t.name),
                        f"{t.indicator} {indicator_name(t.indicator)}" if t.indicator else "",
                        str(t.get_comparison_display()), t.value,
                        "%" if t.indicator else _text(t.unit_of_measure),
                        f"{t.deadline:%d/%m/%Y}"]  # fmt: skip
    if not t.tracks_index:
        met = None if t.current_value is None else t.reached(t.current_value)
        owner = target_units(t)[0].name
        return [[*head, owner, t.current_value, _yes_no(met), item.label]]
    return [[*head, u.agency.name, u.ratio, _yes_no(u.met), item.label] for u in item.units]


def task_rows(progress: PlanProgress) -> list[list[Cell]]:
    return [
        [t.task.position, _text(t.task.name), t.task.owner.name, f"{t.task.due_on:%d/%m/%Y}",
         str(TaskStatus(t.task.status).label), _yes_no(t.overdue),
         "" if t.task.completed_at is None else f"{t.task.completed_at:%d/%m/%Y}",
         len(t.task.evidence.all())]
        for t in progress.tasks
    ]  # fmt: skip


def _summary(progress: PlanProgress) -> list[str]:
    plan = progress.plan
    return [
        _text(plan.name), _text(plan.reference), plan.owner.name,
        f"{plan.starts_on:%d/%m/%Y} – {plan.ends_on:%d/%m/%Y}",
        _("Số liệu đến ngày %(day)s") % {"day": f"{progress.today:%d/%m/%Y}"},
    ]  # fmt: skip


def as_csv(progress: PlanProgress) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow(_summary(progress))
    writer.writerow([])
    writer.writerow(target_headers())
    for item in progress.targets:
        for row in target_rows(item):
            writer.writerow([_number(c) if isinstance(c, Decimal) else c for c in row])
    writer.writerow([])
    writer.writerow(task_headers())
    writer.writerows(task_rows(progress))
    return out.getvalue()


def as_xlsx(progress: PlanProgress) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    targets = book.active
    targets.title = _("Chỉ tiêu")[:31]
    targets.append(_summary(progress))
    targets.append(target_headers())
    for item in progress.targets:
        for row in target_rows(item):
            targets.append(row)
    tasks = book.create_sheet(_("Nhiệm vụ")[:31])
    tasks.append(task_headers())
    for row in task_rows(progress):
        tasks.append(row)
    for header in (targets[2], tasks[1]):
        for cell in header:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
