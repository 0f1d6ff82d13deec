"""The city's data catalogue as open-data entries (source "catalogue").

One entry per database the current version publishes as open (specs.publication_level), whose
columns are its open fields and whose landing page is its page on the portal (the catalogue
describes a database, it holds none of its data: no file), and one entry for the whole
catalogue, every version, with its XLSX workbook. OpenDataConfig.ready() calls
:func:`register` (opendata sits above datacatalog: the glue lives here, the rules in
motcua.datacatalog).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.utils import timezone

from motcua.core.public_urls import (
    DATA_CATALOGUE_DATABASE,
    DATA_CATALOGUE_VERSION,
    data_catalogue_url,
    fill,
)
from motcua.datacatalog import export, rules, selectors
from motcua.datacatalog.models import CatalogueVersion, Database, Frequency, SharingLevel
from motcua.datacatalog.specs import DatabaseSpec, FieldSpec, publication_level

from . import entries
from .entries import Column, Distribution, Entry

SOURCE = "catalogue"
WHOLE = "danh-muc-co-so-du-lieu"
WORKBOOK = "danh-muc-co-so-du-lieu.xlsx"
# The catalogue's frequencies in the EU vocabulary entries.FREQUENCIES offers; "continuous"
# has no word there, and a database updated as things happen is at least daily.
FREQUENCIES = {
    Frequency.CONTINUOUS: "DAILY", Frequency.DAILY: "DAILY", Frequency.WEEKLY: "WEEKLY",
    Frequency.MONTHLY: "MONTHLY", Frequency.QUARTERLY: "QUARTERLY",
    Frequency.BIANNUAL: "BIANNUAL", Frequency.ANNUAL: "ANNUAL", Frequency.IRREGULAR: "IRREG",
}  # fmt: skip
# Frictionless Table Schema types of the catalogue's field types.
COLUMN_TYPES = {"integer": "integer", "number": "number", "date": "date",
                "datetime": "datetime", "boolean": "boolean"}  # fmt: skip


def register() -> None:
    entries.register(SOURCE, catalogue_entries)


def slug_of(code: str) -> str:
    """``CSDL-HKTT`` → ``csdl-hktt`` (a code without the prefix gets it: ``HT`` → ``csdl-ht``).
    A code never changes, so neither does the slug harvesters key on."""
    code = code.lower()
    return code if code.startswith("csdl-") else f"csdl-{code}"


def catalogue_entries() -> list[Entry]:
    every = sorted(selectors.versions(), key=lambda v: v.number)
    if not every:
        return []
    found = [e for e in version_entries(every[-1], every) if e.access_rights == "PUBLIC"]
    return [*found, _whole_entry(every)]


def _issued(code: str, every: list[CatalogueVersion], history: list[dict[str, DatabaseSpec]]
            ) -> datetime:  # fmt: skip
    return next(v.approved_at for v, specs in zip(every, history, strict=True) if code in specs)


def _modified(code: str, every: list[CatalogueVersion], history: list[dict[str, DatabaseSpec]]
              ) -> datetime:  # fmt: skip
    """The approval of the last version in which the database changed (or appeared)."""
    last = every[0].approved_at
    previous: DatabaseSpec | None = None
    for version, specs in zip(every, history, strict=True):
        spec = specs.get(code)
        if spec is not None and spec != previous:
            last = version.approved_at
        previous = spec
    return last


def _columns(fields: tuple[FieldSpec, ...]) -> tuple[Column, ...]:
    return tuple(
        Column(name=f.name, type=COLUMN_TYPES.get(f.type, "string"), title=f.name,
               title_en=f.name, description=f.description)
        for f in fields
    )  # fmt: skip


# The catalogue's sharing levels in the EU access-right vocabulary (entries.ACCESS_RIGHTS).
ACCESS_RIGHTS = {
    SharingLevel.OPEN: "PUBLIC", SharingLevel.SHARED: "RESTRICTED",
    SharingLevel.RESTRICTED: "NON_PUBLIC",
}  # fmt: skip


def version_entries(
    version: CatalogueVersion, every: list[CatalogueVersion] | None = None
) -> list[Entry]:
    """Every database of ``version``, open or not, as the data catalogue's own DCAT export
    describes it: an open database under its open-data URI with its open fields, any other
    under its page's address with every field, marked RESTRICTED or NON_PUBLIC."""
    every = [v for v in every or sorted(selectors.versions(), key=lambda v: v.number)
             if v.number <= version.number]  # fmt: skip
    history = [selectors.specs_of(v) for v in every]
    found = []
    for db in selectors.databases_of(version):
        spec = history[-1][db.code]
        level = publication_level(spec)
        dates = (_issued(db.code, every, history), _modified(db.code, every, history))
        found.append(_database_entry(db, spec, *dates, version, level=level))
    return found


