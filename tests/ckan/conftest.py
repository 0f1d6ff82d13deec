"""A source of realistic open-data entries of our own, registered beside whatever sources the
project registers (the platform's datasets, the city's data catalogue): several publishers,
Vietnamese titles and keywords with diacritics, themes, files in several formats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from motcua.opendata import entries
from motcua.opendata.entries import Column, Distribution, Entry

BASE = "https://dulieu.hanoi.gov.vn"
CITY = ("000.00.00.H26", "Ủy ban nhân dân thành phố Hà Nội")
HOME = ("000.00.10.H26", "Sở Nội vụ thành phố Hà Nội")
JUSTICE = ("000.00.15.H26", "Sở Tư pháp thành phố Hà Nội")
LAND = ("000.00.20.H26", "Sở Nông nghiệp và Môi trường thành phố Hà Nội")
FORMATS = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json"),
           "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           "html": ("HTML", "text/html")}  # fmt: skip
MODIFIED = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 1 December, 00:00 in Hà Nội


def _files(slug: str, kinds: tuple[str, ...], modified: datetime) -> tuple[Distribution, ...]:
    found = []
    for number, kind in enumerate(kinds):
        fmt, media_type = FORMATS[kind]
        name = f"{slug}.{kind}"
        uri = entries.distribution_uri(slug, name)
        found.append(Distribution(
            file_name=name, format=fmt, media_type=media_type,
            title=f"Tệp {fmt}", title_en=f"{fmt} file",
            byte_size=None if kind == "html" else 1024 * (number + 1) + 7,
            sha256="" if kind == "html" else f"{number:x}" * 64,
            modified=modified, access_url=uri, download_url="" if kind == "html" else uri,
        ))  # fmt: skip
    return tuple(found)


def _entry(slug: str, title: str, title_en: str, publisher: tuple[str, str], *,
           keywords: tuple[str, ...], keywords_en: tuple[str, ...], themes: tuple[str, ...],
           kinds: tuple[str, ...], modified: datetime, source: str = "platform",
           frequency: str = "MONTHLY", description: str = "",
           issued: datetime = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)) -> Entry:  # fmt: skip
    return Entry(
        slug=slug, source=source, title=title, title_en=title_en,
        description=description or f"{title}: dữ liệu tổng hợp, không có dữ liệu cá nhân.",
        description_en=f"{title_en}: aggregates, no personal data.",
        keywords=keywords, keywords_en=keywords_en,
        publisher_id=publisher[0], publisher_name=publisher[1], frequency=frequency,
        themes=themes, temporal_start=date(2025, 1, 1), temporal_end=date(2026, 11, 30),
        issued=issued, modified=modified,
        columns=(Column("ma_don_vi", "string", "Mã đơn vị", "Unit code"),),
        distributions=_files(slug, kinds, modified),
        contact_name="Phòng Dữ liệu", contact_email="dulieu@hanoi.gov.vn",
        landing_page=entries.dataset_uri(slug), legal_basis="Nghị định 47/2024/NĐ-CP",
    )  # fmt: skip


def make_entries() -> list[Entry]:
    day = timedelta(days=1)
    return [
        _entry("thu-tuc-hanh-chinh-tn", "Danh mục thủ tục hành chính",
               "Catalogue of administrative procedures", CITY,
               keywords=("thủ tục hành chính", "dịch vụ công"),
               keywords_en=("administrative procedures", "public services"),
               themes=("GOVE",), kinds=("csv", "json", "xlsx"), modified=MODIFIED),
        _entry("so-lieu-hang-thang-tn", "Số liệu phục vụ hằng tháng của các đơn vị",
               "Monthly service figures of the units", CITY,
               keywords=("hồ sơ", "đúng hạn", "chỉ số phục vụ"),
               keywords_en=("dossiers", "on time", "service index"),
               themes=("GOVE", "SOCI"), kinds=("csv", "json", "xlsx"), modified=MODIFIED - day,
               issued=datetime(2025, 12, 1, 1, 0, tzinfo=UTC)),
        _entry("xep-hang-tn", "Xếp hạng chỉ số phục vụ người dân", "Service index rankings",
               HOME, keywords=("xếp hạng", "chỉ số phục vụ"),
               keywords_en=("rankings", "service index"), themes=("GOVE", "REGI"),
               kinds=("csv", "json"), modified=MODIFIED - 2 * day, frequency="QUARTERLY"),
        _entry("csdl-ho-tich-tn", "Cơ sở dữ liệu hộ tịch điện tử", "Civil status database",
               JUSTICE, keywords=("hộ tịch", "khai sinh"),
               keywords_en=("civil status", "birth registration"), themes=("JUST", "SOCI"),
               kinds=("xlsx",), modified=MODIFIED - 30 * day, source="catalogue",
               frequency="IRREG"),
        _entry("csdl-dat-dai-tn", "Cơ sở dữ liệu đất đai", "Land database", LAND,
               keywords=("đất đai", "quy hoạch"), keywords_en=("land", "planning"),
               themes=("ENVI", "REGI"), kinds=("html",), modified=MODIFIED - 60 * day,
               source="catalogue", frequency="ANNUAL"),
    ]  # fmt: skip


def many_entries(count: int) -> list[Entry]:
    """``count`` more datasets, for paging."""
    return [
        _entry(f"bo-du-lieu-so-{n:03d}-tn", f"Bộ dữ liệu số {n}", f"Dataset number {n}",
               (HOME, JUSTICE)[n % 2], keywords=("thống kê",), keywords_en=("statistics",),
               themes=("GOVE",), kinds=("csv",), modified=MODIFIED - timedelta(hours=n))
        for n in range(count)
    ]  # fmt: skip


@pytest.fixture
def catalogue(settings, db) -> Iterator[list[Entry]]:
    """Our entries registered as the source "test" (removed after), the open-data address
    set to a public one that is never this test server's."""
    settings.OPENDATA_BASE_URL = BASE
    made = make_entries()
    entries.register("test", lambda: list(made))
    yield made
    entries._SOURCES.pop("test", None)


@pytest.fixture
def crowded(catalogue) -> Iterator[list[Entry]]:
    """The catalogue and 37 more datasets."""
    made = catalogue + many_entries(37)
    entries.register("test", lambda: list(made))
    yield made


def call(client: Any, name: str, method: str = "get", /, **data: Any) -> tuple[int, Any]:
    """An action by GET (query parameters) or POST (a JSON body): the status and the JSON."""
    url = f"/api/3/action/{name}"
    if method == "post":
        response = client.post(url, json.dumps(data), content_type="application/json")
    else:
        response = client.get(url, data)
    assert response["Content-Type"].startswith("application/json"), response.content
    return response.status_code, json.loads(response.content)
