"""A harvester's first step, over HTTP against a running server: rdflib fetches each address
with no hint of the format, picks its parser from our Content-Type, and reads the catalogue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT

from motcua.opendata import dcat, entries
from motcua.opendata.entries import Entry
from tests.opendata.dcat_world import make_agencies, registered


@pytest.fixture
def source(settings, transactional_db) -> Iterator[list[Entry]]:
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.gov.vn"
    make_agencies()
    with registered() as reads:
        yield reads


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_rdflib_reads_the_catalogue_from_the_running_server_by_its_content_type(site, source, fmt):
    harvested = Graph().parse(f"{site}/du-lieu-mo/catalog.{fmt}")
    assert isomorphic(harvested, dcat.graph(entries.entries()))
    datasets = set(harvested.objects(URIRef(entries.catalog_uri()), DCAT.dataset))
    assert len(datasets) == 2
