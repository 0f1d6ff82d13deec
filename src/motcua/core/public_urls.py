"""Every public address the platform prints or sends: on a signed document and its QR code, in
an email or SMS, in a payment provider's return link. One place, so that the domain never
reverses a door's route or spells out a path of its own.

The citizen's portal mounts its views on the routes below (``portal/urls.py`` uses these
constants), so an address built here is an address served; a test resolves each one.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from django.conf import settings

# The portal's routes that other modules link to (Django path syntax, no leading slash).
LOOKUP = "tra-cuu/"
VERIFY = "xac-thuc/"
DOCUMENT = "xac-thuc/<str:code>/"
CRL = "xac-thuc/crl/root.crl"
DOSSIER = "ho-so/<str:code>/"
PAYMENT = "ho-so/<str:code>/thanh-toan/<str:reference>/"
EVALUATION = "danh-gia/<str:token>/"
FEEDBACK = "phan-anh/theo-doi/<str:code>/"
# Open data (motcua.opendata.entries builds its URIs on the same paths).
OPENDATA = "du-lieu-mo/"
OPENDATA_DATASET = "du-lieu-mo/<slug:slug>/"
OPENDATA_FILE = "du-lieu-mo/<slug:slug>/<str:file_name>"
# The city's data catalogue (motcua.datacatalog): its public pages, its exports, and the back
# office page the coordinator's review reminder links to.
DATA_CATALOGUE = "danh-muc-csdl/"
DATA_CATALOGUE_EXPORT = "danh-muc-csdl/danh-muc-csdl.xlsx"
DATA_CATALOGUE_VERSION = "danh-muc-csdl/phien-ban/<int:number>/"
DATA_CATALOGUE_VERSION_EXPORT = "danh-muc-csdl/phien-ban/<int:number>/danh-muc-csdl.xlsx"
DATA_CATALOGUE_DATABASE = "danh-muc-csdl/<str:code>/"
BACKOFFICE_DATA_CATALOGUE = "can-bo/danh-muc-csdl/"

_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def base() -> str:
    """The site's public address (``MOTCUA_PUBLIC_URL``), without a trailing slash."""
    return str(settings.PUBLIC_URL).rstrip("/")


def absolute(path: str) -> str:
    """``path`` (starting with "/") on the public address."""
    return base() + path


def fill(route: str, **values: str) -> str:
    """The path of ``route`` with its parameters filled in, e.g. ``/xac-thuc/ABC/``."""

    def value(match: re.Match[str]) -> str:
        return quote(str(values[match.group(1)]), safe="")

    return "/" + _PARAMETER.sub(value, route)


def lookup_url(code: str = "") -> str:
    """The public lookup page, with the dossier code filled in when given."""
    query = "?" + urlencode({"code": code}) if code else ""
    return absolute(fill(LOOKUP)) + query


def document_url(code: str) -> str:
    """What a signed document's QR code opens: its public verification page."""
    return absolute(fill(DOCUMENT, code=code))


def feedback_url(code: str, key: str = "") -> str:
    """A feedback item's follow page; ``key`` lets a sender without an account open it."""
    query = "?" + urlencode({"k": key}) if key else ""
    return absolute(fill(FEEDBACK, code=code)) + query


def crl_url() -> str:
    """Where the development CA publishes its revocation list."""
    return absolute(fill(CRL))


def payment_url(code: str, reference: str) -> str:
    """The applicant's page of one payment, where a provider sends them back."""
    return absolute(fill(PAYMENT, code=code, reference=reference))


def evaluation_url(token: str) -> str:
    """What the QR code on the receipt and the result notification open: the evaluation form."""
    return absolute(fill(EVALUATION, token=token))


def data_catalogue_url(*, code: str = "", number: int | None = None, xlsx: bool = False) -> str:
    """The public data catalogue: the current version, a database's page (``code``), a version
    with its differences (``number``), or the XLSX of a version or of every version."""
    if code:
        return absolute(fill(DATA_CATALOGUE_DATABASE, code=code))
    if number is not None:
        route = DATA_CATALOGUE_VERSION_EXPORT if xlsx else DATA_CATALOGUE_VERSION
        return absolute(fill(route, number=str(number)))
    return absolute(fill(DATA_CATALOGUE_EXPORT if xlsx else DATA_CATALOGUE))
