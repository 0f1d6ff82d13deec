"""A dataset's table written as the files people download: CSV (UTF-8, a header of column
names), JSON, XLSX (the data, and a sheet describing the columns) and the Frictionless Data
Package descriptor ``datapackage.json`` whose one resource is the CSV with its Table Schema.

Suppressed cells read ``x`` in CSV and XLSX (declared in the schema's ``missingValues``) and
``null`` in JSON, where each row lists its suppressed columns. The bytes depend on the data
only (no time of writing inside), so a dataset whose data did not change is not republished.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from motcua.core.public_urls import absolute

from .datasets import Dataset
from .entries import LICENCE_ID, LICENCE_URL, Column, dataset_uri
from .suppression import SUPPRESSED
from .table import Table

MISSING = ("", SUPPRESSED)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# (format, media type, the file's name after the slug)
FORMATS = (
    ("CSV", "text/csv", ".csv"),
    ("JSON", "application/json", ".json"),
    ("XLSX", XLSX_TYPE, ".xlsx"),
    ("JSON", "application/json", "/datapackage.json"),
)
FIXED_TIME = datetime(2000, 1, 1)  # the XLSX's own dates: the bytes follow the data alone


@dataclass(frozen=True)
class Written:
    file_name: str
    format: str
    media_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def file_names(slug: str) -> list[tuple[str, str, str]]:
    """(file name, format, media type) of each file of ``slug``, in the order shown."""
    return [
        ("datapackage.json" if suffix.startswith("/") else slug + suffix, fmt, media)
        for fmt, media, suffix in FORMATS
    ]


def text(value: Any) -> str:
    """A cell as CSV writes it (Frictionless's default formats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def cells(table: Table, columns: tuple[Column, ...]) -> Iterator[list[str]]:
    for row, hidden in zip(table.rows, table.hidden, strict=True):
        yield [SUPPRESSED if c.name in hidden else text(row.get(c.name)) for c in columns]


def as_csv(table: Table, columns: tuple[Column, ...]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    writer.writerows(cells(table, columns))
    return out.getvalue().encode("utf-8")


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_json(dataset: Dataset, table: Table, columns: tuple[Column, ...]) -> bytes:
    rows = []
    for row, hidden in zip(table.rows, table.hidden, strict=True):
        found = {
            c.name: None if c.name in hidden else _json_value(row.get(c.name)) for c in columns
        }
        if dataset.sensitive():
            found["o_bi_an"] = sorted(hidden)
        rows.append(found)
    document = {
        "name": dataset.slug,
        "title": dataset.title,
        "license": LICENCE_ID,
        "fields": [_field(c) for c in columns],
        "data": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def as_xlsx(dataset: Dataset, table: Table, columns: tuple[Column, ...]) -> bytes:
    book = Workbook()
    book.properties.creator = "Một Cửa"
    book.properties.created = book.properties.modified = FIXED_TIME
    data = book.active
    assert data is not None
    data.title = "du_lieu"
    data.append([c.name for c in columns])
    for row, hidden in zip(table.rows, table.hidden, strict=True):
        data.append([SUPPRESSED if c.name in hidden else _xlsx(row.get(c.name)) for c in columns])
        for cell in data[data.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a name starting with "=" is text, never a formula
    described = book.create_sheet("mo_ta_cot")
    described.append(["ten_cot", "kieu", "tieu_de", "title", "mo_ta", "description"])
    for c in columns:
        described.append([c.name, c.type, c.title, c.title_en, c.description, c.description_en])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool | int | float | date) or value is None:
        return value
    return str(value)


def _field(c: Column) -> dict[str, str]:
    return {"name": c.name, "type": c.type, "title": c.title, "description": c.description}


def datapackage(dataset: Dataset, csv_file: Written, columns: tuple[Column, ...]) -> bytes:
    descriptor = {
        "name": dataset.slug,
        "title": dataset.title,
        "description": dataset.description,
        "homepage": dataset_uri(dataset.slug),
        "keywords": list(dataset.keywords),
        "licenses": [
            {"name": LICENCE_ID, "path": LICENCE_URL, "title": "Creative Commons Attribution 4.0"}
        ],
        "sources": [{"title": title, "path": absolute(path)} for title, path in dataset.sources],
        "resources": [
            {
                "name": dataset.slug,
                "path": csv_file.file_name,
                "profile": "tabular-data-resource",
                "title": dataset.title,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(csv_file.content),
                "hash": f"sha256:{csv_file.sha256}",
                "schema": {
                    "fields": [_field(c) for c in columns],
                    "missingValues": list(MISSING),
                },
            }
        ],
    }
    return json.dumps(descriptor, ensure_ascii=False, indent=1).encode("utf-8")


def write(dataset: Dataset, table: Table) -> list[Written]:
    """Every file of ``dataset``, in the order of ``FORMATS``."""
    columns = dataset.columns()
    names = file_names(dataset.slug)
    contents = [
        as_csv(table, columns),
        as_json(dataset, table, columns),
        as_xlsx(dataset, table, columns),
    ]
    found = [Written(n, f, m, c) for (n, f, m), c in zip(names, contents, strict=False)]
    name, fmt, media = names[3]
    found.append(Written(name, fmt, media, datapackage(dataset, found[0], columns)))
    return found
