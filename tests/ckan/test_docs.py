"""The documentation's section on the CKAN-compatible API names every action, sort field and
fq field the code serves: it fails when they drift apart."""

from __future__ import annotations

import re
from pathlib import Path

from motcua.ckan import query
from motcua.ckan.actions import ACTIONS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _section() -> str:
    text = (DOCS / "opendata.md").read_text(encoding="utf-8")
    start = text.find("## CKAN-compatible API")
    if start >= 0 and "| `package_search` |" in text[start:]:
        following = text.find("\n## ", start + 1)
        return text[start : following if following > 0 else None]
    raise AssertionError("no section “## CKAN-compatible API” with its table of actions")


def test_every_action_is_in_the_table():
    section = _section()
    actions = section[
        section.index("### Actions") : section.index("###", section.index("### Actions") + 1)
    ]
    documented = set(re.findall(r"^\| `(\w+)` \|", actions, re.MULTILINE))

    assert documented == set(ACTIONS)


def test_every_sort_and_filter_field_is_named():
    section = _section()

    fields = {*query.SORTS, *query._DIRECT, *query._RESOLVED, *query._FIXED}
    assert {f for f in fields if f"`{f}`" not in section} == set()
