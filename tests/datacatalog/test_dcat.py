"""The data catalogue's entries in the DCAT catalogue, against the DCAT-AP 3 shapes the DCAT
tests vendor (tests/opendata/shapes), checked with pyshacl."""

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, SH

from motcua.opendata import catalogue_source, dcat, entries

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


@pytest.fixture(autouse=True)
def registered():
    before = dict(entries._SOURCES)
    catalogue_source.register()
    yield
    entries._SOURCES.clear()
    entries._SOURCES.update(before)


def test_the_catalogues_datasets_conform_to_dcat_ap_3(city, settings, shapes):
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.example"
    first_version(city)
    g = dcat.graph(entries.entries())
    conforms, _, text = validate(g, shacl_graph=shapes, inference="rdfs")
    assert conforms, text
    whole = URIRef(entries.dataset_uri("danh-muc-co-so-du-lieu"))
    assert (whole, DCAT.distribution, None) in g
    assert (URIRef(entries.dataset_uri("csdl-ht")), None, None) in g
