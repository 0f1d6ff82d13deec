"""The read actions of CKAN's action API over the open-data entries: the parameters, limits
and results CKAN 2.10/2.11 documents (ckan.logic.action.get), nothing written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.text import fold
from motcua.opendata import entries, search
from motcua.opendata.entries import Entry

from . import params, query, shapes
from .errors import Invalid, NotFound
from .params import Params

# CKAN's limits: ckan.search.rows_max, ckan.group_and_organization_list_max and
# ckan.group_and_organization_list_all_fields_max, search.facets.limit.
ROWS_DEFAULT, ROWS_MAX = 10, 1000
LIST_MAX, LIST_ALL_FIELDS_MAX = 1000, 25
FACETS_LIMIT = 50
ORGANIZATION_SHOW_DATASETS = 10
# The CKAN release whose answers these follow.
CKAN_VERSION = "2.10.0"


@dataclass(frozen=True)
class Action:
    run: Callable[[Params], Any]
    help: Any  # a lazy translation


ACTIONS: dict[str, Action] = {}


def action(help_text: Any) -> Callable[[Callable[[Params], Any]], Callable[[Params], Any]]:
    def register(run: Callable[[Params], Any]) -> Callable[[Params], Any]:
        ACTIONS[run.__name__] = Action(run, help_text)
        return run

    return register


@action(gettext_lazy("Trạng thái của cổng: tên, địa chỉ, phiên bản CKAN mà API tương thích."))
def status_show(data: Params) -> dict[str, Any]:
    return {
        "site_title": _("Một Cửa — Dữ liệu mở"),
        "site_description": _("Dữ liệu mở về thủ tục hành chính và chất lượng phục vụ."),
        "site_url": entries.base(),
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "vi",
        "extensions": [],
    }


@action(gettext_lazy("Tên (name) của mọi bộ dữ liệu, theo thứ tự chữ cái; limit, offset."))
def package_list(data: Params) -> list[str]:
    names = sorted(e.slug for e in entries.entries())
    return _page(names, data, LIST_MAX)


@action(gettext_lazy("Một bộ dữ liệu và các tệp của nó; id là tên hoặc mã định danh cố định."))
def package_show(data: Params) -> dict[str, Any]:
    known = entries.entries()
    wanted = _entry(params.required(data, "id", "name_or_id"), known)
    return shapes.package(wanted, shapes.organizations(known))


@action(gettext_lazy("Tìm bộ dữ liệu: q, fq, rows (mặc định 10, tối đa 1.000), start, sort, "
                     "facet.field, fl."))  # fmt: skip
def package_search(data: Params) -> dict[str, Any]:
    rows = min(params.natural(data, "rows", ROWS_DEFAULT), ROWS_MAX)
    start = params.natural(data, "start", 0)
    sort = params.text(data, "sort").strip() or query.DEFAULT_SORT
    known = entries.entries()
    filters = [params.text(data, "fq"), *params.strings(data, "fq_list")]
    wanted = query.parse(params.text(data, "q"), filters, known)
    hits = _ordered(search.search(known, wanted), query.sort_keys(sort))
    found = _facets(hits, data) if params.boolean(data, "facet", True) else {}
    publishers = shapes.organizations(known)
    results = [shapes.package(hit.entry, publishers) for hit in hits[start : start + rows]]
    if fields := params.strings(data, "fl"):  # only these fields of each, as CKAN's fl
        results = [{field: package.get(field) for field in fields} for package in results]
    return {
        "count": len(hits),
        "sort": sort,
        "results": results,
        "facets": {field: dict(counted) for field, counted in found.items()},
        "search_facets": _search_facets(found, known),
    }


@action(gettext_lazy("Một tệp của bộ dữ liệu, theo mã định danh cố định (id)."))
def resource_show(data: Params) -> dict[str, Any]:
    wanted = params.required(data, "id")
    for entry in entries.entries():
        for position, distribution in enumerate(entry.distributions):
            if shapes.resource_id(entry, distribution) == wanted:
                return shapes.resource(entry, distribution, position)
    raise NotFound()


@action(gettext_lazy("Các cơ quan công bố dữ liệu (tổ chức); all_fields, sort, limit, offset."))
def organization_list(data: Params) -> list[Any]:
    publishers = _publishers(entries.entries())
    records = [shapes.organization(pid, found[0].publisher_name, found)
               for pid, found in publishers.items()]  # fmt: skip
    for record, found in zip(records, publishers.values(), strict=True):
        record["package_count"] = len(found)
    return _listing(records, data, "organizations")


@action(gettext_lazy("Một cơ quan công bố dữ liệu; id là tên, mã định danh hoặc mã định danh "
                     "điện tử của cơ quan."))  # fmt: skip
def organization_show(data: Params) -> dict[str, Any]:
    wanted = params.required(data, "id")
    known = entries.entries()
    for publisher_id, found in _publishers(known).items():
        names = (shapes.organization_id(publisher_id), shapes.organization_name(publisher_id),
                 publisher_id)  # fmt: skip
        if wanted in names:
            return _organization(publisher_id, found, known, data)
    raise NotFound()


@action(gettext_lazy("Các chủ đề dữ liệu (nhóm); all_fields, sort, limit, offset."))
def group_list(data: Params) -> list[Any]:
    themed = _themes(entries.entries())
    records = [dict(shapes.group(theme), package_count=len(found), type="group",
                    is_organization=False, state="active", approval_status="approved")
               for theme, found in themed.items()]  # fmt: skip
    return _listing(records, data, "groups")


@action(gettext_lazy("Một chủ đề dữ liệu (nhóm); id là tên hoặc mã định danh."))
def group_show(data: Params) -> dict[str, Any]:
    wanted = params.required(data, "id")
    known = entries.entries()
    for theme, found in _themes(known).items():
        if wanted in (shapes.group_id(theme), shapes.group_name(theme), theme):
            record = dict(shapes.group(theme), package_count=len(found), type="group",
                          is_organization=False, state="active", approval_status="approved",
                          extras=[], groups=[], tags=[], users=[], num_followers=0)  # fmt: skip
            if params.boolean(data, "include_datasets", False):
                publishers = shapes.organizations(known)
                record["packages"] = [shapes.package(e, publishers) for e in found[:LIST_MAX]]
            return record
    raise NotFound()


@action(gettext_lazy("Các từ khóa (thẻ); query lọc theo một phần của từ khóa, all_fields."))
def tag_list(data: Params) -> list[Any]:
    if params.text(data, "vocabulary_id"):
        raise NotFound(_("Không có bộ từ vựng này."))
    wanted = fold(params.text(data, "query") or params.text(data, "q"))
    names = sorted({k for e in entries.entries() for k in e.keywords if wanted in fold(k)})
    if params.boolean(data, "all_fields", False):
        return [shapes.tag(name) for name in names]
    return names


@action(gettext_lazy("Hướng dẫn ngắn về một thao tác (name)."))
def help_show(data: Params) -> str:
    name = params.required(data, "name")
    if name not in ACTIONS:
        raise NotFound(_("Không có thao tác này."))
    return str(ACTIONS[name].help)


def _ordered(hits: list[search.Hit], keys: list[tuple[str, bool]]) -> list[search.Hit]:
    """By each key, the last first (stable sorts): "id" is CKAN's package id, the others the
    domain's orders."""
    for name, descending in reversed(keys):
        if name == "id":
            hits = sorted(hits, key=lambda h: shapes.package_id(h.entry), reverse=descending)
        else:
            hits = search.order(hits, [(name, descending)])
    return hits


