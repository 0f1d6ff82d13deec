"""The DCAT catalogue of open data (DCAT-AP 3.0.1): one ``dcat:Catalog`` holding every
:func:`motcua.opendata.entries.entries` dataset as a ``dcat:Dataset`` with its files as
``dcat:Distribution``, and the CKAN-compatible API as a ``dcat:DataService``. Served as Turtle,
JSON-LD and RDF/XML (portal/opendata_dcat.py); docs/opendata.md, section "DCAT".

Every URI starts with the open-data base address (``entries.base()``), never with a request's
Host: the same catalogue whoever asks and through whichever proxy. A dataset is
named by ``entries.dataset_uri(slug)`` and a file by ``entries.distribution_uri(slug, name)``;
harvesters key on them, so they never change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDFS, SKOS
from rdflib.term import Node

from motcua.identity.models import Agency
from motcua.reporting.operations import city_agency

from . import dcat_terms as terms
from .entries import LICENCE_URL, Distribution, Entry, base, catalog_uri, distribution_uri
from .entries import entries as every_entry

# fmt -> (rdflib's serialiser, media type)
FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
}
# GeoNames' Hà Nội, the spatial coverage of everything published (MOTCUA_OPENDATA_SPATIAL_URI).
HANOI = "https://sws.geonames.org/1581130/"
SHA256 = re.compile(r"[0-9a-f]{64}")
PREFIXES = {
    "dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "vcard": terms.VCARD, "skos": SKOS,
    "spdx": terms.SPDX, "dcatap": terms.DCATAP, "eli": terms.ELI, "xsd": XSD, "rdfs": RDFS,
}  # fmt: skip
# JSON-LD's @context: the same prefixes, so that the document reads "dct:title", not a URI.
CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

CATALOGUE_TITLE = _("Dữ liệu mở của %(publisher)s")
CATALOGUE_DESCRIPTION = _(
    "Các bộ dữ liệu mở về thủ tục hành chính, cơ quan, đơn vị và kết quả giải quyết hồ sơ do "
    "%(publisher)s công bố, cùng các cơ sở dữ liệu mở trong danh mục cơ sở dữ liệu của địa "
    "phương. Chỉ có số liệu tổng hợp, không có dữ liệu cá nhân."
)
SERVICE_TITLE = _("API tương thích CKAN")
SERVICE_DESCRIPTION = _(
    "API chỉ đọc theo chuẩn CKAN (phiên bản 3): liệt kê, xem và tìm kiếm các bộ dữ liệu mở của "
    "danh mục này."
)
SERVICE_KEYWORDS = (_("dữ liệu mở"), _("API dữ liệu"))
FILE_DESCRIPTION = _("Tệp %(format)s của bộ dữ liệu “%(title)s”.")
DATA_PACKAGE_TITLE = _("Đặc tả Frictionless Data Package")
CKAN_API_TITLE = _("API của CKAN")


@dataclass(frozen=True)
class Agent:
    """A publishing agency, as the catalogue names it."""

    id: str  # its electronic ID (mã định danh điện tử)
    name: str
    level: str = ""  # the level of its territory: "province", "district", "commune"
    email: str = ""


@dataclass(frozen=True)
class Header:
    """What a catalogue says of itself: its URI, title and description in both languages, and
    whether the CKAN-compatible API serves its datasets (only the open-data catalogue's are)."""

    uri: str
    title: str
    title_en: str
    description: str
    description_en: str
    with_api: bool = False


def serialise(
    fmt: str, found: Sequence[Entry] | None = None, header: Header | None = None
) -> tuple[bytes, str]:
    """The catalogue in ``fmt`` ("ttl", "jsonld", "rdf") and its Content-Type: by default the
    open-data catalogue of every entry; another catalogue is given by its ``header``."""
    serialiser, media_type = FORMATS[fmt]
    g = graph(every_entry() if found is None else found, header=header)
    options: dict[str, Any] = {"context": CONTEXT, "auto_compact": True} if fmt == "jsonld" else {}
    text = g.serialize(format=serialiser, encoding="utf-8", **options)
    return text, f"{media_type}; charset=utf-8"


def graph(
    found: Sequence[Entry], *, publisher: Agent | None = None, header: Header | None = None
) -> Graph:
    """The catalogue of ``found`` as an RDF graph, published by ``publisher`` (by default the
    city's people's committee); ``header`` names another catalogue than the open-data one."""
    g = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace, replace=True)
    publisher = publisher or catalogue_publisher(found)
    levels = _levels({entry.publisher_id for entry in found} | {publisher.id})
    if publisher.level:
        levels[publisher.id] = publisher.level
    catalog = URIRef(header.uri if header else catalog_uri())
    g.add((catalog, RDF.type, DCAT.Catalog))
    if header is None:
        _localised(g, catalog, DCTERMS.title, CATALOGUE_TITLE, publisher=publisher.name)
        _localised(g, catalog, DCTERMS.description, CATALOGUE_DESCRIPTION, publisher=publisher.name)
    else:
        _pair(g, catalog, DCTERMS.title, header.title, header.title_en)
        _pair(g, catalog, DCTERMS.description, header.description, header.description_en)
    g.add((catalog, DCTERMS.publisher, _agent(g, publisher.id, publisher.name, levels)))
    g.add((catalog, DCTERMS.license, _licence(g)))
    for code in terms.LANGUAGES:
        g.add((catalog, DCTERMS.language, terms.language_term(g, code)))
    g.add((catalog, DCTERMS.spatial, _spatial(g)))
    g.add((catalog, FOAF.homepage, _document(g, str(catalog))))
    g.add((catalog, DCAT.themeTaxonomy, terms.THEME_SCHEME))
    _dates(g, catalog, _times(found, "issued"), _times(found, "modified"))
    service = _service(g, publisher, levels) if header is None or header.with_api else None
    if service is not None:
        g.add((catalog, DCAT.service, service))
    for entry in found:
        dataset = _dataset(g, entry, levels)
        g.add((catalog, DCAT.dataset, dataset))
        if service is not None:
            g.add((service, DCAT.servesDataset, dataset))
    return g


