"""The part of Solr's query language that CKAN's clients and harvesters send to
``package_search``, read into a :class:`motcua.opendata.search.Query`.

``q`` is words (matched with or without diacritics) and may hold ``field:value`` terms;
``fq`` is only such terms: ``organization:x tags:"thủ tục" -res_format:XLSX
groups:(gove OR soci) metadata_modified:[2026-01-01T00:00:00Z TO *]``. A term is required
whether or not it starts with "+"; "-" excludes. Anything else is a Search Query Error (400),
as Solr's parser refuses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from motcua.opendata import search
from motcua.opendata.entries import Entry
from motcua.opendata.search import Condition, Period

from . import shapes
from .errors import SearchQueryError

_TERM = re.compile(
    r"""(?P<sign>[+-]?)(?P<field>[A-Za-z_][A-Za-z0-9_.]*):
        (?:"(?P<quoted>(?:[^"\\]|\\.)*)"|\((?P<any>[^()]*)\)|\[(?P<range>[^\[\]]*)\]|(?P<bare>(?:[^\s"()\[\]\\]|\\.)+))
        (?=\s|$)""",
    re.VERBOSE,
)
_ALTERNATIVES = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')
_ESCAPED = re.compile(r"\\(.)")  # Solr's backslash: "quy\ hoach" is one value
_CONNECTIVES = {"AND", "&&"}
# Sort names: CKAN's and Solr's, to the domain's.
SORTS = {
    "score": "score",
    "name": "slug",
    "title": "title",
    "title_string": "title",
    "metadata_modified": "modified",
    "metadata_created": "issued",
    "num_resources": "resources",
    "num_tags": "keywords",
}
DEFAULT_SORT = "score desc, metadata_modified desc"


@dataclass(frozen=True)
class _Term:
    field: str
    values: tuple[str, ...]
    negated: bool
    period: tuple[datetime | None, datetime | None] | None = None


def parse(q: str, filters: Sequence[str], known: Sequence[Entry]) -> search.Query:
    """``q`` and the ``fq`` strings as a query over ``known`` (which names a CKAN id or an
    organization's name resolves against)."""
    words, terms = _split(q, allow_words=True)
    for fq in filters:
        terms.extend(_split(fq, allow_words=False)[1])
    conditions: list[Condition] = []
    periods: list[Period] = []
    for term in terms:
        if term.period is not None:
            periods.append(_period(term))
        elif (condition := _condition(term, known)) is not None:
            conditions.append(condition)
    return search.Query(" ".join(words), tuple(conditions), tuple(periods))


def sort_keys(sort: str) -> list[tuple[str, bool]]:
    """``metadata_modified desc, name asc`` as the domain's (name, descending) pairs."""
    keys = []
    for part in sort.split(","):
        if not part.strip():
            continue
        field, _sep, direction = part.strip().partition(" ")
        direction = direction.strip().lower() or "asc"
        if field not in SORTS or direction not in ("asc", "desc"):
            raise SearchQueryError(_("Không sắp xếp được theo “%(sort)s”.") % {"sort": part})
        keys.append((SORTS[field], direction == "desc"))
    return keys


def _split(text: str, *, allow_words: bool) -> tuple[list[str], list[_Term]]:
    words: list[str] = []
    terms: list[_Term] = []
    position = 0
    text = text.strip()
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = _TERM.match(text, position)
        if match:
            if (term := _term(match)) is not None:
                terms.append(term)
            position = match.end()
            continue
        end = position
        while end < len(text) and not text[end].isspace():
            end += 1
        word = text[position:end]
        if word == "*:*":  # Solr's "everything"
            position = end
            continue
        if not allow_words and word not in _CONNECTIVES:
            raise SearchQueryError(_("Điều kiện lọc không hợp lệ: “%(term)s”.") % {"term": word})
        if word not in _CONNECTIVES and word != "*":
            words.append(word)
        position = end
    return words, terms


def _term(match: re.Match[str]) -> _Term | None:
    field, negated = match["field"], match["sign"] == "-"
    if match["bare"] == "*" and not negated:
        return None  # "field:*": every dataset has one
    if match["range"] is not None:
        return _Term(field, (), negated, _range(match["range"]))
    if match["any"] is not None:
        values = tuple(
            _ESCAPED.sub(r"\1", quoted or bare)
            for quoted, bare in _ALTERNATIVES.findall(match["any"])
            if (quoted or bare) not in ("OR", "||")
        )
    else:
        values = (_ESCAPED.sub(r"\1", match["quoted"] or match["bare"] or ""),)
    return _Term(field, values, negated)


def _range(text: str) -> tuple[datetime | None, datetime | None]:
    start, sep, end = text.partition(" TO ")
    if not sep:
        raise SearchQueryError(_("Khoảng không hợp lệ: “[%(range)s]”.") % {"range": text})
    return _moment(start.strip()), _moment(end.strip())


def _moment(text: str) -> datetime | None:
    if text == "*":
        return None
    if text == "NOW":
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        message = _("Thời điểm không hợp lệ: “%(moment)s”.") % {"moment": text}
        raise SearchQueryError(message) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _period(term: _Term) -> Period:
    field = {"metadata_modified": "modified", "metadata_created": "issued"}.get(term.field)
    if field is None or term.negated or term.period is None:
        raise SearchQueryError(_("Không lọc được theo khoảng của “%(field)s”.")
                               % {"field": term.field})  # fmt: skip
    return Period(field, *term.period)


def _condition(term: _Term, known: Sequence[Entry]) -> Condition | None:
    field = term.field.removeprefix("extras_")
    if field in _FIXED:  # a dataset's type, state and capacity: the same for every one
        holds = any(v.lower() == _FIXED[field] for v in term.values)
        return None if holds != term.negated else Condition("slug", frozenset())
    if field in _RESOLVED:
        domain, resolve = _RESOLVED[field]
        values = {found for v in term.values for found in resolve(v, known)}
        return Condition(domain, frozenset(values), term.negated)
    if field in _DIRECT:
        return Condition(_DIRECT[field], frozenset(term.values), term.negated)
    raise SearchQueryError(_("Không lọc được theo trường “%(field)s”.") % {"field": term.field})


def _publishers(value: str, known: Sequence[Entry]) -> set[str]:
    wanted = shapes.organization_name(value)
    return {e.publisher_id for e in known if shapes.organization_name(e.publisher_id) == wanted}


def _publishers_by_id(value: str, known: Sequence[Entry]) -> set[str]:
    return {e.publisher_id for e in known if shapes.organization_id(e.publisher_id) == value}


def _slugs_by_id(value: str, known: Sequence[Entry]) -> set[str]:
    return {e.slug for e in known if shapes.package_id(e) == value}


def _licences(value: str, known: Sequence[Entry]) -> set[str]:
    wanted = value.lower()
    ours = {
        mine for mine, (theirs, _t) in shapes.LICENCES.items() if wanted in (mine.lower(), theirs)
    }
    return ours or {value}


def _themes(value: str, known: Sequence[Entry]) -> set[str]:
    return {value, value.upper()}


Resolver = Callable[[str, Sequence[Entry]], set[str]]
_RESOLVED: dict[str, tuple[str, Resolver]] = {
    "organization": ("publisher", _publishers),
    "owner_org": ("publisher", _publishers_by_id),
    "id": ("slug", _slugs_by_id),
    "license_id": ("licence", _licences),
    "groups": ("theme", _themes),
}
_DIRECT = {
    "name": "slug",
    "tags": "keyword",
    "res_format": "format",
    "res_mimetype": "media_type",
    "frequency": "frequency",
    "source": "source",
    "publisher_id": "publisher",
}
_FIXED = {"type": "dataset", "dataset_type": "dataset", "state": "active", "capacity": "public"}
