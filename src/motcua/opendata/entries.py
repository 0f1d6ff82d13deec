"""What every door of open data describes: one :class:`Entry` per dataset, whatever made it.

Two sources make entries: the published datasets of the platform's own figures
(``opendata.published``) and the open databases of the city's data catalogue
(``motcua.datacatalog``). The DCAT catalogue, the CKAN-compatible API and the open-data page all
read :func:`entries` and nothing else, so a dataset is described once and every door says the
same about it.

Identifiers never change: a dataset's URI is the open-data base address, ``/du-lieu-mo/`` and its
``slug``; a distribution's is the dataset's plus its file name. Harvesters key on these, so a
slug, once published, is never renamed (docs/opendata.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings

# The frequencies of the EU's Publications Office vocabulary (DCAT-AP's dct:accrualPeriodicity);
# CKAN's extras carry the same word.
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "BIANNUAL", "IRREG")
# Who may reach the data (the EU's access-right vocabulary, DCAT-AP's dct:accessRights): open
# data is PUBLIC; the data catalogue also describes databases shared between agencies only
# (RESTRICTED) and kept to their owner (NON_PUBLIC).
ACCESS_RIGHTS = ("PUBLIC", "RESTRICTED", "NON_PUBLIC")
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_ID = "CC-BY-4.0"


@dataclass(frozen=True)
class Column:
    """One column of a table, as its schema describes it (Frictionless Table Schema types:
    string, integer, number, date, yearmonth, boolean)."""

    name: str
    type: str
    title: str  # Vietnamese
    title_en: str
    description: str = ""  # Vietnamese
    description_en: str = ""


@dataclass(frozen=True)
class Distribution:
    """One file of a dataset (or an API that serves it)."""

    file_name: str  # "so-lieu-hang-thang.csv": the last part of its URI, never renamed
    format: str  # "CSV", "JSON", "XLSX", "ZIP", "HTML"…
    media_type: str  # "text/csv", "application/json", …
    title: str
    title_en: str
    byte_size: int | None = None
    sha256: str = ""
    modified: datetime | None = None
    access_url: str = ""  # absolute; where the file is served (the URI unless said otherwise)
    download_url: str = ""  # absolute; empty for a page or an API


@dataclass(frozen=True)
class Entry:
    """One dataset: its description and its distributions."""

    slug: str  # stable, ASCII, lowercase with hyphens
    source: str  # "platform" (the platform's figures) or "catalogue" (the city's data catalogue)
    title: str  # Vietnamese
    title_en: str
    description: str
    description_en: str
    keywords: tuple[str, ...]  # Vietnamese
    keywords_en: tuple[str, ...]
    publisher_id: str  # the publishing agency's electronic ID (CKAN organization name)
    publisher_name: str
    frequency: str  # one of FREQUENCIES
    themes: tuple[str, ...] = ()  # EU data themes: "GOVE", "SOCI", "REGI", "ECON"… (CKAN groups)
    temporal_start: date | None = None
    temporal_end: date | None = None
    issued: datetime | None = None
    modified: datetime | None = None
    columns: tuple[Column, ...] = ()
    distributions: tuple[Distribution, ...] = ()
    contact_name: str = ""
    contact_email: str = ""
    landing_page: str = ""  # absolute; the dataset's page on the portal
    legal_basis: str = ""
    extras: dict[str, str] = field(default_factory=dict)
    access_rights: str = "PUBLIC"  # one of ACCESS_RIGHTS
    # A URI of its own, for a dataset that is described but not open (a restricted database of
    # the data catalogue has no open-data page); empty: dataset_uri(slug).
    identifier: str = ""

    @property
    def uri(self) -> str:
        return self.identifier or dataset_uri(self.slug)


def base() -> str:
    """The open-data base address (``MOTCUA_OPENDATA_BASE_URL``, by default the site's public
    address): every URI and link of the catalogue starts with it, never with the request's Host."""
    return str(getattr(settings, "OPENDATA_BASE_URL", "") or settings.PUBLIC_URL).rstrip("/")


def catalog_uri() -> str:
    return f"{base()}/du-lieu-mo/"


def dataset_uri(slug: str) -> str:
    return f"{base()}/du-lieu-mo/{slug}/"


def distribution_uri(slug: str, file_name: str) -> str:
    return f"{base()}/du-lieu-mo/{slug}/{file_name}"


# Sources register a function giving their entries (opendata.published, datacatalog.opendata).
_SOURCES: dict[str, Callable[[], list[Entry]]] = {}


def register(source: str, func: Callable[[], list[Entry]]) -> None:
    _SOURCES[source] = func


def entries() -> list[Entry]:
    """Every dataset, the platform's first, each source's in its own order."""
    found: list[Entry] = []
    for name in sorted(_SOURCES, key=lambda s: (s != "platform", s)):
        found.extend(_SOURCES[name]())
    return found


def entry(slug: str) -> Entry | None:
    return next((e for e in entries() if e.slug == slug), None)