def catalogue_publisher(found: Sequence[Entry] = ()) -> Agent:
    """The city's people's committee; failing that (no agency loaded yet), whoever publishes
    the first dataset."""
    agency = city_agency()
    if agency is not None:
        return Agent(agency.electronic_id, agency.name, agency.unit.level, agency.email)
    if found:
        first = found[0]
        return Agent(first.publisher_id, first.publisher_name, email=first.contact_email)
    return Agent("", str(_("Cổng dịch vụ công Một Cửa")))


def _dataset(g: Graph, entry: Entry, levels: dict[str, str]) -> URIRef:
    dataset = URIRef(entry.uri)
    g.add((dataset, RDF.type, DCAT.Dataset))
    # The URI is the identifier harvesters (CKAN's DCAT harvester among them) match on.
    g.add((dataset, DCTERMS.identifier, Literal(entry.uri)))
    _pair(g, dataset, DCTERMS.title, entry.title, entry.title_en)
    _pair(g, dataset, DCTERMS.description, entry.description, entry.description_en)
    for code, words in (("vi", entry.keywords), ("en", entry.keywords_en)):
        for word in words:
            g.add((dataset, DCAT.keyword, Literal(word, lang=code)))
    publisher = _agent(g, entry.publisher_id, entry.publisher_name, levels)
    g.add((dataset, DCTERMS.publisher, publisher))
    if entry.contact_email or entry.contact_name:
        contact = _contact(
            g, dataset, entry.contact_name or entry.publisher_name, entry.contact_email
        )
        g.add((dataset, DCAT.contactPoint, contact))
    if entry.temporal_start or entry.temporal_end:
        g.add(
            (
                dataset,
                DCTERMS.temporal,
                _period(g, dataset, entry.temporal_start, entry.temporal_end),
            )
        )
    g.add((dataset, DCTERMS.spatial, _spatial(g)))
    rights = terms.access_right_concept(g, entry.access_rights)
    if rights is not None:
        g.add((dataset, DCTERMS.accessRights, rights))
    g.add((dataset, DCTERMS.language, terms.language_term(g, "vi")))
    frequency = terms.frequency_concept(g, entry.frequency)
    if frequency is not None:
        g.add((dataset, DCTERMS.accrualPeriodicity, frequency))
    for code in entry.themes:
        theme = terms.theme_concept(g, code)
        if theme is not None:
            g.add((dataset, DCAT.theme, theme))
    _dates(g, dataset, _times([entry], "issued"), _times([entry], "modified", files=False))
    if entry.landing_page:
        g.add((dataset, DCAT.landingPage, _document(g, entry.landing_page)))
    if entry.legal_basis:
        law = _node("law", dataset)
        g.add((law, RDF.type, terms.ELI.LegalResource))
        g.add((law, DCTERMS.title, Literal(entry.legal_basis, lang="vi")))
        g.add((dataset, terms.DCATAP.applicableLegislation, law))
    for distribution in entry.distributions:
        g.add((dataset, DCAT.distribution, _distribution(g, entry, distribution)))
    return dataset


