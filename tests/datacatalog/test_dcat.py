"""The data catalogue's entries in the DCAT catalogue, against the DCAT-AP 3 shapes the DCAT
tests vendor (tests/opendata/shapes), checked with pyshacl."""

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, SH

from motcua.opendata import dcat, entries

from .conftest import first_version

SHAPES = Path(__file__).parents[1] / "opendata" / "shapes"


@pytest.fixture
def shapes() -> Graph:
    g = Graph()
    g.parse(SHAPES / "dcat-ap-SHACL.ttl")
    g.parse(SHAPES / "ranges.ttl")
    for shape, prop in [(s, p) for s, p in g.subject_objects(SH.property)
                        if (p, SH.path, None) not in g]:  # fmt: skip
        g.remove((shape, SH.property, prop))
    return g


def test_the_catalogues_datasets_conform_to_dcat_ap_3(city, settings, shapes):
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.example"
    first_version(city)
    g = dcat.graph(entries.entries())
    conforms, _, text = validate(g, shacl_graph=shapes, inference="rdfs")
    assert conforms, text
    whole = URIRef(entries.dataset_uri("danh-muc-co-so-du-lieu"))
    assert (whole, DCAT.distribution, None) in g
    assert (URIRef(entries.dataset_uri("csdl-ht")), None, None) in g


ACCESS = "http://publications.europa.eu/resource/authority/access-right/"


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_a_version_in_dcat_describes_every_database_with_its_access_rights(
    client, city, settings, shapes, fmt
):
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "internal-node"]
    version = first_version(city)
    response = client.get(
        f"/danh-muc-csdl/phien-ban/{version.number}/danh-muc-csdl.{fmt}",
        HTTP_HOST="internal-node:8000",
    )
    assert response.status_code == 200
    g = Graph().parse(data=response.content, format=dcat.FORMATS[fmt][0].replace("pretty-", ""))
    conforms, _, text = validate(g, shacl_graph=shapes, inference="rdfs")
    assert conforms, text
    catalogue = URIRef("https://dulieu.hanoi.example/danh-muc-csdl/phien-ban/1/")
    assert (catalogue, DCAT.dataset, None) in g
    civil = URIRef(entries.dataset_uri("csdl-ht"))  # open: its open-data URI
    land = URIRef("https://dulieu.hanoi.example/danh-muc-csdl/CSDL-DD/")  # shared: its page
    assert set(g.objects(catalogue, DCAT.dataset)) == {civil, land}
    assert (civil, DCTERMS.accessRights, URIRef(ACCESS + "PUBLIC")) in g
    assert (land, DCTERMS.accessRights, URIRef(ACCESS + "RESTRICTED")) in g
    assert (None, DCAT.service, None) not in g  # the CKAN API serves open data only
    assert b"internal-node" not in response.content


def test_an_unknown_version_or_format_is_not_found(client, city):
    first_version(city)
    assert client.get("/danh-muc-csdl/phien-ban/9/danh-muc-csdl.ttl").status_code == 404
    assert client.get("/danh-muc-csdl/phien-ban/1/danh-muc-csdl.n3").status_code == 404
