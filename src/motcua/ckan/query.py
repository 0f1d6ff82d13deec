"""The part of Solr's query language that CKAN's clients and harvesters send to
``package_search``, read into a :class:`motcua.opendata.search.Query`.

``q`` and ``fq`` are words (matched with or without diacritics, every one required) and
``field:value`` terms: ``organization:x tags:"thủ tục" -res_format:XLSX groups:(gove OR soci)
metadata_modified:[2026-01-01T00:00:00Z TO *]``, in parentheses and joined by OR as CKAN's
harvester sends them (``(organization:a OR organization:b)``). A term is required whether or
not it starts with "+"; "-" or NOT excludes it. An unknown field, a bad range or an unclosed
parenthesis is a Search Query Error (400), as Solr's parser refuses it.
"""

from __future__ import annotations

import dataclasses
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
        (?=[\s)]|$)""",
    re.VERBOSE,
)
_ALTERNATIVES = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')
_ESCAPED = re.compile(r"\\(.)")  # Solr's backslash: "quy\ hoach" is one value
_DEEPEST = 16  # parentheses within parentheses
_AND = ("AND", "&&")
_OR = ("OR", "||")
# Sort names: CKAN's and Solr's, to the domain's.
SORTS = {
    "id": "id",  # the package's id: the door's, not the domain's (ckan's harvester pages by it)
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
    """``q`` and the ``fq`` strings as one query over ``known`` (which a CKAN id or an
    organization's name resolves against): every string must hold."""
    parts = [_Parser(text, known).parse() for text in (q, *filters)]
    return search.Query(
        " ".join(p.text for p in parts if p.text),
        tuple(c for p in parts for c in p.conditions),
        tuple(t for p in parts for t in p.periods),
        tuple(a for p in parts for a in p.alternatives),
    )


class _Parser:
    """expression := clause ("OR" clause)*; clause := unit ("AND"? unit)*;
    unit := "NOT"? ["+"|"-"] (term | "(" expression ")") | word. Words are searched for
    wherever they stand (every one must match); terms and groups filter."""

    def __init__(self, text: str, known: Sequence[Entry]) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.known = known
        self.words: list[str] = []
        self.depth = 0

    def parse(self) -> search.Query:
        found = self._expression()
        if self._peek() is not None:
            raise _refused(self._peek())
        return dataclasses.replace(found, text=" ".join(self.words))

    def _peek(self) -> str | re.Match[str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> str | re.Match[str] | None:
        token = self._peek()
        self.position += 1
        return token

    def _expression(self) -> search.Query:
        clauses = [self._clause()]
        while self._peek() in _OR:
            self._take()
            clauses.append(self._clause())
        return clauses[0] if len(clauses) == 1 else search.Query(alternatives=(tuple(clauses),))

    def _clause(self) -> search.Query:
        conditions: list[Condition] = []
        periods: list[Period] = []
        groups: list[tuple[search.Query, ...]] = []
        while (token := self._peek()) is not None and token not in _OR and token != ")":
            if token in _AND:
                self._take()
                continue
            unit = self._unit()
            if isinstance(unit, Period):
                periods.append(unit)
            elif isinstance(unit, Condition):
                conditions.append(unit)
            elif isinstance(unit, search.Query):
                groups.append((unit,))
        return search.Query("", tuple(conditions), tuple(periods), tuple(groups))

    def _unit(self) -> Condition | Period | search.Query | None:
        token = self._take()
        negated = token == "NOT"
        if negated:
            token = self._take()
        if isinstance(token, re.Match) and token["field"] in _TEXT:
            if negated or token["sign"] == "-":
                raise SearchQueryError(_("Không hỗ trợ loại trừ một từ."))
            self.words.append(_ESCAPED.sub(r"\1", token.group(0).split(":", 1)[1]).strip('"()'))
            return None
        if isinstance(token, re.Match):
            return _filter(_term(token, negated), self.known)
        if token in ("(", "+(", "-("):
            if negated or token == "-(":
                raise SearchQueryError(_("Không hỗ trợ phủ định cả một nhóm điều kiện."))
            self.depth += 1
            if self.depth > _DEEPEST:  # a recursion Python would refuse with a 500
                raise _refused(token)
            group = self._expression()
            if self._take() != ")":
                raise _refused(token)
            self.depth -= 1
            return group
        if token is None or token == ")":
            raise _refused(token)
        if token not in ("*", "*:*"):
            self.words.append(token)
        return None


def _tokens(text: str) -> list[str | re.Match[str]]:
    """Terms (as their matches), parentheses (a sign kept with its "("), and words."""
    tokens: list[str | re.Match[str]] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
        elif match := _TERM.match(text, position):
            tokens.append(match)
            position = match.end()
        elif text.startswith(("+(", "-("), position):
            tokens.append(text[position : position + 2])
            position += 2
        elif text[position] in "()":
            tokens.append(text[position])
            position += 1
        else:
            end = position
            while end < len(text) and not text[end].isspace() and text[end] not in "()":
                end += 1
            tokens.append(text[position:end])
            position = end
    return tokens


def _refused(near: str | re.Match[str] | None) -> SearchQueryError:
    shown = near.group(0) if isinstance(near, re.Match) else near or ""
    return SearchQueryError(_("Điều kiện lọc không hợp lệ: “%(term)s”.") % {"term": shown})


def _filter(term: _Term | None, known: Sequence[Entry]) -> Condition | Period | None:
    if term is None:
        return None
    if term.period is not None:
        return _period(term)
    return _condition(term, known)


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


def _term(match: re.Match[str], negated: bool = False) -> _Term | None:
    field, negated = match["field"], negated != (match["sign"] == "-")
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
# Solr's text fields: their words are searched for as q's are (in every text, not just that
# one: the catalogue is small and a word rarely matches where it was not meant).
_TEXT = ("text", "title", "notes", "title_ngram", "res_name", "res_description")
_FIXED = {"type": "dataset", "dataset_type": "dataset", "state": "active", "capacity": "public"}
