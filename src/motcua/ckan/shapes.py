"""The open-data entries in the shapes CKAN 2.10/2.11 gives its datasets (packages), files
(resources), publishers (organizations), themes (groups) and keywords (tags).

Identifiers never change: a package's id is the UUID (version 5, URL namespace) of its dataset
URI, a resource's the UUID of its distribution URI, a group's the UUID of the EU data theme's
URI. A harvester keys on these; they move only if the open-data base address does.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy

from motcua.opendata import entries
from motcua.opendata.entries import Distribution, Entry

Record = dict[str, Any]

# The EU Publications Office's data themes (DCAT-AP's dcat:theme), CKAN groups here.
THEME_URI = "http://publications.europa.eu/resource/authority/data-theme/"
# CKAN's own licence register names CC-BY "cc-by"; a harvesting CKAN knows that id.
LICENCES = {entries.LICENCE_ID: ("cc-by", "Creative Commons Attribution 4.0")}
_NAME = re.compile(r"[^a-z0-9_-]+")


# Built once; each is translated when read, in the reader's language.
THEME_TITLES = {
    "AGRI": gettext_lazy("Nông nghiệp, thủy sản, lâm nghiệp và thực phẩm"),
    "ECON": gettext_lazy("Kinh tế và tài chính"),
    "EDUC": gettext_lazy("Giáo dục, văn hóa và thể thao"),
    "ENER": gettext_lazy("Năng lượng"),
    "ENVI": gettext_lazy("Môi trường"),
    "GOVE": gettext_lazy("Chính phủ và khu vực công"),
    "HEAL": gettext_lazy("Y tế"),
    "INTR": gettext_lazy("Các vấn đề quốc tế"),
    "JUST": gettext_lazy("Tư pháp, hệ thống pháp luật và an toàn công cộng"),
    "OP_DATPRO": gettext_lazy("Dữ liệu tạm thời"),
    "REGI": gettext_lazy("Vùng và đô thị"),
    "SOCI": gettext_lazy("Dân số và xã hội"),
    "TECH": gettext_lazy("Khoa học và công nghệ"),
    "TRAN": gettext_lazy("Giao thông vận tải"),
}


def stable_id(uri: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, uri))


def package_id(entry: Entry) -> str:
    return stable_id(entry.uri)


def resource_uri(entry: Entry, distribution: Distribution) -> str:
    return entries.distribution_uri(entry.slug, distribution.file_name)


def resource_id(entry: Entry, distribution: Distribution) -> str:
    return stable_id(resource_uri(entry, distribution))


def organization_name(publisher_id: str) -> str:
    """CKAN's names are lower-case ASCII, digits, "-" and "_": "000.00.00.H26" is
    "000-00-00-h26"."""
    return _NAME.sub("-", publisher_id.lower()).strip("-") or "to-chuc"


def organization_id(publisher_id: str) -> str:
    return stable_id(f"{entries.catalog_uri()}#to-chuc-{publisher_id}")


def group_name(theme: str) -> str:
    return organization_name(theme)


def group_id(theme: str) -> str:
    return stable_id(THEME_URI + theme)


def tag_id(name: str) -> str:
    return stable_id(f"{entries.catalog_uri()}#tu-khoa-{name}")


def timestamp(moment: datetime | None) -> str | None:
    """CKAN's form: UTC, ISO 8601 without a zone, e.g. "2026-12-01T03:00:00"."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()


def created(entry: Entry) -> str | None:
    return timestamp(entry.issued or entry.modified)


def modified(entry: Entry) -> str | None:
    return timestamp(entry.modified or entry.issued)