def _distribution(g: Graph, entry: Entry, file: Distribution) -> URIRef:
    uri = URIRef(distribution_uri(entry.slug, file.file_name))
    g.add((uri, RDF.type, DCAT.Distribution))
    _pair(g, uri, DCTERMS.title, file.title, file.title_en)
    for code, title in (("vi", entry.title), ("en", entry.title_en or entry.title)):
        with translation.override(code):
            text = str(FILE_DESCRIPTION) % {"format": file.format, "title": title}
        g.add((uri, DCTERMS.description, Literal(text, lang=code)))
    g.add((uri, DCAT.accessURL, URIRef(file.access_url or str(uri))))
    if file.download_url:
        g.add((uri, DCAT.downloadURL, URIRef(file.download_url)))
    file_type = terms.file_type(file.format)
    if file_type is not None:
        g.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((uri, DCTERMS["format"], file_type))
    media_type = terms.media_type(file.media_type)
    if media_type is not None:
        g.add((media_type, RDF.type, DCTERMS.MediaType))
        g.add((uri, DCAT.mediaType, media_type))
    if file.byte_size is not None:
        g.add((uri, DCAT.byteSize, Literal(file.byte_size, datatype=XSD.nonNegativeInteger)))
    if SHA256.fullmatch(file.sha256.lower()):  # anything else would be an ill-typed literal
        g.add((uri, terms.SPDX.checksum, _checksum(g, uri, file.sha256)))
    g.add((uri, DCTERMS.license, _licence(g)))
    if file.modified:
        g.add((uri, DCTERMS.modified, _when(file.modified)))
    availability = terms.concept(g, terms.STABLE, terms.AVAILABILITY_SCHEME, "ổn định", "stable")
    g.add((uri, terms.DCATAP.availability, availability))
    if file.file_name == "datapackage.json":
        g.add((uri, DCTERMS.conformsTo, _standard(g, terms.DATA_PACKAGE, DATA_PACKAGE_TITLE)))
    return uri


def _service(g: Graph, publisher: Agent, levels: dict[str, str]) -> URIRef:
    service = URIRef(f"{catalog_uri()}#api-ckan")
    g.add((service, RDF.type, DCAT.DataService))
    _localised(g, service, DCTERMS.title, SERVICE_TITLE)
    _localised(g, service, DCTERMS.description, SERVICE_DESCRIPTION)
    g.add((service, DCAT.endpointURL, URIRef(f"{base()}/api/3/action/")))
    g.add((service, DCAT.endpointDescription, terms.CKAN_API))
    g.add((service, DCTERMS.conformsTo, _standard(g, terms.CKAN_API, CKAN_API_TITLE)))
    g.add((service, DCTERMS.publisher, _agent(g, publisher.id, publisher.name, levels)))
    g.add((service, DCAT.contactPoint, _contact(g, service, publisher.name, publisher.email)))
    g.add((service, DCTERMS.license, _licence(g)))
    for theme in filter(None, [terms.theme_concept(g, "GOVE")]):
        g.add((service, DCAT.theme, theme))
    for word in SERVICE_KEYWORDS:
        _localised(g, service, DCAT.keyword, word)
    g.add((service, DCAT.keyword, Literal("CKAN")))
    return service


def _agent(g: Graph, electronic_id: str, name: str, levels: dict[str, str]) -> URIRef:
    # A fragment of the catalogue's own address: stable, and nobody else's to define.
    agent = URIRef(f"{catalog_uri()}#co-quan-{quote(electronic_id, safe='.')}")
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, RDF.type, FOAF.Organization))
    g.add((agent, FOAF.name, Literal(name, lang="vi")))
    kind = terms.publisher_type_concept(g, levels.get(electronic_id, ""))
    if kind is not None:
        g.add((agent, DCTERMS.type, kind))
    return agent