def version_header(version: CatalogueVersion) -> dict[str, str]:
    """What the DCAT export of ``version`` says of itself (dcat.Header's fields)."""
    path = fill(DATA_CATALOGUE_VERSION, number=str(version.number))
    approved = timezone.localdate(version.approved_at).strftime("%d/%m/%Y")
    return {
        "uri": f"{entries.base()}{path}",
        "title": f"Danh mục cơ sở dữ liệu của thành phố, phiên bản {version.number}",
        "title_en": f"The city's catalogue of databases, version {version.number}",
        "description": f"Các cơ sở dữ liệu do các cơ quan của thành phố quản lý và các trường dữ "
                       f"liệu của từng cơ sở dữ liệu, phiên bản {version.number} phê duyệt ngày "
                       f"{approved}; mỗi cơ sở dữ liệu ghi rõ mức chia sẻ.",
        "description_en": f"The databases the city's agencies keep and the fields of each, "
                          f"version {version.number} approved on {approved}; each with its "
                          f"sharing level.",
    }  # fmt: skip


def _database_entry(
    db: Database, spec: DatabaseSpec, issued: datetime, modified: datetime,
    current: CatalogueVersion, level: str = SharingLevel.OPEN,
) -> Entry:  # fmt: skip
    page = data_catalogue_url(code=db.code)
    is_open = level == SharingLevel.OPEN
    identifier = "" if is_open else f"{entries.base()}{fill(DATA_CATALOGUE_DATABASE, code=db.code)}"
    return Entry(
        slug=slug_of(db.code), source=SOURCE, title=db.name,
        title_en=db.name_en or f"Database {db.code}",
        description=db.purpose,
        description_en=f"{db.name_en or db.code}: a database of the city's data catalogue "
                       f"(version {current.number}), kept by {db.owner.electronic_id}.",
        keywords=("danh mục cơ sở dữ liệu", db.code), keywords_en=("data catalogue", db.code),
        publisher_id=db.owner.electronic_id, publisher_name=db.owner_name,
        frequency=FREQUENCIES[Frequency(db.frequency)], themes=("GOVE",),
        issued=issued, modified=modified,
        columns=_columns(spec.open_fields if is_open else spec.fields),
        access_rights=ACCESS_RIGHTS[SharingLevel(level)], identifier=identifier,
        landing_page=page, legal_basis=db.legal_basis,
        contact_name=db.owner_name, contact_email=db.owner.email,
        extras={"catalogue_version": str(current.number), "system": db.system,
                "code": db.code},
    )  # fmt: skip


def _whole_entry(every: list[CatalogueVersion]) -> Entry:
    content = export.workbook(every)
    newest = every[-1]
    url = data_catalogue_url(xlsx=True)
    publisher = rules.top_agency()  # the city approves the catalogue and publishes it
    return Entry(
        slug=WHOLE, source=SOURCE, title="Danh mục cơ sở dữ liệu của thành phố",
        title_en="The city's catalogue of databases",
        description="Các cơ sở dữ liệu do các cơ quan của thành phố quản lý và các trường dữ "
                    "liệu của từng cơ sở dữ liệu, qua mọi phiên bản được phê duyệt.",
        description_en="The databases the city's agencies keep and the fields of each, in every "
                       "approved version.",
        keywords=("danh mục cơ sở dữ liệu", "dữ liệu mở", "chuyển đổi số"),
        keywords_en=("data catalogue", "open data", "digital transformation"),
        publisher_id=publisher.electronic_id if publisher else "",
        publisher_name=publisher.name if publisher else "",
        frequency="BIANNUAL", themes=("GOVE",),
        temporal_start=timezone.localdate(every[0].approved_at),
        issued=every[0].approved_at, modified=newest.approved_at,
        distributions=(Distribution(
            file_name=WORKBOOK, format="XLSX", media_type=export.XLSX,
            title="Danh mục cơ sở dữ liệu, mọi phiên bản (XLSX)",
            title_en="The data catalogue, every version (XLSX)",
            byte_size=len(content), sha256=hashlib.sha256(content).hexdigest(),
            modified=newest.approved_at, access_url=url, download_url=url,
        ),),
        landing_page=data_catalogue_url(),
        contact_name=publisher.name if publisher else "",
        contact_email=publisher.email if publisher else "",
        extras={"catalogue_version": str(newest.number)},
    )  # fmt: skip
