"""The sources the apps register, filled as the demo fills them: the units and agencies, the
data catalogue's version 1 (its open databases become datasets) and the platform's datasets
published into the test's storage. What a harvester meets on a real site, not entries made
for the test."""

from __future__ import annotations

from django.core.management import call_command

from motcua.demo.data_catalogue import seed_demo_data_catalogue
from motcua.demo.services import create_demo_accounts, load_demo_agencies
from motcua.opendata import entries
from motcua.opendata.entries import Entry
from motcua.opendata.publish import publish_all


def seed(settings, media_root) -> list[Entry]:
    settings.DATA_COORDINATOR = "000.00.09.H26"
    settings.MEDIA_ROOT = media_root
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage"}}  # fmt: skip
    call_command("load_units", verbosity=0)
    load_demo_agencies()
    create_demo_accounts()
    seed_demo_data_catalogue()
    publish_all()
    found = entries.entries()
    assert {"platform", "catalogue"} <= {e.source for e in found}
    return found