def _entry(wanted: str, known: Sequence[Entry]) -> Entry:
    for entry in known:
        if wanted in (entry.slug, shapes.package_id(entry)):
            return entry
    raise NotFound()


def _page(items: Sequence[Any], data: Params, most: int) -> list[Any]:
    limit = params.natural(data, "limit", 0)
    offset = params.natural(data, "offset", 0)
    limit = min(limit, most) if limit else most
    return list(items[offset : offset + limit])


def _publishers(known: Sequence[Entry]) -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = {}
    for entry in known:
        grouped.setdefault(entry.publisher_id, []).append(entry)
    return grouped


def _themes(known: Sequence[Entry]) -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = {}
    for entry in known:
        for theme in entry.themes:
            grouped.setdefault(theme, []).append(entry)
    return grouped


def _organization(
    publisher_id: str, found: list[Entry], known: Sequence[Entry], data: Params
) -> dict[str, Any]:
    record = shapes.organization(publisher_id, found[0].publisher_name, found)
    record.update(
        extras=[{"key": "electronic_id", "value": publisher_id, "state": "active"}],
        groups=[], tags=[], users=[], num_followers=0,
    )  # fmt: skip
    if params.boolean(data, "include_dataset_count", True):
        record["package_count"] = len(found)
    if params.boolean(data, "include_datasets", False):
        ordered = sorted(found, key=lambda e: e.slug)[:ORGANIZATION_SHOW_DATASETS]
        publishers = shapes.organizations(known)
        record["packages"] = [shapes.package(e, publishers) for e in ordered]
    return record


