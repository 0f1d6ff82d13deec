"""Numbers in templates are localised ("1.179" in Vietnamese, with USE_THOUSAND_SEPARATOR):
right for counts, wrong for an id written into an attribute, an anchor or a form value, which
then breaks once ids pass 999 (a catalogue's requirements do at once). Ids are written with
|unlocalize (or through {% url %}, which never localises)."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "motcua"
BARE_ID = re.compile(r"\{\{ *[a-z_.]*\.pk *\}\}")


def test_no_template_writes_a_bare_id():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in BARE_ID.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_an_unlocalized_id_keeps_its_digits_in_vietnamese():
    with translation.override("vi"):
        shown = Template("{% load l10n %}{{ n }} {{ n|unlocalize }}").render(Context({"n": 1179}))
    assert shown == "1.179 1179"
