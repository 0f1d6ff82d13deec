"""The machine-readable time of a <time datetime>: valid HTML (the Nu checker refuses more than
3 fractional digits, which every real timestamp carried), local, and used by every template."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from django.template import Context, Template

import motcua
from motcua.core.templatetags.motcua import machine_time


def test_a_timestamp_is_given_to_the_second_with_the_local_offset():
    stamp = datetime(2026, 11, 23, 2, 0, 5, 123456, tzinfo=UTC)
    assert machine_time(stamp) == "2026-11-23T09:00:05+07:00"


def test_a_date_and_nothing_are_given_as_they_are():
    assert machine_time(date(2026, 11, 23)) == "2026-11-23"
    assert machine_time(None) == ""


def test_the_filter_renders_in_a_time_element():
    html = Template('{% load motcua %}<time datetime="{{ at|machine_time }}">x</time>').render(
        Context({"at": datetime(2026, 11, 23, 2, 0, 0, 999999, tzinfo=UTC)})
    )
    assert html == '<time datetime="2026-11-23T09:00:00+07:00">x</time>'


def test_no_template_writes_a_time_element_with_microseconds():
    root = Path(motcua.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if 'datetime="{{' in (text := path.read_text()) and "|date:'c'" in text
    ]
    assert offenders == []