def package(entry: Entry, publishers: dict[str, Record]) -> Record:
    """``entry`` as CKAN's package; ``publishers`` (:func:`organizations` of every entry)
    gives its organization the record organization_show gives."""
    licence_id, licence_title = LICENCES.get(entries.LICENCE_ID, (entries.LICENCE_ID, ""))
    resources = [resource(entry, d, i) for i, d in enumerate(entry.distributions)]
    tags = [tag(name) for name in dict.fromkeys(entry.keywords)]
    return {
        "id": package_id(entry),
        "name": entry.slug,
        "title": entry.title,
        "notes": entry.description,
        "url": entry.landing_page,
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": True,
        "license_id": licence_id,
        "license_title": licence_title,
        "license_url": entries.LICENCE_URL,
        "metadata_created": created(entry),
        "metadata_modified": modified(entry),
        "author": entry.publisher_name,
        "author_email": None,
        "maintainer": entry.contact_name or None,
        "maintainer_email": entry.contact_email or None,
        "creator_user_id": None,
        "version": None,
        "owner_org": organization_id(entry.publisher_id),
        "organization": publishers[entry.publisher_id],
        "groups": [group(theme) for theme in entry.themes],
        "tags": tags,
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": _extras(entry),
        "relationships_as_object": [],
        "relationships_as_subject": [],
        # ckanext-fluent's multilingual fields, for clients that read them.
        "title_translated": {"vi": entry.title, "en": entry.title_en},
        "notes_translated": {"vi": entry.description, "en": entry.description_en},
        "tags_translated": {"vi": list(entry.keywords), "en": list(entry.keywords_en)},
    }


def resource(entry: Entry, distribution: Distribution, position: int) -> Record:
    return {
        "id": resource_id(entry, distribution),
        "package_id": package_id(entry),
        "uri": resource_uri(entry, distribution),
        "url": distribution.download_url or distribution.access_url
        or resource_uri(entry, distribution),
        "access_url": distribution.access_url or resource_uri(entry, distribution),
        "download_url": distribution.download_url or None,
        "name": distribution.title,
        "name_translated": {"vi": distribution.title, "en": distribution.title_en},
        "description": "",
        "format": distribution.format,
        "mimetype": distribution.media_type or None,
        "mimetype_inner": None,
        "size": distribution.byte_size,
        "hash": distribution.sha256,
        "hash_algorithm": "sha256" if distribution.sha256 else None,
        "created": created(entry),
        "last_modified": timestamp(distribution.modified),
        "metadata_modified": timestamp(distribution.modified) or modified(entry),
        "position": position,
        "state": "active",
        "url_type": None,
        "resource_type": None,
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": False,
    }  # fmt: skip


def organizations(known: Sequence[Entry]) -> dict[str, Record]:
    """Each publisher's organization, by electronic ID."""
    grouped: dict[str, list[Entry]] = {}
    for entry in known:
        grouped.setdefault(entry.publisher_id, []).append(entry)
    return {
        pid: organization(pid, found[0].publisher_name, found) for pid, found in grouped.items()
    }


def organization(publisher_id: str, name: str, published: Iterable[Entry]) -> Record:
    dates = sorted(filter(None, (created(e) for e in published)))
    return {
        "id": organization_id(publisher_id),
        "name": organization_name(publisher_id),
        "title": name,
        "display_name": name,
        "type": "organization",
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": dates[0] if dates else None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }


def group(theme: str) -> Record:
    title = str(THEME_TITLES.get(theme, theme))
    return {
        "id": group_id(theme),
        "name": group_name(theme),
        "title": title,
        "display_name": title,
        "description": "",
        "image_display_url": "",
    }


def tag(name: str) -> Record:
    return {
        "id": tag_id(name),
        "name": name,
        "display_name": name,
        "state": "active",
        "vocabulary_id": None,
    }


def _extras(entry: Entry) -> list[Record]:
    """ckanext-dcat's extras (uri, frequency, temporal_start…), so that a harvester mapping
    them to DCAT finds them where it looks; sorted by key as CKAN does."""
    found = {
        "uri": entry.uri,
        "identifier": entry.slug,
        "frequency": entry.frequency,
        "publisher_id": entry.publisher_id,
        "publisher_name": entry.publisher_name,
        "contact_name": entry.contact_name,
        "contact_email": entry.contact_email,
        "issued": timestamp(entry.issued),
        "modified": timestamp(entry.modified),
        "temporal_start": entry.temporal_start.isoformat() if entry.temporal_start else None,
        "temporal_end": entry.temporal_end.isoformat() if entry.temporal_end else None,
        "theme": ", ".join(THEME_URI + t for t in entry.themes),
        "language": "vi",
        "legal_basis": entry.legal_basis,
        "source": entry.source,
        **entry.extras,
    }
    return [{"key": k, "value": str(v)} for k, v in sorted(found.items()) if v]
