"""Realistic entries for the DCAT tests, registered as a source of their own ("test"): a
platform dataset with its four files, and an open database of the city's data catalogue with a
page and no file. Agencies as the demo has them (the city, a department, a ward). Each test
module makes them its fixtures (tests/opendata has no conftest of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from motcua.identity.models import Agency, UnitLevel
from motcua.opendata import entries
from motcua.opendata.entries import Column, Distribution, Entry
from tests.factories import make_hanoi

CITY = "000.00.00.H26"
JUSTICE = "000.00.12.H26"
SHA = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"


def files(slug: str) -> tuple[Distribution, ...]:
    modified = datetime(2026, 12, 1, 17, 30, 12, 123456, tzinfo=UTC)
    kinds = [
        ("so-lieu.csv", "CSV", "text/csv; charset=utf-8", "Bảng CSV", "CSV table", 48_213),
        ("so-lieu.json", "JSON", "application/json", "Tệp JSON", "JSON file", 96_070),
        ("so-lieu.xlsx", "XLSX",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "Bảng tính Excel", "Excel workbook", 21_544),
        ("datapackage.json", "JSON", "application/json", "Mô tả gói dữ liệu (Frictionless)",
         "Data package descriptor (Frictionless)", 4_102),
    ]  # fmt: skip
    return tuple(
        Distribution(
            file_name=name,
            format=fmt,
            media_type=media,
            title=vi,
            title_en=en,
            byte_size=size,
            sha256=SHA,
            modified=modified,
            access_url=entries.distribution_uri(slug, name),
            download_url=entries.distribution_uri(slug, name),
        )
        for name, fmt, media, vi, en, size in kinds
    )


def monthly_figures() -> Entry:
    slug = "so-lieu-giai-quyet-ho-so-hang-thang"
    return Entry(
        slug=slug, source="test",
        title="Số liệu giải quyết hồ sơ hằng tháng của từng đơn vị",
        title_en="Monthly dossier figures of each unit",
        description="Số hồ sơ tiếp nhận, đã giải quyết, đúng hạn và quá hạn của mỗi đơn vị theo "
        "tháng; ô có từ 5 hồ sơ trở xuống được ẩn.",
        description_en="Dossiers received, settled, on time and late per unit and month; cells "
        "of five dossiers or fewer are suppressed.",
        keywords=("hồ sơ", "thủ tục hành chính", "một cửa"),
        keywords_en=("dossiers", "administrative procedures", "one-stop desk"),
        publisher_id=CITY, publisher_name="Ủy ban nhân dân thành phố Hà Nội",
        frequency="MONTHLY", themes=("GOVE", "REGI"),
        temporal_start=date(2026, 1, 1), temporal_end=date(2026, 11, 30),
        issued=datetime(2026, 2, 1, 1, 0, tzinfo=UTC),
        modified=datetime(2026, 12, 1, 17, 30, tzinfo=UTC),
        columns=(Column("thang", "yearmonth", "Tháng", "Month"),),
        distributions=files(slug),
        contact_name="Văn phòng Ủy ban nhân dân thành phố",
        contact_email="dulieumo@hanoi.gov.vn",
        landing_page=entries.dataset_uri(slug),
        legal_basis="Nghị định 47/2020/NĐ-CP về quản lý, kết nối và chia sẻ dữ liệu số",
    )  # fmt: skip


def civil_status_database() -> Entry:
    slug = "csdl-hotich"
    return Entry(
        slug=slug, source="test", title="Cơ sở dữ liệu hộ tịch điện tử",
        title_en="Electronic civil status database",
        description="Danh mục các trường dữ liệu mở của cơ sở dữ liệu hộ tịch.",
        description_en="The open fields of the civil status database.",
        keywords=("hộ tịch",), keywords_en=("civil status",),
        publisher_id=JUSTICE, publisher_name="Sở Tư pháp thành phố Hà Nội",
        frequency="BIANNUAL", themes=("JUST",),
        issued=datetime(2026, 6, 1, 3, 0, tzinfo=UTC),
        modified=datetime(2026, 6, 1, 3, 0, tzinfo=UTC),
        contact_name="Phòng Hành chính tư pháp", contact_email="stp@hanoi.gov.vn",
        landing_page=entries.dataset_uri(slug),
    )  # fmt: skip


def make_agencies() -> dict[str, Agency]:
    """The city's people's committee, its Department of Justice, and a ward's committee."""
    hanoi, _, ward = make_hanoi()
    city = Agency.objects.create(
        electronic_id=CITY, name="Ủy ban nhân dân thành phố Hà Nội", email="ubnd@hanoi.gov.vn",
        kind=Agency.Kind.PEOPLES_COMMITTEE, unit=hanoi,
    )  # fmt: skip
    justice = Agency.objects.create(
        electronic_id=JUSTICE, name="Sở Tư pháp thành phố Hà Nội", parent=city,
        kind=Agency.Kind.DEPARTMENT, unit=hanoi,
    )  # fmt: skip
    assert hanoi.level == UnitLevel.PROVINCE
    return {"city": city, "justice": justice, "ward": ward}


@contextmanager
def registered() -> Iterator[list[Entry]]:
    """The test source registered while inside; yields the list of the times it was read."""
    reads: list[Entry] = []

    def produce() -> list[Entry]:
        reads.append(monthly_figures())
        return [monthly_figures(), civil_status_database()]

    entries.register("test", produce)
    try:
        yield reads
    finally:
        entries._SOURCES.pop("test", None)
