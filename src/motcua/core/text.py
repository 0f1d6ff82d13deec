"""Text normalisation shared by search on every database."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text: "Đăng ký Khai sinh" -> "dang ky khai sinh".

    "đ" has no combining mark to strip (it is its own letter), so it is mapped by hand; this is
    why a database's own unaccent is not enough on its own and we store a folded column.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def search_terms(query: str) -> list[str]:
    """The folded words of a search query; every one must appear in a match."""
    return [word for word in fold(query).split(" ") if word]


def small_int(raw: str) -> int | None:
    """An id typed into a form field: ASCII digits only ("²".isdigit() is True but int()
    refuses it) and short (int() refuses 4,300 digits); None otherwise."""
    raw = raw.strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return None


def spreadsheet_text(text: str) -> str:
    """A cell typed by a person, for a CSV or XLSX that a spreadsheet opens: never run as a
    formula (a leading "=", "+", "-", "@", tab or carriage return makes it one)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
