"""The demo plan: Hoàn Kiếm ward's plan for digital transformation and administrative reform
for the year, carrying out the city's ("Kế hoạch chuyển đổi số … năm 2026" kind of targets:
procedures online, satisfaction, digitisation, re-use, on time) with tasks across the demo
units — some done with evidence, some in progress, one overdue. Made through the services as
the ward's leader and officers would; a second run adds nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from motcua.dossiers.files import NewUpload
from motcua.identity.models import User
from motcua.plans import services
from motcua.plans.models import Plan, TaskStatus
from motcua.plans.services import PlanFields, TargetFields, TaskFields

from .accounts import find_agency
from .pdf import one_page_pdf

NAME = "Kế hoạch chuyển đổi số, cải cách hành chính Phường Hoàn Kiếm năm {year}"
HOAN_KIEM, BA_DINH = "00070/peoples_committee", "00004/peoples_committee"
HOAN_KIEM_POLICE = "00070/police"

# (name, indicator, value, comparison, unit of measure, the units it applies to)
TARGETS = (
    ("100% thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực tuyến", "3.1",
     100, "at_least", "", (HOAN_KIEM, BA_DINH)),
    ("Tỷ lệ hài lòng của người dân, doanh nghiệp đạt tối thiểu 80%", "5.4", 80, "at_least", "",
     (HOAN_KIEM,)),
    ("Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt tối thiểu 80%", "4.2", 80,
     "at_least", "", (HOAN_KIEM, BA_DINH)),
    ("Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa đạt tối thiểu 80%", "4.3", 80, "at_least",
     "", (HOAN_KIEM,)),
    ("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn đạt tối thiểu 95%", "2.1", 95, "at_least", "",
     (HOAN_KIEM, BA_DINH)),
    ("Tổ chức các buổi hướng dẫn người dân sử dụng dịch vụ công trực tuyến tại khu dân cư", "",
     24, "at_least", "buổi", ()),
)  # fmt: skip


@dataclass(frozen=True)
class DemoTask:
    name: str
    owner: str
    due_in_days: int  # from today; negative: already due
    status: str
    by: str = ""  # who reports on it
    note: str = ""
    evidence: str = ""  # the name of a PDF handed in as evidence


TASKS = (
    DemoTask("Rà soát, công bố danh mục thủ tục hành chính cung cấp dịch vụ công trực tuyến "
             "toàn trình", HOAN_KIEM, -200, TaskStatus.DONE, "chuyenvien.hoankiem",
             "Đã rà soát 212 thủ tục; công bố danh mục kèm Quyết định của UBND phường.",
             "quyet-dinh-cong-bo-danh-muc.pdf"),
    DemoTask("Làm sạch dữ liệu cư trú, kết nối Cơ sở dữ liệu quốc gia về dân cư", HOAN_KIEM_POLICE,
             -90, TaskStatus.DONE, "chuyenvien.conganhoankiem",
             "Hoàn thành làm sạch dữ liệu của 18 tổ dân phố.", "bao-cao-lam-sach-du-lieu.pdf"),
    DemoTask("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực", HOAN_KIEM, 25,
             TaskStatus.IN_PROGRESS, "motcua.hoankiem",
             "Đã số hóa sổ hộ tịch giai đoạn 2015–2020; đang số hóa giai đoạn 2021–2025."),
    DemoTask("Tập huấn kỹ năng số cho cán bộ bộ phận một cửa", HOAN_KIEM, -20,
             TaskStatus.IN_PROGRESS, "chuyenvien2.hoankiem",
             "Đã tổ chức 1/3 lớp; hai lớp còn lại chờ bố trí giảng viên."),
    DemoTask("Triển khai thanh toán trực tuyến phí, lệ phí tại bộ phận một cửa", BA_DINH, 20,
             TaskStatus.NOT_STARTED),
)  # fmt: skip


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@transaction.atomic
def seed_demo_plans(today: date | None = None) -> int:
    """The demo plan of the year of ``today``; 0 when it is already there, else 1."""
    today = today or timezone.localdate()
    name = NAME.format(year=today.year)
    if Plan.objects.filter(name=name).exists():
        return 0
    leader = User.objects.get(username="lanhdao.hoankiem")
    plan = services.create_plan(by=leader, fields=PlanFields(
        name=name, reference=f"Kế hoạch số 15/KH-UBND ngày 20/01/{today.year}",
        starts_on=date(today.year, 1, 1), ends_on=date(today.year, 12, 31),
        owner=find_agency(HOAN_KIEM),
        description="Triển khai Kế hoạch chuyển đổi số của Thành phố trên địa bàn phường: "
        "dịch vụ công trực tuyến, số hóa, tái sử dụng dữ liệu và sự hài lòng của người dân.",
    ))  # fmt: skip
    for title, indicator, value, comparison, unit, agencies in TARGETS:
        target = services.add_target(plan=plan, by=leader, fields=TargetFields(
            name=title, indicator=indicator, value=Decimal(value), comparison=comparison,
            deadline=plan.ends_on, unit_of_measure=unit,
            agencies=[find_agency(a) for a in agencies],
        ))  # fmt: skip
        if not indicator:
            services.enter_value(target=target, value=Decimal(9), by=leader,
                                 at=_noon(today - timedelta(days=7)))  # fmt: skip
    for spec in TASKS:
        _task(plan, spec, leader, today)
    return 1


def _task(plan: Plan, spec: DemoTask, leader: User, today: date) -> None:
    due = today + timedelta(days=spec.due_in_days)
    task = services.add_task(plan=plan, by=leader, fields=TaskFields(
        name=spec.name, owner=find_agency(spec.owner), due_on=due))  # fmt: skip
    if spec.status == TaskStatus.NOT_STARTED:
        return
    by = User.objects.get(username=spec.by)
    uploads = []
    if spec.evidence:
        pdf = one_page_pdf(spec.name[:80], spec.note[:80])
        uploads = [NewUpload(io.BytesIO(pdf), name=spec.evidence)]
    when = _noon(min(today - timedelta(days=1), due - timedelta(days=3)))
    services.update_task(task=task, status=spec.status, note=spec.note, uploads=uploads, by=by,
                         at=when)  # fmt: skip
