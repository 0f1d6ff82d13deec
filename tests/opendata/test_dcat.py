"""The DCAT catalogue as a harvester meets it: at /du-lieu-mo/catalog.{ttl,jsonld,rdf}, parsed
by rdflib. Conformance to the DCAT-AP 3 shapes is in test_dcat_shapes.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.urls import reverse
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from motcua.identity.models import Agency
from motcua.opendata import dcat, entries
from motcua.opendata.dcat_terms import SPDX, VCARD
from motcua.opendata.entries import Entry
from tests.opendata.dcat_world import CITY, SHA, make_agencies, registered

pytestmark = pytest.mark.django_db
BASE = "https://dulieu.hanoi.gov.vn"
EU = "http://publications.europa.eu/resource/authority/"
PARSERS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}


@pytest.fixture
def agencies(db) -> dict[str, Agency]:
    return make_agencies()


@pytest.fixture
def source(settings, agencies) -> Iterator[list[Entry]]:
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.gov.vn"
    with registered() as reads:
        yield reads


def fetch(client, fmt: str, **headers) -> tuple[Graph, object]:
    response = client.get(reverse("portal:opendata-dcat", kwargs={"fmt": fmt}), **headers)
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=PARSERS[fmt]), response


def dataset(slug: str) -> URIRef:
    return URIRef(f"{BASE}/du-lieu-mo/{slug}/")


def test_it_serves_the_three_serialisations_with_their_media_types(client, source):
    expected = {
        "ttl": "text/turtle; charset=utf-8",
        "jsonld": "application/ld+json; charset=utf-8",
        "rdf": "application/rdf+xml; charset=utf-8",
    }
    for fmt, content_type in expected.items():
        _, response = fetch(client, fmt)
        assert response["Content-Type"] == content_type
    assert reverse("portal:opendata-dcat", kwargs={"fmt": "ttl"}) == "/du-lieu-mo/catalog.ttl"


def test_the_three_serialisations_say_the_same(client, source):
    graphs = [fetch(client, fmt)[0] for fmt in ("ttl", "jsonld", "rdf")]
    assert len(graphs[0]) > 150
    assert isomorphic(graphs[0], graphs[1])
    assert isomorphic(graphs[0], graphs[2])


def test_the_turtle_is_the_same_bytes_from_one_build_to_the_next(source):
    # Blank nodes are named after what they belong to, not at random.
    assert dcat.serialise("ttl")[0] == dcat.serialise("ttl")[0]


def test_the_json_ld_carries_a_context_of_prefixes(client, source):
    response = client.get("/du-lieu-mo/catalog.jsonld")
    document = response.json()
    assert document["@context"]["dcat"] == str(DCAT)
    assert document["@context"]["dct"] == str(DCTERMS)
    assert '"dct:title"' in response.content.decode()


def test_every_uri_is_built_from_the_open_data_base_never_from_the_host(client, source, settings):
    settings.ALLOWED_HOSTS = ["proxy.internal"]
    g, response = fetch(client, "ttl", HTTP_HOST="proxy.internal")
    assert b"proxy.internal" not in response.content
    ours = {str(n) for t in g for n in t if isinstance(n, URIRef) and "dulieu." in str(n)}
    assert ours and all(uri.startswith(f"{BASE}/") for uri in ours)
    assert (URIRef(f"{BASE}/du-lieu-mo/"), RDF.type, DCAT.Catalog) in g


def test_each_dataset_and_file_is_named_by_its_stable_uri(client, source):
    g, _ = fetch(client, "ttl")
    catalog = URIRef(entries.catalog_uri())
    figures = dataset("so-lieu-giai-quyet-ho-so-hang-thang")
    assert set(g.objects(catalog, DCAT.dataset)) == {figures, dataset("csdl-hotich")}
    assert g.value(figures, DCTERMS.identifier) == Literal(str(figures))
    files = set(g.objects(figures, DCAT.distribution))
    names = ("so-lieu.csv", "so-lieu.json", "so-lieu.xlsx", "datapackage.json")
    assert files == {URIRef(f"{figures}{name}") for name in names}
    assert list(g.objects(dataset("csdl-hotich"), DCAT.distribution)) == []
    assert g.value(figures, DCAT.landingPage) == figures


def test_titles_descriptions_and_keywords_come_in_vietnamese_and_english(client, source):
    g, _ = fetch(client, "ttl")
    figures = dataset("so-lieu-giai-quyet-ho-so-hang-thang")
    titles = {t.language: str(t) for t in g.objects(figures, DCTERMS.title)}
    assert titles == {"vi": "Số liệu giải quyết hồ sơ hằng tháng của từng đơn vị",
                      "en": "Monthly dossier figures of each unit"}  # fmt: skip
    keywords = {(str(k), k.language) for k in g.objects(figures, DCAT.keyword)}
    assert ("thủ tục hành chính", "vi") in keywords and ("one-stop desk", "en") in keywords
    catalog = URIRef(entries.catalog_uri())
    catalog_titles = {t.language: str(t) for t in g.objects(catalog, DCTERMS.title)}
    assert catalog_titles["vi"] == "Dữ liệu mở của Ủy ban nhân dân thành phố Hà Nội"
    assert catalog_titles["en"] == "Open data of Ủy ban nhân dân thành phố Hà Nội"
    assert g.value(URIRef(entries.catalog_uri()), DCTERMS.language) is not None


def test_the_catalogue_is_published_by_the_city_a_regional_authority(client, source):
    g, _ = fetch(client, "ttl")
    publisher = g.value(URIRef(entries.catalog_uri()), DCTERMS.publisher)
    assert publisher == URIRef(f"{BASE}/du-lieu-mo/#co-quan-{CITY}")
    assert (publisher, RDF.type, FOAF.Agent) in g
    assert g.value(publisher, FOAF.name) == Literal("Ủy ban nhân dân thành phố Hà Nội", lang="vi")
    kind = g.value(publisher, DCTERMS.type)
    assert kind == URIRef("http://purl.org/adms/publishertype/RegionalAuthority")
    assert g.value(kind, SKOS.inScheme) == URIRef("http://purl.org/adms/publishertype/1.0")


def test_without_the_citys_committee_the_first_datasets_publisher_publishes(source, agencies):
    agencies["justice"].delete()
    agencies["city"].delete()
    found = entries.entries()
    g = dcat.graph(found)
    publisher = g.value(URIRef(entries.catalog_uri()), DCTERMS.publisher)
    assert g.value(publisher, FOAF.name) == Literal(found[0].publisher_name, lang="vi")
    assert g.value(publisher, DCTERMS.type) is None  # no longer known: no type guessed


def test_frequency_themes_coverage_and_contact_use_the_standard_vocabularies(client, source):
    g, _ = fetch(client, "ttl")
    figures = dataset("so-lieu-giai-quyet-ho-so-hang-thang")
    assert g.value(figures, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/MONTHLY")
    # Twice a year is ANNUAL_2 in the EU's vocabulary.
    twice_a_year = g.value(dataset("csdl-hotich"), DCTERMS.accrualPeriodicity)
    assert twice_a_year == URIRef(EU + "frequency/ANNUAL_2")
    assert set(g.objects(figures, DCAT.theme)) == {URIRef(EU + "data-theme/GOVE"),
                                                    URIRef(EU + "data-theme/REGI")}  # fmt: skip
    assert g.value(figures, DCTERMS.spatial) == URIRef("https://sws.geonames.org/1581130/")
    period = g.value(figures, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2026-01-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2026-11-30", datatype=XSD.date)
    contact = g.value(figures, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in g
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:dulieumo@hanoi.gov.vn")
    # Times as Hà Nội reads them, to the second.
    modified = Literal("2026-12-02T00:30:00+07:00", datatype=XSD.dateTime)
    assert g.value(figures, DCTERMS.modified) == modified


def test_a_province_sets_its_own_place(source, settings):
    settings.OPENDATA_SPATIAL_URI = "https://sws.geonames.org/1566083/"
    g = dcat.graph(entries.entries())
    place = g.value(URIRef(entries.catalog_uri()), DCTERMS.spatial)
    assert place == URIRef("https://sws.geonames.org/1566083/")


def test_each_file_gives_its_format_media_type_size_and_checksum(client, source):
    g, _ = fetch(client, "ttl")
    figures = dataset("so-lieu-giai-quyet-ho-so-hang-thang")
    csv = URIRef(f"{figures}so-lieu.csv")
    assert g.value(csv, DCTERMS["format"]) == URIRef(EU + "file-type/CSV")
    iana = "https://www.iana.org/assignments/media-types/"
    assert g.value(csv, DCAT.mediaType) == URIRef(iana + "text/csv")
    assert g.value(csv, DCAT.byteSize) == Literal(48213, datatype=XSD.nonNegativeInteger)
    assert g.value(csv, DCAT.downloadURL) == csv == g.value(csv, DCAT.accessURL)
    checksum = g.value(csv, SPDX.checksum)
    assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(g.value(checksum, SPDX.checksumValue)) == SHA
    assert g.value(csv, DCTERMS.license) == URIRef(entries.LICENCE_URL)
    xlsx = URIRef(f"{figures}so-lieu.xlsx")
    assert g.value(xlsx, DCTERMS["format"]) == URIRef(EU + "file-type/XLSX")
    package = URIRef(f"{figures}datapackage.json")
    spec = URIRef("https://specs.frictionlessdata.io/data-package/")
    assert g.value(package, DCTERMS.conformsTo) == spec


def test_the_ckan_compatible_api_is_a_data_service_serving_every_dataset(client, source):
    g, _ = fetch(client, "ttl")
    service = g.value(URIRef(entries.catalog_uri()), DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in g
    assert g.value(service, DCAT.endpointURL) == URIRef(f"{BASE}/api/3/action/")
    assert set(g.objects(service, DCAT.servesDataset)) == set(
        g.objects(URIRef(entries.catalog_uri()), DCAT.dataset)
    )


def test_it_is_cached_for_visitors(client, source, settings):
    settings.PAGE_CACHE_SECONDS = 60
    first = client.get("/du-lieu-mo/catalog.ttl")
    second = client.get("/du-lieu-mo/catalog.ttl")
    assert len(source) == 1  # built once
    assert second.content == first.content
    assert second["Content-Type"] == "text/turtle; charset=utf-8"
    assert "public" in second["Cache-Control"]


def test_another_format_is_not_found_and_nothing_but_get_is_allowed(client, source):
    assert client.get("/du-lieu-mo/catalog.xml").status_code == 404
    assert client.get("/du-lieu-mo/catalog.").status_code == 404
    assert client.post("/du-lieu-mo/catalog.ttl").status_code == 405


def test_a_harvester_s_head_is_answered_as_its_get(client, source):
    """Harvesters and link checkers ask HEAD first (has it changed, how big is it)."""
    head = client.head("/du-lieu-mo/catalog.rdf")
    get = client.get("/du-lieu-mo/catalog.rdf")
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == get["Content-Type"] == "application/rdf+xml; charset=utf-8"


def test_a_file_whose_checksum_is_not_a_sha256_gets_none(source):
    figures = dataset("so-lieu-giai-quyet-ho-so-hang-thang")
    entry = entries.entry("so-lieu-giai-quyet-ho-so-hang-thang")
    broken = replace(entry, distributions=(replace(entry.distributions[0], sha256="xyz"),))
    g = dcat.graph([broken])
    assert g.value(URIRef(f"{figures}so-lieu.csv"), SPDX.checksum) is None


def test_it_reads_the_agencies_in_two_queries_however_many_datasets(
    source, django_assert_num_queries
):
    found = [replace(e, slug=f"{e.slug}-{n}") for e in entries.entries() for n in range(20)]
    with django_assert_num_queries(2):  # the city's committee, the publishers' levels
        dcat.graph(found)


def test_an_empty_catalogue_is_still_a_catalogue(client, settings, db):
    settings.OPENDATA_BASE_URL = BASE
    g = dcat.graph([])
    assert (URIRef(f"{BASE}/du-lieu-mo/"), RDF.type, DCAT.Catalog) in g
    assert list(g.objects(URIRef(f"{BASE}/du-lieu-mo/"), DCAT.dataset)) == []