def _listing(records: list[dict[str, Any]], data: Params, names_key: str) -> list[Any]:
    """organization_list and group_list: filtered by ``q`` and the names asked for, sorted
    ("title asc" unless said), paged; the names, or the records with ``all_fields``."""
    all_fields = params.boolean(data, "all_fields", False)
    wanted = fold(params.text(data, "q"))
    only = set(params.strings(data, names_key))
    chosen = [r for r in records if wanted in fold(f"{r['name']} {r['title']}")]
    chosen = [r for r in chosen if not only or r["name"] in only]
    chosen = _sorted(chosen, params.text(data, "sort").strip() or "title asc")
    page = _page(chosen, data, LIST_ALL_FIELDS_MAX if all_fields else LIST_MAX)
    return page if all_fields else [r["name"] for r in page]


def _sorted(records: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    field, _sep, direction = sort.partition(" ")
    field = {"packages": "package_count"}.get(field, field)
    direction = direction.strip().lower() or ("desc" if field == "package_count" else "asc")
    if field not in ("name", "title", "package_count") or direction not in ("asc", "desc"):
        raise Invalid("sort", _("Chỉ sắp xếp được theo name, title hoặc package_count, asc hoặc "
                                "desc."))  # fmt: skip

    def key(record: dict[str, Any]) -> Any:
        return fold(record[field]) if field != "package_count" else record[field]

    return sorted(records, key=key, reverse=direction == "desc")


def _facets(hits: list[search.Hit], data: Params) -> dict[str, Any]:
    """Counts per value of each ``facet.field`` (CKAN's names), the most frequent first,
    ``facet.limit`` of them (negative: all) with at least ``facet.mincount``."""
    limit = params.integer(data, "facet.limit", FACETS_LIMIT)
    least = params.natural(data, "facet.mincount", 1)
    found = {}
    for field in params.strings(data, "facet.field"):
        counted = _facet(hits, field)
        ranked = sorted(((v, n) for v, n in counted.items() if n >= least),
                        key=lambda pair: (-pair[1], pair[0]))  # fmt: skip
        found[field] = dict(ranked if limit < 0 else ranked[:limit])
    return found


def _facet(hits: list[search.Hit], field: str) -> dict[str, int]:
    if field == "organization":
        counted = search.counts(hits, "publisher")
        return {shapes.organization_name(k): n for k, n in counted.items()}
    if field == "groups":
        return {shapes.group_name(k): n for k, n in search.counts(hits, "theme").items()}
    if field == "tags":
        return dict(search.counts(hits, "keyword"))
    if field == "license_id":
        licences = search.counts(hits, "licence")
        return {shapes.LICENCES.get(k, (k, ""))[0]: n for k, n in licences.items()}
    domain = {"res_format": "format", "res_mimetype": "media_type", "name": "slug",
              "frequency": "frequency", "source": "source"}.get(field)  # fmt: skip
    if domain is None:
        raise Invalid("facet.field", _("Không đếm được theo trường “%(field)s”.")
                      % {"field": field})  # fmt: skip
    return dict(search.counts(hits, domain))


def _search_facets(found: dict[str, dict[str, int]], known: Sequence[Entry]) -> dict[str, Any]:
    if not found:
        return {}
    titles = {shapes.organization_name(e.publisher_id): e.publisher_name for e in known}
    themes = {t for e in known for t in e.themes}
    titles |= {shapes.group_name(t): str(shapes.THEME_TITLES.get(t, t)) for t in themes}
    titles |= {shapes.LICENCES[entries.LICENCE_ID][0]: shapes.LICENCES[entries.LICENCE_ID][1]}
    restructured = {}
    for field, counted in found.items():
        titled = field in ("organization", "groups", "license_id")
        items: list[dict[str, Any]] = [
            {"name": name, "display_name": titles.get(name, name) if titled else name, "count": n}
            for name, n in counted.items()
        ]
        # CKAN sorts each facet's items by display name, last first.
        items.sort(key=lambda item: item["display_name"], reverse=True)
        restructured[field] = {"title": field, "items": items}
    return restructured
