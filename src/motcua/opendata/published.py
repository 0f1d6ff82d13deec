"""The "platform" source of open-data entries: one :class:`~.entries.Entry` per dataset, with
the files last published (``publish.py``). A dataset not yet published has no entry: a
catalogue never lists a file it cannot serve."""

from __future__ import annotations

from django.core.files.storage import default_storage

from motcua.identity.models import Agency, UnitLevel

from .datasets import dataset, datasets
from .entries import Distribution, Entry, dataset_uri, distribution_uri
from .models import PublishedDataset, PublishedFile


def publisher() -> Agency | None:
    """The city's top agency: the people's committee of a province with no agency above it."""
    roots = Agency.objects.filter(parent__isnull=True).order_by("electronic_id")
    return (
        roots.filter(kind=Agency.Kind.PEOPLES_COMMITTEE, unit__level=UnitLevel.PROVINCE).first()
        or roots.first()
    )


def platform_entries() -> list[Entry]:
    records = {r.slug: r for r in PublishedDataset.objects.all()}
    files: dict[int, list[PublishedFile]] = {}
    for stored in PublishedFile.objects.select_related("dataset").order_by("dataset", "position"):
        files.setdefault(stored.dataset.pk, []).append(stored)
    agency = publisher()
    found = []
    for defined in datasets():
        record = records.get(defined.slug)
        if record is not None:
            found.append(_entry(defined.slug, record, files.get(record.pk, []), agency))
    return found


def _entry(
    slug: str, record: PublishedDataset, files: list[PublishedFile], agency: Agency | None
) -> Entry:
    defined = dataset(slug)
    assert defined is not None
    return Entry(
        slug=slug,
        source="platform",
        title=defined.title,
        title_en=defined.title_en,
        description=defined.description,
        description_en=defined.description_en,
        keywords=defined.keywords,
        keywords_en=defined.keywords_en,
        publisher_id=agency.electronic_id if agency else "",
        publisher_name=agency.name if agency else "",
        frequency=defined.frequency,
        themes=defined.themes,
        temporal_start=record.temporal_start,
        temporal_end=record.temporal_end,
        issued=record.issued,
        modified=record.modified,
        columns=defined.columns(),
        distributions=tuple(_distribution(slug, f) for f in files),
        contact_name=agency.name if agency else "",
        contact_email=agency.email if agency else "",
        landing_page=dataset_uri(slug),
        extras={"rows": str(record.rows)},
    )


def _distribution(slug: str, found: PublishedFile) -> Distribution:
    uri = distribution_uri(slug, found.file_name)
    return Distribution(
        file_name=found.file_name,
        format=found.format,
        media_type=found.media_type,
        title=_title(found.file_name)[0],
        title_en=_title(found.file_name)[1],
        byte_size=found.byte_size,
        sha256=found.sha256,
        modified=found.modified,
        access_url=uri,
        download_url=uri,
    )


def _title(file_name: str) -> tuple[str, str]:
    """A file's title in Vietnamese and English (the catalogues show it)."""
    if file_name == "datapackage.json":
        return "Mô tả gói dữ liệu (Frictionless Data Package)", "Frictionless Data Package"
    return {
        "csv": ("Bảng dữ liệu CSV", "CSV table"),
        "json": ("Dữ liệu JSON", "JSON data"),
        "xlsx": ("Bảng tính XLSX kèm mô tả cột", "XLSX spreadsheet with column descriptions"),
    }.get(file_name.rpartition(".")[2], (file_name, file_name))


def preview(slug: str) -> list[list[str]]:
    record = PublishedDataset.objects.filter(slug=slug).only("preview").first()
    return list(record.preview) if record else []


def stored_file(slug: str, file_name: str) -> PublishedFile | None:
    """The published file ``file_name`` of ``slug``, if it is there to serve."""
    found: PublishedFile | None = (
        PublishedFile.objects.select_related("dataset")
        .filter(dataset__slug=slug, file_name=file_name)
        .first()
    )
    if found is None or not default_storage.exists(found.storage_name):
        return None
    return found
