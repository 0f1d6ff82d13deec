"""Publishing as it runs: the periodic job and the command, the rankings once published, the
entries every door reads, and a failed write that leaves the served files alone."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from motcua.core.jobs import registered_jobs, run_job
from motcua.opendata import dcat, entries, publish
from motcua.opendata.datasets import dataset
from motcua.opendata.models import PublishedDataset, PublishedFile
from motcua.reporting.periods import Period
from motcua.reporting.rankings import publish as publish_ranking
from tests.opendata.test_dcat_shapes import check
from tests.opendata.test_dcat_shapes import shapes as dcat_shapes


def test_the_job_is_registered_and_republishes_after_a_change(figures, december, world):
    job = next(j for j in registered_jobs() if j.name == "publish_opendata")
    assert job.every == timedelta(hours=6)
    run_job("publish_opendata", december)
    first = PublishedDataset.objects.get(slug="xep-hang")
    assert first.rows == 0
    publish_ranking(figures["city"], "commune", Period.month(2026, 11))
    run_job("publish_opendata", december + timedelta(hours=6))
    again = PublishedDataset.objects.get(slug="xep-hang")
    assert again.rows == 2 and again.modified > first.modified
    assert again.temporal_start == date(2026, 11, 1)
    [row] = [r for r in again.preview if r[6] == world.committee.electronic_id]
    assert row[:3] == ["2026-11", "month", "commune"]


def test_the_command_says_what_it_published(figures, december):
    out = io.StringIO()
    call_command("publish_opendata", stdout=out)
    assert "so-lieu-hang-thang: 4 rows, published." in out.getvalue()
    out = io.StringIO()
    call_command("publish_opendata", stdout=out)
    assert "so-lieu-hang-thang: 4 rows, unchanged." in out.getvalue()


def test_each_published_dataset_is_an_entry_with_its_files(figures, december, settings):
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.gov.vn"
    assert [e for e in entries.entries() if e.source == "platform"] == []
    publish.publish_all()
    entry = entries.entry("so-lieu-hang-thang")
    assert entry is not None and entry.source == "platform"
    assert entry.publisher_id == figures["city"].electronic_id
    assert entry.landing_page == "https://dulieu.hanoi.gov.vn/du-lieu-mo/so-lieu-hang-thang/"
    assert (entry.temporal_start, entry.temporal_end) == (date(2026, 10, 1), date(2026, 11, 30))
    assert [d.file_name for d in entry.distributions] == [
        "so-lieu-hang-thang.csv", "so-lieu-hang-thang.json", "so-lieu-hang-thang.xlsx",
        "datapackage.json",
    ]  # fmt: skip
    csv_file = entry.distributions[0]
    stored = PublishedFile.objects.get(dataset__slug=entry.slug, file_name=csv_file.file_name)
    assert csv_file.byte_size == stored.byte_size == default_storage.size(stored.storage_name)
    assert csv_file.sha256 == stored.sha256 and csv_file.media_type == "text/csv"
    assert csv_file.download_url.startswith("https://dulieu.hanoi.gov.vn/du-lieu-mo/")
    assert any(c.name == "chi_so_2_1_tu" for c in entry.columns)
    assert entry.distributions[3].title_en == "Frictionless Data Package"


def test_a_write_that_fails_leaves_the_published_files_as_they_were(
    figures, december, world, monkeypatch
):
    publish.publish_all()
    before = list(PublishedFile.objects.filter(dataset__slug="co-quan-don-vi").values_list(
        "storage_name", "sha256"))  # fmt: skip
    world.committee.name = "Tên mới"
    world.committee.save()
    written = []

    class FullDisk:
        """The storage, out of room when the XLSX comes (after the CSV and the JSON)."""

        def save(self, name, content):
            if name.endswith(".xlsx"):
                raise OSError("disk full")
            written.append(default_storage.save(name, content))
            return written[-1]

        def __getattr__(self, name):
            return getattr(default_storage, name)

    monkeypatch.setattr(publish, "default_storage", FullDisk())
    with pytest.raises(OSError):
        publish.publish_dataset(dataset("co-quan-don-vi"), now=december)
    after = list(PublishedFile.objects.filter(dataset__slug="co-quan-don-vi").values_list(
        "storage_name", "sha256"))  # fmt: skip
    assert after == before
    assert all(default_storage.exists(name) for name, _sha in after)
    assert written and not any(default_storage.exists(name) for name in written)


shapes = dcat_shapes  # the DCAT tests' fixture: SEMIC's shapes, as they load them


def test_the_published_datasets_conform_to_dcat_ap_3(figures, december, settings, shapes):
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.gov.vn"
    publish.publish_all()
    platform = [e for e in entries.entries() if e.source == "platform"]
    assert len(platform) == 4
    conforms, _report, text = check(dcat.graph(platform), shapes)
    assert conforms, text


def test_ckan_shows_a_published_dataset_with_its_files(client, figures, december):
    publish.publish_all()
    answer = client.get("/api/3/action/package_show", {"id": "so-lieu-hang-thang"}).json()
    assert answer["success"] is True
    resources = {r["url"].rsplit("/", 1)[-1]: r for r in answer["result"]["resources"]}
    assert set(resources) == {"so-lieu-hang-thang.csv", "so-lieu-hang-thang.json",
                              "so-lieu-hang-thang.xlsx", "datapackage.json"}  # fmt: skip
    stored = PublishedFile.objects.get(file_name="so-lieu-hang-thang.csv")
    assert resources["so-lieu-hang-thang.csv"]["size"] == stored.byte_size
