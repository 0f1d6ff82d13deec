"""CKAN's own client, ckanapi (PyPI), over real HTTP against our server: its Python API as a
program would call it and its command line as a harvester runs it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.request import urlopen

import pytest

ckanapi = pytest.importorskip("ckanapi")

from motcua.opendata import entries  # noqa: E402
from tests.opendata.real_sources import seed  # noqa: E402

CLI = Path(sys.executable).with_name("ckanapi")


@pytest.fixture
def remote(site, catalogue):
    with ckanapi.RemoteCKAN(site) as ckan:
        yield ckan


def test_the_client_lists_shows_and_searches(remote, catalogue):
    names = remote.action.package_list()
    shown = remote.action.package_show(id="csdl-ho-tich-tn")
    found = remote.action.package_search(q="ho tich", fq="organization:000-00-15-h26")

    assert names == sorted(e.slug for e in entries.entries())
    assert shown["title"] == "Cơ sở dữ liệu hộ tịch điện tử"
    assert shown["organization"]["title"] == "Sở Tư pháp thành phố Hà Nội"
    assert found["count"] == 1
    assert found["results"][0]["id"] == shown["id"]


def test_the_client_reads_by_get_as_well(site, catalogue):
    with ckanapi.RemoteCKAN(site, get_only=True) as ckan:
        found = ckan.action.package_search(fq="tags:\"chỉ số phục vụ\"", sort="name asc",
                                           **{"facet.field": '["organization"]'})  # fmt: skip

    assert [r["name"] for r in found["results"]] == ["so-lieu-hang-thang-tn", "xep-hang-tn"]
    counts = {i["name"]: i["count"] for i in found["search_facets"]["organization"]["items"]}
    assert counts == {"000-00-00-h26": 1, "000-00-10-h26": 1}


def test_the_client_reads_every_other_action(remote, catalogue):
    status = remote.action.status_show()
    organizations = remote.action.organization_list(all_fields=True)
    organization = remote.action.organization_show(id="000-00-20-h26")
    groups = remote.action.group_list()
    tags = remote.action.tag_list()
    package = remote.action.package_show(id="xep-hang-tn")
    resource = remote.action.resource_show(id=package["resources"][0]["id"])

    assert status["site_url"] == "https://dulieu.hanoi.gov.vn"
    assert "000-00-20-h26" in {o["name"] for o in organizations}
    assert organization["title"] == "Sở Nông nghiệp và Môi trường thành phố Hà Nội"
    assert {"gove", "just"} <= set(groups)
    assert "xếp hạng" in tags
    assert resource["url"] == "https://dulieu.hanoi.gov.vn/du-lieu-mo/xep-hang-tn/xep-hang-tn.csv"


def test_paging_with_start_and_rows_covers_every_dataset_once(remote, crowded):
    total = remote.action.package_search(rows=0)["count"]
    seen = []
    for start in range(0, total, 7):
        page = remote.action.package_search(start=start, rows=7, sort="metadata_modified desc")
        seen.extend(r["name"] for r in page["results"])

    assert total == len(entries.entries()) >= 42
    assert sorted(seen) == sorted(e.slug for e in entries.entries())


def test_our_errors_become_the_client_s_exceptions(remote, catalogue):
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="khong-co-bo-nay")
    with pytest.raises(ckanapi.ValidationError) as invalid:
        remote.action.package_search(rows=-1)
    with pytest.raises(ckanapi.NotAuthorized):
        remote.action.package_create(name="bo-moi", title="Bộ mới")
    with pytest.raises(ckanapi.SearchQueryError):
        remote.action.package_search(fq="khong_co_truong:1")

    assert invalid.value.error_dict["rows"] == ["Phải là số tự nhiên"]


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    # ckanapi's dump starts its workers as "ckanapi" from the PATH.
    path = f"{CLI.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run([str(CLI), *arguments], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": path}, check=False)  # fmt: skip


def test_a_harvester_s_command_line_searches(site, catalogue):
    ran = _cli("action", "package_search", "-r", site, "q=dat dai", "rows:5")

    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert [r["name"] for r in found["results"]] == ["csdl-dat-dai-tn"]


def test_a_harvester_dumps_every_dataset(site, catalogue):
    ran = _cli("dump", "datasets", "--all", "-q", "-r", site)

    assert ran.returncode == 0, ran.stderr
    dumped = [json.loads(line) for line in ran.stdout.splitlines() if line.strip()]
    assert sorted(d["name"] for d in dumped) == sorted(e.slug for e in entries.entries())
    by_name = {d["name"]: d for d in dumped}
    assert by_name["csdl-dat-dai-tn"]["resources"][0]["format"] == "HTML"


def test_a_harvester_dumps_the_real_sources_with_the_files_as_served(site, settings, tmp_path):
    """The sources the apps register, filled as the demo fills them (not the test's entries):
    every dataset dumped, and each file's size and sha256 those of the bytes served."""
    # The open-data files and the data catalogue's page, both at this test's server.
    settings.OPENDATA_BASE_URL = settings.PUBLIC_URL = site
    real = seed(settings, tmp_path / "media")

    ran = _cli("dump", "datasets", "--all", "-q", "-r", site)

    assert ran.returncode == 0, ran.stderr
    dumped = {d["name"]: d for d in map(json.loads, ran.stdout.splitlines())}
    assert set(dumped) == {e.slug for e in real}
    with ckanapi.RemoteCKAN(site) as ckan:
        assert ckan.action.package_list() == sorted(dumped)
    checked = 0
    for entry in real:
        resources = dumped[entry.slug]["resources"]
        assert len(resources) == len(entry.distributions)
        for resource in resources:
            if not resource["size"]:
                continue
            with urlopen(resource["url"]) as served:
                body = served.read()
            assert resource["size"] == len(body), resource["url"]
            assert resource["hash"] == hashlib.sha256(body).hexdigest(), resource["url"]
            checked += 1
    assert checked >= 10
