"""The datasets as their readers meet them: the files, the figures against the monthly report
and the public page, and frictionless's verdict on every package."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import frictionless
import time_machine
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from motcua.dossiers.reports import monthly_report
from motcua.identity.models import Agency
from motcua.opendata.datasets import dataset, datasets
from motcua.opendata.models import PublishedDataset, PublishedFile
from motcua.opendata.publish import publish_all
from motcua.reporting.index import unit_index
from motcua.reporting.periods import Period
from tests.dossiers.world import local


def _files(slug: str) -> dict[str, bytes]:
    found = PublishedFile.objects.filter(dataset__slug=slug)
    return {f.file_name: default_storage.open(f.storage_name).read() for f in found}


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_every_dataset_is_published_in_four_files(figures, december):
    outcomes = publish_all()
    assert {o.slug for o in outcomes} == {
        "thu-tuc-hanh-chinh", "co-quan-don-vi", "so-lieu-hang-thang", "xep-hang"
    }  # fmt: skip
    for found in datasets():
        names = set(_files(found.slug))
        assert names == {f"{found.slug}.csv", f"{found.slug}.json", f"{found.slug}.xlsx",
                         "datapackage.json"}  # fmt: skip


def test_frictionless_accepts_every_written_package(figures, december, tmp_path):
    publish_all()
    for found in datasets():
        folder = tmp_path / found.slug
        folder.mkdir()
        for name, content in _files(found.slug).items():
            (folder / name).write_bytes(content)
        report = frictionless.validate(str(folder / "datapackage.json"))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_wards_unsuppressed_month_equals_its_report_and_its_public_page(figures, december):
    world = figures["cases"]["early"].agency
    table = dataset("so-lieu-hang-thang").build()
    [row] = [r for r in table.rows if r["ma_dinh_danh"] == world.electronic_id
             and r["thang"] == "2026-11"]  # fmt: skip
    total = monthly_report(world, date(2026, 11, 1)).total
    assert row["tiep_nhan"] == total.received == 6
    assert row["da_giai_quyet"] == total.resolved
    assert row["giai_quyet_tre_han"] == total.resolved_late
    assert row["ton_ky_truoc"] == total.carried_over
    assert row["dang_giai_quyet_cuoi_ky"] == total.in_process
    for name, counter in (("tu_choi", "refused"), ("rut_ho_so", "withdrawn"),
                          ("yeu_cau_bo_sung", "supplement_requested")):  # fmt: skip
        assert row[name] == total.counts.get(counter, 0)
    index = unit_index(world, Period.month(2026, 11))
    measured = [i for i in index.indicators() if i.measure is not None]
    assert measured
    for indicator in measured:
        prefix = "chi_so_" + indicator.code.replace(".", "_")
        assert (row[f"{prefix}_tu"], row[f"{prefix}_mau"]) == (
            indicator.numerator,
            indicator.denominator,
        )
    assert row["diem"] == index.total


def test_the_public_page_shows_the_figures_the_row_holds(client, figures, december):
    ward = figures["cases"]["early"].agency
    table = dataset("so-lieu-hang-thang").build()
    [row] = [r for r in table.rows if r["ma_dinh_danh"] == ward.electronic_id
             and r["thang"] == "2026-11"]  # fmt: skip
    response = client.get(f"/xep-hang/don-vi/{ward.electronic_id}/", {"ky": "2026-11"})
    assert response.status_code == 200
    page = response.content.decode()
    shown = 0
    for code in ("1.4", "2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "4.5", "5.2", "5.3", "5.4"):
        prefix = "chi_so_" + code.replace(".", "_")
        if row[f"{prefix}_mau"]:
            assert f"{row[f'{prefix}_tu']} / {row[f'{prefix}_mau']}" in page, code
            shown += 1
    assert shown >= 3


def test_the_months_run_from_the_first_with_data_to_the_last_closed(figures, december):
    table = dataset("so-lieu-hang-thang").build()
    assert sorted({r["thang"] for r in table.rows}) == ["2026-10", "2026-11"]
    assert (table.start, table.end) == (date(2026, 10, 1), date(2026, 11, 30))
    second = figures["city"]  # the city receives nothing itself: no row
    assert second.electronic_id not in {r["ma_dinh_danh"] for r in table.rows}


def test_small_counts_read_x_in_csv_and_xlsx_and_null_in_json(figures, december):
    publish_all()
    files = _files("so-lieu-hang-thang")
    rows = _csv(files["so-lieu-hang-thang.csv"])
    november = next(r for r in rows if r["thang"] == "2026-11" and r["tiep_nhan_truc_tiep"])
    assert november["tiep_nhan"] == "6"
    counts = dataset("so-lieu-hang-thang").sensitive()  # not the counts of procedures
    small = [n for n, v in november.items() if n in counts and v.isdigit() and 1 <= int(v) <= 5]
    assert small == []
    assert "x" in november.values()
    data = json.loads(files["so-lieu-hang-thang.json"])["data"]
    same = next(r for r in data if r["thang"] == "2026-11" and r["ma_dinh_danh"]
                == november["ma_dinh_danh"])  # fmt: skip
    assert same["o_bi_an"] and all(same[name] is None for name in same["o_bi_an"])
    assert {n for n, v in november.items() if v == "x"} == set(same["o_bi_an"])
    book = load_workbook(io.BytesIO(files["so-lieu-hang-thang.xlsx"]))
    assert book.sheetnames == ["du_lieu", "mo_ta_cot"]
    header = [c.value for c in book["du_lieu"][1]]
    values = [[c.value for c in r] for r in book["du_lieu"].iter_rows(min_row=2)]
    line = next(v for v in values if v[0] == "2026-11" and v[1] == november["ma_dinh_danh"])
    assert {header[i] for i, v in enumerate(line) if v == "x"} == set(same["o_bi_an"])
    described = {r[0].value: r[4].value for r in book["mo_ta_cot"].iter_rows(min_row=2)}
    assert '"x"' in described["tiep_nhan"]


def test_the_catalogue_lists_every_version_and_the_agencies_no_phone(figures, december):
    procedures = dataset("thu-tuc-hanh-chinh").build().rows
    assert {r["ma_thu_tuc"] for r in procedures} >= {"1.000001"}
    agencies = dataset("co-quan-don-vi").build().rows
    ward = next(r for r in agencies if r["ma_dinh_danh"] == "000.01.99.H26")
    assert ward["ma_dinh_danh_cap_tren"] == figures["city"].electronic_id
    assert ward["ma_don_vi_hanh_chinh"] == "00070"
    assert not {"dien_thoai", "email", "phone"} & set(ward)


def test_unchanged_data_is_not_written_again_and_a_change_is(
    figures, december, world, django_capture_on_commit_callbacks
):
    publish_all()
    before = dict(PublishedFile.objects.values_list("storage_name", "sha256"))
    again = publish_all()
    assert not any(o.changed for o in again)
    assert dict(PublishedFile.objects.values_list("storage_name", "sha256")) == before
    world.committee.name = "UBND Phường Hoàn Kiếm mới"
    world.committee.save()
    with django_capture_on_commit_callbacks(execute=True):
        changed = {o.slug for o in publish_all() if o.changed}
    assert "co-quan-don-vi" in changed
    rows = _csv(_files("co-quan-don-vi")["co-quan-don-vi.csv"])
    assert "UBND Phường Hoàn Kiếm mới" in {r["ten"] for r in rows}
    for old in set(before) - set(PublishedFile.objects.values_list("storage_name", flat=True)):
        assert not default_storage.exists(old)
    assert PublishedDataset.objects.get(slug="co-quan-don-vi").preview


def test_a_name_starting_with_an_equals_sign_stays_text_in_the_xlsx(figures, december, world):
    world.committee.name = '=HYPERLINK("http://example.com")'
    world.committee.save()
    publish_all()
    book = load_workbook(io.BytesIO(_files("co-quan-don-vi")["co-quan-don-vi.xlsx"]))
    cells = [
        c for row in book["du_lieu"].iter_rows() for c in row if c.value == world.committee.name
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_text_that_looks_like_a_formula_is_data_in_csv_and_text_in_xlsx(figures, december, world):
    """The decision docs/opendata.md states: the CSV keeps the value as it is (data for
    programs), the XLSX stores it as text (no prefix turns into a formula)."""
    names = ("+1+1", "-1+1", "@SUM(1+1)")  # "=" is the test above
    for agency, name in zip((world.committee, world.committee2, figures["city"]), names,
                            strict=True):  # fmt: skip
        agency.name = name
        agency.save()
    publish_all()
    files = _files("co-quan-don-vi")
    assert {r["ten"] for r in _csv(files["co-quan-don-vi.csv"])} >= set(names)
    book = load_workbook(io.BytesIO(files["co-quan-don-vi.xlsx"]))
    cells = [c for row in book["du_lieu"].iter_rows() for c in row if c.value in names]
    assert len(cells) == 3 and all(c.data_type == "s" for c in cells)


def test_a_month_without_dossiers_has_its_rows_and_equals_the_report(figures, december):
    """Seen from January, December (no dossier received anywhere) is closed: every unit has a
    row, its counters 0 and what is in process carried over, as the monthly report says."""
    with time_machine.travel(local(2027, 1, 10, 10, 0), tick=False):
        table = dataset("so-lieu-hang-thang").build()
        quiet = [r for r in table.rows if r["thang"] == "2026-12"]
        assert table.end == date(2026, 12, 31)
        assert {r["ma_dinh_danh"] for r in quiet} == {
            r["ma_dinh_danh"] for r in table.rows if r["thang"] == "2026-11"
        }
        for row in quiet:
            agency = Agency.objects.get(electronic_id=row["ma_dinh_danh"])
            total = monthly_report(agency, date(2026, 12, 1)).total
            assert row["tiep_nhan"] == total.received == 0
            assert (row["ton_ky_truoc"], row["dang_giai_quyet_cuoi_ky"]) == (
                total.carried_over,
                total.in_process,
            )
            assert row["ton_ky_truoc"] > 0
