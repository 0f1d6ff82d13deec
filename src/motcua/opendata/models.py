"""What has been published: one row per dataset and one per file, pointing at files already
written whole in the default storage (``publish.py``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedDataset(models.Model):
    slug = models.SlugField(_("mã bộ dữ liệu"), max_length=80, unique=True)
    issued = models.DateTimeField(_("công bố lần đầu"))
    modified = models.DateTimeField(_("cập nhật lúc"))
    checked = models.DateTimeField(_("kiểm tra lần cuối"))
    # A digest of the data (the JSON file): the same data is not written again.
    data_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    temporal_start = models.DateField(null=True, blank=True)
    temporal_end = models.DateField(null=True, blank=True)
    # The first rows as the CSV shows them (suppressed cells "x"), for the dataset's page.
    preview = models.JSONField(default=list)

    objects: models.Manager[PublishedDataset] = models.Manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("bộ dữ liệu đã công bố")
        verbose_name_plural = _("bộ dữ liệu đã công bố")

    def __str__(self) -> str:
        return self.slug


class PublishedFile(models.Model):
    dataset = models.ForeignKey(PublishedDataset, on_delete=models.CASCADE, related_name="files")
    file_name = models.CharField(_("tên tệp"), max_length=120)
    format = models.CharField(max_length=10)
    media_type = models.CharField(max_length=100)
    storage_name = models.CharField(max_length=255)  # in the default storage, under opendata/
    byte_size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    modified = models.DateTimeField()
    position = models.PositiveSmallIntegerField(default=0)

    objects: models.Manager[PublishedFile] = models.Manager()

    class Meta:
        ordering = ["dataset", "position"]
        verbose_name = _("tệp dữ liệu đã công bố")
        verbose_name_plural = _("tệp dữ liệu đã công bố")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "file_name"], name="opendata_file_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dataset.slug}/{self.file_name}"
