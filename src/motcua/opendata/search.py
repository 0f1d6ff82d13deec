"""Search over the open-data entries: words with or without diacritics, filters on what an
entry is published as (publisher, keyword, theme, format…), periods, an order and facets.

Any door that lists datasets reads this (the CKAN-compatible API's ``package_search``, the
portal's list): the rule for "does this dataset match" is written once. The catalogue is small
(tens of datasets), so every query reads :func:`entries.entries` and filters in memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from motcua.core.text import fold, search_terms

from .entries import LICENCE_ID, Entry

# What an entry can be filtered and counted on, each a set of values per entry.
FIELDS = ("publisher", "keyword", "theme", "format", "media_type", "slug", "source",
          "frequency", "licence")  # fmt: skip
# What an entry can be ordered by.
ORDERS = ("score", "slug", "title", "modified", "issued", "resources", "keywords")
# A word in the title counts more than one in the keywords, which counts more than one in the
# description or the publisher's name.
_WEIGHTS = (("title", 3.0), ("keywords", 2.0), ("rest", 1.0))
# Shorter words must be whole ("an" is not "than"); from this length a word may also start a
# longer one ("procedure" finds "procedures").
_PREFIX_FROM = 4


@dataclass(frozen=True)
class Condition:
    """The entry has one of ``values`` in ``field`` (compared folded), or none of them."""

    field: str
    values: frozenset[str]
    negated: bool = False


@dataclass(frozen=True)
class Period:
    """The entry's ``field`` ("modified" or "issued") falls between start and end, included;
    either end may be open."""

    field: str
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class Query:
    """Every word of ``text``, every condition and period, and for each group of
    ``alternatives`` at least one of its queries (whose own text is not read)."""

    text: str = ""
    conditions: tuple[Condition, ...] = ()
    periods: tuple[Period, ...] = ()
    alternatives: tuple[tuple[Query, ...], ...] = ()


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


def values(entry: Entry, field: str) -> set[str]:
    """The values of ``field`` for ``entry``, as published (not folded)."""
    if field == "publisher":
        return {entry.publisher_id}
    if field == "keyword":
        return {*entry.keywords, *entry.keywords_en}
    if field == "theme":
        return set(entry.themes)
    if field == "format":
        return {d.format for d in entry.distributions if d.format}
    if field == "media_type":
        return {d.media_type for d in entry.distributions if d.media_type}
    if field == "slug":
        return {entry.slug}
    if field == "source":
        return {entry.source}
    if field == "frequency":
        return {entry.frequency}
    if field == "licence":
        return {LICENCE_ID}
    raise ValueError(field)


def search(found: Iterable[Entry], query: Query) -> list[Hit]:
    """The entries matching every word and condition of ``query``, in the order given."""
    terms = search_terms(query.text)
    hits = []
    for entry in found:
        if not _filtered(entry, query):
            continue
        score = _score(entry, terms)
        if score is not None:
            hits.append(Hit(entry, score))
    return hits


def order(hits: Sequence[Hit], keys: Sequence[tuple[str, bool]]) -> list[Hit]:
    """``hits`` ordered by ``keys`` ((name from ORDERS, descending), first key first). An entry
    with no date comes before every dated one ascending, after them descending."""
    ordered = list(hits)
    for name, descending in reversed(keys):  # stable sorts, the last key first
        ordered.sort(key=lambda hit: _key(hit, name), reverse=descending)
    return ordered


def counts(hits: Iterable[Hit], field: str) -> Counter[str]:
    """How many of ``hits`` carry each value of ``field`` (facets)."""
    counted: Counter[str] = Counter()
    for hit in hits:
        counted.update(values(hit.entry, field))
    return counted


def _filtered(entry: Entry, query: Query) -> bool:
    return (
        all(_holds(entry, c) for c in query.conditions)
        and all(_within(entry, p) for p in query.periods)
        and all(any(_filtered(entry, q) for q in group) for group in query.alternatives)
    )


def _holds(entry: Entry, condition: Condition) -> bool:
    wanted = {fold(v) for v in condition.values}
    present = any(fold(v) in wanted for v in values(entry, condition.field))
    return present != condition.negated


def _within(entry: Entry, period: Period) -> bool:
    moment = _moment(entry, period.field)
    if moment is None:
        return False
    if period.start is not None and moment < _aware(period.start):
        return False
    return period.end is None or moment <= _aware(period.end)


def _moment(entry: Entry, field: str) -> datetime | None:
    # A dataset never changed since it was issued was last modified then, and the other way.
    if field == "modified":
        moment = entry.modified or entry.issued
    else:
        moment = entry.issued or entry.modified
    return _aware(moment) if moment is not None else None


def _aware(moment: datetime) -> datetime:
    # A naive moment is taken as UTC, as CKAN's clients send them.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _texts(entry: Entry) -> dict[str, list[str]]:
    return {
        "title": fold(f"{entry.title} {entry.title_en}").split(),
        "keywords": fold(" ".join((*entry.keywords, *entry.keywords_en))).split(),
        "rest": fold(f"{entry.description} {entry.description_en} {entry.publisher_name} "
                     f"{entry.slug.replace('-', ' ')}").split(),
    }  # fmt: skip


def _score(entry: Entry, terms: list[str]) -> float | None:
    """None when a word is missing; else the weighted count of the words' occurrences."""
    if not terms:
        return 1.0
    texts = _texts(entry)
    total = 0.0
    for term in terms:
        found = sum(weight * _occurrences(term, texts[part]) for part, weight in _WEIGHTS)
        if not found:
            return None
        total += found
    return total


def _occurrences(term: str, words: list[str]) -> int:
    if len(term) >= _PREFIX_FROM:
        return sum(1 for word in words if word.startswith(term))
    return words.count(term)


def _key(hit: Hit, name: str) -> tuple[int, float | str | datetime]:
    entry = hit.entry
    if name == "score":
        return (0, hit.score)
    if name == "slug":
        return (0, entry.slug)
    if name == "title":
        return (0, fold(entry.title))
    if name == "resources":
        return (0, float(len(entry.distributions)))
    if name == "keywords":
        return (0, float(len(entry.keywords)))
    moment = _moment(entry, name)
    return (1, moment) if moment is not None else (0, 0.0)