def _contact(g: Graph, of: URIRef, name: str, email: str) -> BNode:
    contact = _node("contact", of)
    # Kind is what DCAT-AP's range asks for; Organization, what it is.
    g.add((contact, RDF.type, terms.VCARD.Kind))
    g.add((contact, RDF.type, terms.VCARD.Organization))
    g.add((contact, terms.VCARD.fn, Literal(name, lang="vi")))
    if email:
        g.add((contact, terms.VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return contact


def _licence(g: Graph) -> URIRef:
    licence = URIRef(LICENCE_URL)
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, RDFS.label, Literal("Creative Commons Attribution 4.0 International")))
    scheme = terms.LICENCE_TYPE_SCHEME
    kind = terms.concept(g, terms.ATTRIBUTION, scheme, "ghi công", "attribution")
    g.add((licence, DCTERMS.type, kind))
    return licence


def _spatial(g: Graph) -> URIRef:
    place = URIRef(getattr(settings, "OPENDATA_SPATIAL_URI", "") or HANOI)
    g.add((place, RDF.type, DCTERMS.Location))
    return place


def _document(g: Graph, address: str) -> URIRef:
    page = URIRef(address)
    g.add((page, RDF.type, FOAF.Document))
    return page


def _standard(g: Graph, uri: URIRef, title: Promise) -> URIRef:
    g.add((uri, RDF.type, DCTERMS.Standard))
    _localised(g, uri, DCTERMS.title, title)
    return uri


def _checksum(g: Graph, of: URIRef, sha256: str) -> BNode:
    checksum = _node("checksum", of)
    g.add((checksum, RDF.type, terms.SPDX.Checksum))
    g.add((checksum, terms.SPDX.algorithm, terms.SHA256))
    g.add((terms.SHA256, RDF.type, terms.SPDX.ChecksumAlgorithm))
    g.add((checksum, terms.SPDX.checksumValue, Literal(sha256.lower(), datatype=XSD.hexBinary)))
    return checksum


def _period(g: Graph, of: URIRef, start: date | None, end: date | None) -> BNode:
    period = _node("period", of)
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if start:
        g.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
    if end:
        g.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
    return period


def _dates(g: Graph, subject: Node, issued: list[datetime], modified: list[datetime]) -> None:
    if issued:
        g.add((subject, DCTERMS.issued, _when(min(issued))))
    if modified:
        g.add((subject, DCTERMS.modified, _when(max(modified))))


def _times(found: Iterable[Entry], name: str, *, files: bool = True) -> list[datetime]:
    """Every ``issued`` (or ``modified``) time of the entries and, for modified, their files'."""
    times = [getattr(entry, name) for entry in found if getattr(entry, name)]
    if name == "modified" and files:
        times += [f.modified for entry in found for f in entry.distributions if f.modified]
    return times


def _when(value: datetime) -> Literal:
    """A time as the city reads it (Asia/Ho_Chi_Minh, with its offset), to the second."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    local = value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(microsecond=0)
    return Literal(local, datatype=XSD.dateTime)


def _pair(g: Graph, subject: Node, predicate: URIRef, vi: str, en: str) -> None:
    if vi:
        g.add((subject, predicate, Literal(vi, lang="vi")))
    if en:
        g.add((subject, predicate, Literal(en, lang="en")))


def _localised(g: Graph, subject: Node, predicate: URIRef, message: Promise, **params: str) -> None:
    """``message`` in Vietnamese and in English, each tagged with its language."""
    for code in ("vi", "en"):
        with translation.override(code):
            text = str(message) % params if params else str(message)
        g.add((subject, predicate, Literal(text, lang=code)))


def _node(kind: str, of: URIRef) -> BNode:
    """A blank node named after what it belongs to, so that its label stays the same from one
    rebuild to the next (the Turtle, byte for byte)."""
    return BNode(f"{kind}{hashlib.sha256(str(of).encode()).hexdigest()[:16]}")


def _levels(electronic_ids: set[str]) -> dict[str, str]:
    """The level of each publishing agency's territory (one query), for its publisher type."""
    found = Agency.objects.filter(electronic_id__in=electronic_ids - {""})
    return dict(found.values_list("electronic_id", "unit__level"))
