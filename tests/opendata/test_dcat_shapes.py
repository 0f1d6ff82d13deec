"""The DCAT catalogue against the DCAT-AP 3.0.1 SHACL shapes (tests/opendata/shapes/, vendored
from SEMIC), checked with pyshacl the way a harvester's validator would: each serialisation, as
served and parsed back, conforms to the mandatory shapes and to the ranges."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, SH

from motcua.identity.models import Agency
from motcua.opendata import dcat, entries
from motcua.opendata.entries import Entry
from tests.opendata.dcat_world import make_agencies, registered
from tests.opendata.real_sources import seed

pytestmark = pytest.mark.django_db
SHAPES = Path(__file__).parent / "shapes"
PARSERS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}


@pytest.fixture
def agencies(db) -> dict[str, Agency]:
    return make_agencies()


@pytest.fixture
def source(settings, agencies) -> Iterator[list[Entry]]:
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.gov.vn"
    with registered() as reads:
        yield reads


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The mandatory and cardinality shapes with the range shapes (classes and datatypes).

    Released together, the two files name five property shapes that neither defines (SEMIC's
    3.0.1 release; pyshacl refuses a shape without a path): those references constrain
    nothing, and are dropped. Any other change to the files shows here."""
    g = Graph()
    g.parse(SHAPES / "dcat-ap-SHACL.ttl")
    g.parse(SHAPES / "ranges.ttl")
    dangling = [(s, p) for s, p in g.subject_objects(SH.property) if (p, SH.path, None) not in g]
    assert len(dangling) == 5
    for shape, prop in dangling:
        g.remove((shape, SH.property, prop))
    return g


@pytest.fixture(scope="module")
def recommended() -> Graph:
    return Graph().parse(SHAPES / "shapes_recommended.ttl")


def check(data: Graph, shapes: Graph) -> tuple[bool, Graph, str]:
    conforms, report, text = validate(data, shacl_graph=shapes, inference="rdfs")
    return conforms, report, text


def failures(report: Graph) -> set[tuple[str, str]]:
    """(focus node's class or node, path) of each result."""
    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        found.add(
            (str(report.value(result, SH.focusNode)), str(report.value(result, SH.resultPath)))
        )
    return found


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_each_serialisation_conforms_to_dcat_ap_3(client, source, shapes, fmt):
    response = client.get(f"/du-lieu-mo/catalog.{fmt}")
    data = Graph().parse(data=response.content, format=PARSERS[fmt])
    conforms, _, text = check(data, shapes)
    assert conforms, text


def test_a_dataset_without_a_description_does_not_conform(source, shapes):
    g = dcat.graph(entries.entries())
    figures = URIRef(entries.dataset_uri("so-lieu-giai-quyet-ho-so-hang-thang"))
    g.remove((figures, DCTERMS.description, None))
    conforms, report, _ = check(g, shapes)
    assert not conforms
    assert failures(report) == {(str(figures), str(DCTERMS.description))}


def test_a_file_without_an_access_url_does_not_conform(source, shapes):
    g = dcat.graph(entries.entries())
    csv = URIRef(entries.distribution_uri("so-lieu-giai-quyet-ho-so-hang-thang", "so-lieu.csv"))
    g.remove((csv, DCAT.accessURL, None))
    conforms, report, _ = check(g, shapes)
    assert not conforms
    assert failures(report) == {(str(csv), str(DCAT.accessURL))}


def test_a_frequency_not_described_as_one_breaks_the_ranges(source, shapes):
    g = dcat.graph(entries.entries())
    monthly = URIRef("http://publications.europa.eu/resource/authority/frequency/MONTHLY")
    g.remove((monthly, RDF.type, DCTERMS.Frequency))
    conforms, report, _ = check(g, shapes)
    assert not conforms
    figures = entries.dataset_uri("so-lieu-giai-quyet-ho-so-hang-thang")
    assert failures(report) == {(figures, str(DCTERMS.accrualPeriodicity))}


def test_a_catalogue_without_a_publisher_does_not_conform(source, shapes):
    g = dcat.graph(entries.entries())
    g.remove((URIRef(entries.catalog_uri()), DCTERMS.publisher, None))
    conforms, report, _ = check(g, shapes)
    assert not conforms
    assert failures(report) == {(entries.catalog_uri(), str(DCTERMS.publisher))}


def test_it_also_gives_what_dcat_ap_recommends_but_the_places_outline(source, recommended):
    """Recommended, not required: every recommended property is given, except a bounding box
    and centroid for the place (GeoNames, which the catalogue points to, holds its geometry),
    and the files and time span of a database the data catalogue describes without data."""
    g = dcat.graph(entries.entries())
    _, report, _ = check(g, recommended)
    place = "https://sws.geonames.org/1581130/"
    database = entries.dataset_uri("csdl-hotich")  # a database described, no file to give
    assert failures(report) == {
        (place, str(DCAT.bbox)), (place, str(DCAT.centroid)),
        (database, str(DCAT.distribution)), (database, str(DCTERMS.temporal)),
    }  # fmt: skip


def test_the_registered_sources_conform_as_served(client, shapes, settings, tmp_path):
    """The platform's published datasets and the data catalogue's open databases, as the apps
    register them and the demo fills them: every serialisation served, parsed back, conforms,
    and lists every dataset of both sources with each of its files."""
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.gov.vn"
    real = seed(settings, tmp_path / "media")
    files = {URIRef(entries.distribution_uri(e.slug, d.file_name))
             for e in real for d in e.distributions}  # fmt: skip
    assert len(files) >= 10
    for fmt in PARSERS:
        response = client.get(f"/du-lieu-mo/catalog.{fmt}")
        data = Graph().parse(data=response.content, format=PARSERS[fmt])
        listed = set(data.objects(URIRef(entries.catalog_uri()), DCAT.dataset))
        assert listed == {URIRef(entries.dataset_uri(e.slug)) for e in real}, fmt
        assert set(data.subjects(RDF.type, DCAT.Distribution)) == files, fmt
        conforms, _, text = check(data, shapes)
        assert conforms, f"{fmt}: {text}"
