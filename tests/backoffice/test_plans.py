"""The back office's plan pages: who sees what, the forms with bad input, the export."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from motcua.demo.pdf import one_page_pdf
from motcua.dossiers.files import NewUpload
from motcua.plans import selectors, services
from motcua.plans.models import Plan, TaskEvidence, TaskStatus
from tests.dossiers.world import local


@pytest.fixture
def world(plan_world):
    return plan_world


@pytest.fixture(autouse=True)
def _may_sign_in_with_a_password_alone(settings, tmp_path):
    settings.OFFICER_2FA_REQUIRED = False
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _in_may():
    with time_machine.travel(local(2026, 5, 10, 9, 0), tick=False):
        yield


def _as(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_the_plans_the_officer_reads(client, world, plan):
    page = _as(client, world["police_specialist"]).get(reverse("backoffice:plans"))
    assert page.status_code == 200 and plan.name in page.content.decode()
    other = _as(client, world["specialist2"]).get(reverse("backoffice:plans")).content.decode()
    assert plan.name not in other


def test_a_plan_not_readable_answers_404_on_every_url(client, world, plan):
    task = plan.tasks.get()
    _as(client, world["specialist2"])
    urls = [
        reverse("backoffice:plan", args=[plan.pk]),
        reverse("backoffice:plan-edit", args=[plan.pk]),
        reverse("backoffice:plan-export", args=[plan.pk, "csv"]),
        reverse("backoffice:plan-task-update", args=[plan.pk, task.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        if "sua" in url or "cap-nhat" in url:
            assert client.post(url, {"status": "done"}).status_code == 404, url
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_the_progress_page_marks_an_overdue_task_in_words(client, world, plan):
    with time_machine.travel(local(2026, 7, 2, 9, 0), tick=False):
        page = _as(client, world["approver"]).get(reverse("backoffice:plan", args=[plan.pk]))
    html = page.content.decode()
    assert "Số hóa sổ hộ tịch" in html and "Quá hạn" in html and "1 nhiệm vụ quá hạn" in html
    assert "Sửa kế hoạch" in html


def test_a_reader_who_may_not_edit_gets_403_with_the_reason(client, world, plan):
    response = _as(client, world["city_specialist"]).post(
        reverse("backoffice:plan-edit", args=[plan.pk]), {"name": "Khác"}
    )
    assert response.status_code == 403
    assert "lãnh đạo cơ quan chủ trì" in response.content.decode()
    plan.refresh_from_db()
    assert plan.name == "Kế hoạch chuyển đổi số năm 2026"


def test_a_plan_with_bad_dates_is_refused_beside_the_field(client, world):
    response = _as(client, world["approver"]).post(reverse("backoffice:plan-create"), {
        "name": "Kế hoạch cải cách hành chính", "starts_on": "01/06/2026",
        "ends_on": "31/13/2026", "owner": world.committee.pk,
    })  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nhập ngày theo dạng ngày/tháng/năm" in html and 'href="#id_ends_on"' in html
    assert not Plan.objects.exists()


def test_a_leader_creates_a_plan_then_adds_a_target_and_a_task(client, world):
    _as(client, world["approver"])
    response = client.post(reverse("backoffice:plan-create"), {
        "name": "Kế hoạch cải cách hành chính", "reference": "Kế hoạch số 5/KH-UBND",
        "starts_on": "01/01/2026", "ends_on": "31/12/2026", "owner": world.committee.pk,
    })  # fmt: skip
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/ke-hoach/{plan.pk}/")
    bad = client.post(reverse("backoffice:plan-target-add", args=[plan.pk]), {
        "name": "Đúng hạn", "indicator": "2.1", "comparison": "at_least", "value": "120",
        "deadline": "31/12/2026",
    })  # fmt: skip
    assert bad.status_code == 400 and "từ 0 đến 100" in bad.content.decode()
    good = client.post(reverse("backoffice:plan-target-add", args=[plan.pk]), {
        "name": "Đúng hạn", "indicator": "2.1", "comparison": "at_least", "value": "95,5",
        "deadline": "31/12/2026", "agencies": [world.committee.pk, world.committee2.pk],
    })  # fmt: skip
    assert good.status_code == 302
    target = plan.targets.get()
    assert str(target.value) == "95.50" and target.agencies.count() == 2
    task = client.post(reverse("backoffice:plan-task-add", args=[plan.pk]), {
        "name": "Tập huấn cán bộ", "owner": world.police.pk, "due_on": "30/06/2026",
    })  # fmt: skip
    assert task.status_code == 302 and plan.tasks.get().owner == world.police


def test_a_leader_of_another_agency_may_not_create_for_this_one(client, world):
    response = _as(client, world["police_approver"]).post(reverse("backoffice:plan-create"), {
        "name": "Kế hoạch", "starts_on": "01/01/2026", "ends_on": "31/12/2026",
        "owner": world.committee.pk,
    })  # fmt: skip
    assert (
        response.status_code == 400
        and "Chọn một đơn vị trong danh sách" in response.content.decode()
    )
    assert (
        _as(client, world["specialist"]).get(reverse("backoffice:plan-create")).status_code == 403
    )
    assert not Plan.objects.exists()


def test_the_task_owner_updates_with_evidence_and_others_download_it(client, world, plan):
    task = plan.tasks.get()
    url = reverse("backoffice:plan-task-update", args=[plan.pk, task.pk])
    _as(client, world["police_specialist"])
    bad = client.post(url, {"status": "done", "note": "Xong",
                            "evidence": io.BytesIO(b"not a pdf")})  # fmt: skip
    assert bad.status_code == 400 and not TaskEvidence.objects.exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED
    upload = io.BytesIO(one_page_pdf("Biên bản"))
    upload.name = "bien-ban.pdf"
    done = client.post(url, {"status": "done", "note": "Đã số hóa.", "evidence": upload})
    assert done.status_code == 302
    evidence = TaskEvidence.objects.get()
    file_url = reverse("backoffice:plan-evidence", args=[plan.pk, task.pk, evidence.pk])
    got = _as(client, world["city_leader"]).get(file_url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert _as(client, world["specialist2"]).get(file_url).status_code == 404


def test_a_ward_officer_may_not_update_the_polices_task(client, world, plan):
    task = plan.tasks.get()
    url = reverse("backoffice:plan-task-update", args=[plan.pk, task.pk])
    response = _as(client, world["specialist"]).post(url, {"status": "done"})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_the_progress_exports_as_csv_and_xlsx(client, world, plan):
    _as(client, world["approver"])
    csv_response = client.get(reverse("backoffice:plan-export", args=[plan.pk, "csv"]))
    assert csv_response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][0] == plan.name
    names = [row[1] for row in rows if len(row) > 1]
    assert "Hồ sơ giải quyết đúng hạn" in names and "Số hóa sổ hộ tịch" in names
    xlsx = client.get(reverse("backoffice:plan-export", args=[plan.pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    targets, tasks = book.worksheets
    assert targets.cell(3, 2).value == "Hồ sơ giải quyết đúng hạn"
    assert targets.cell(3, 10).value == "" or targets.cell(3, 10).value is None  # no data yet
    assert (
        tasks.cell(2, 2).value == "Số hóa sổ hộ tịch" and tasks.cell(2, 5).value == "Chưa bắt đầu"
    )
    assert client.get(reverse("backoffice:plan-export", args=[plan.pk, "pdf"])).status_code == 404


def test_the_task_page_shows_its_history(client, world, plan):
    task = plan.tasks.get()
    url = reverse("backoffice:plan-task-update", args=[plan.pk, task.pk])
    _as(client, world["police_specialist"])
    client.post(url, {"status": "in_progress", "note": "Đã số hóa 300 trang."})
    html = client.get(url).content.decode()
    assert "Giao nhiệm vụ" in html and "Chuyển sang “Đang thực hiện”" in html
    assert "Đã số hóa 300 trang." in html


@pytest.mark.html
@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML checker needs Java")
def test_the_plan_pages_are_valid_html(client, world, plan, tmp_path):
    from tests.test_html import nu_errors

    task = plan.tasks.get()
    free = plan.targets.get(indicator="")
    services.enter_value(target=free, value=Decimal(12), by=world["approver"])
    upload = NewUpload(io.BytesIO(one_page_pdf("Biên bản")), name="bien-ban.pdf")
    services.update_task(task=task, status="done", note="Xong.", uploads=[upload],
                         by=world["police_specialist"])  # fmt: skip
    _as(client, world["approver"])
    pages = {
        name: client.get(reverse(url, args=args)).content.decode()
        for name, url, args in [
            ("list", "backoffice:plans", []),
            ("plan", "backoffice:plan", [plan.pk]),
            ("create", "backoffice:plan-create", []),
            ("edit", "backoffice:plan-edit", [plan.pk]),
            ("target", "backoffice:plan-target-add", [plan.pk]),
            ("value", "backoffice:plan-target-value", [plan.pk, free.pk]),
            ("task", "backoffice:plan-task-add", [plan.pk]),
            ("update", "backoffice:plan-task-update", [plan.pk, task.pk]),
        ]
    }
    pages["target, errors"] = client.post(
        reverse("backoffice:plan-target-add", args=[plan.pk]), {"value": "x"}
    ).content.decode()
    pages["update, errors"] = client.post(
        reverse("backoffice:plan-task-update", args=[plan.pk, task.pk]), {"status": "x"}
    ).content.decode()
    folder = tmp_path / "nu"
    folder.mkdir()
    assert nu_errors(pages, folder) == []


def test_a_typed_name_never_becomes_a_formula_in_the_export(client, world, plan):
    Plan.objects.filter(pk=plan.pk).update(name='=HYPERLINK("http://x")', reference="+1")
    plan.tasks.update(name="@SUM(A1)")
    _as(client, world["approver"])
    xlsx = client.get(reverse("backoffice:plan-export", args=[plan.pk, "xlsx"]))
    targets, tasks = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets
    assert targets.cell(1, 1).value == '\'=HYPERLINK("http://x")'
    assert targets.cell(1, 2).value == "'+1" and tasks.cell(2, 2).value == "'@SUM(A1)"
    text = client.get(reverse("backoffice:plan-export", args=[plan.pk, "csv"])).content
    first = next(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert first[:2] == ['\'=HYPERLINK("http://x")', "'+1"]


def test_bad_values_and_dates_are_refused_and_nothing_changes(client, world, plan):
    free = plan.targets.get(indicator="")
    _as(client, world["approver"])
    value = client.post(
        reverse("backoffice:plan-target-value", args=[plan.pk, free.pk]), {"value": "nhiều"}
    )
    assert value.status_code == 400 and "Nhập một số" in value.content.decode()
    task = client.post(reverse("backoffice:plan-task-add", args=[plan.pk]), {
        "name": "", "owner": "999999", "due_on": "30/02/2026",
    })  # fmt: skip
    html = task.content.decode()
    assert task.status_code == 400
    for message in ("Không được để trống.", "Chọn một đơn vị trong danh sách.",
                    "Nhập ngày theo dạng ngày/tháng/năm"):  # fmt: skip
        assert message in html
    free.refresh_from_db()
    assert free.current_value is None and plan.tasks.count() == 1


def test_the_list_counts_done_and_overdue_tasks(client, world, plan):
    services.add_task(plan=plan, by=world["approver"], fields=services.TaskFields(
        name="Tập huấn", owner=world.committee, due_on=date(2026, 3, 1)))  # fmt: skip
    listed = selectors.plans_listed(world["approver"], date(2026, 5, 10)).get()
    assert (listed.task_count, listed.done_count, listed.overdue_count) == (2, 0, 1)
    html = _as(client, world["approver"]).get(reverse("backoffice:plans")).content.decode()
    assert "0/2" in html and "Quá hạn" in html
