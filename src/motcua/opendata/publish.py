"""Publishing the datasets: build each table, write its files under new names in the default
storage, then switch the records to them in one transaction. A crash while writing leaves the
records on the previous files (never a half-written one served); the previous files are
deleted only once the switch has committed. Data that did not change is not written again,
so its files keep their dates, sizes and hashes (harvesters see nothing new).

``publish_all`` is the periodic job ``publish_opendata`` and the command of the same name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from motcua.core.page_cache import bump

from .datasets import Dataset, datasets
from .models import PublishedDataset, PublishedFile
from .table import Table
from .writers import Written, cells, write

logger = logging.getLogger(__name__)
PREVIEW_ROWS = 10
FOLDER = "opendata"


@dataclass(frozen=True)
class Outcome:
    slug: str
    changed: bool
    rows: int


def publish_all(now: datetime | None = None) -> list[Outcome]:
    """Publish every dataset; the job's function (``now`` is the job's time)."""
    now = now or timezone.now()
    return [publish_dataset(found, now=now) for found in datasets()]


def publish_dataset(dataset: Dataset, *, now: datetime) -> Outcome:
    table = dataset.build()
    files = write(dataset, table)
    data = next(f for f in files if f.file_name.endswith(".json")).sha256
    record = PublishedDataset.objects.filter(slug=dataset.slug).first()
    if record is not None and record.data_sha256 == data and _all_stored(record):
        PublishedDataset.objects.filter(pk=record.pk).update(checked=now)
        return Outcome(dataset.slug, False, len(table.rows))
    stored = _store(dataset.slug, data, now, files)
    try:
        old = _switch(dataset, table, files, stored, data, now)
    except Exception:
        _delete(stored.values())
        raise
    transaction.on_commit(lambda: _delete(old))
    transaction.on_commit(bump)
    return Outcome(dataset.slug, True, len(table.rows))


def _all_stored(record: PublishedDataset) -> bool:
    names = list(
        PublishedFile.objects.filter(dataset=record).values_list("storage_name", flat=True)
    )
    return bool(names) and all(default_storage.exists(name) for name in names)


def _store(slug: str, data: str, now: datetime, files: list[Written]) -> dict[str, str]:
    """Each file written whole under a name of its own; file name -> storage name."""
    folder = f"{FOLDER}/{slug}/{now:%Y%m%dT%H%M%S}-{data[:12]}"
    stored: dict[str, str] = {}
    try:
        for found in files:
            stored[found.file_name] = default_storage.save(
                f"{folder}/{found.file_name}", ContentFile(found.content)
            )
    except Exception:
        _delete(stored.values())
        raise
    return stored


def _switch(
    dataset: Dataset,
    table: Table,
    files: list[Written],
    stored: dict[str, str],
    data: str,
    now: datetime,
) -> list[str]:
    """Point the records at the new files; the storage names they pointed at before."""
    preview = [row for row, _i in zip(cells(table, dataset.columns()), range(PREVIEW_ROWS),
                                      strict=False)]  # fmt: skip
    with transaction.atomic():
        record, _created = PublishedDataset.objects.select_for_update().get_or_create(
            slug=dataset.slug,
            defaults={"issued": now, "modified": now, "checked": now, "data_sha256": data},
        )
        files_now = PublishedFile.objects.filter(dataset=record)
        old = list(files_now.values_list("storage_name", flat=True))
        files_now.delete()
        record.modified = record.checked = now
        record.data_sha256 = data
        record.rows = len(table.rows)
        record.temporal_start, record.temporal_end = table.start, table.end
        record.preview = preview
        record.save()
        PublishedFile.objects.bulk_create(
            PublishedFile(
                dataset=record,
                file_name=found.file_name,
                format=found.format,
                media_type=found.media_type,
                storage_name=stored[found.file_name],
                byte_size=len(found.content),
                sha256=found.sha256,
                modified=now,
                position=position,
            )
            for position, found in enumerate(files)
        )
    return old


def _delete(names: Iterable[str]) -> None:
    for name in list(names):
        try:
            default_storage.delete(name)
        except OSError:  # a file left behind costs space, never a wrong answer
            logger.warning("Could not delete the old open-data file %s", name)
