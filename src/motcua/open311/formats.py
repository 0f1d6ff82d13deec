"""The two formats of GeoReport v2: JSON, and XML mapped from it by the Spark convention
(an object is an element with one child per field, a list repeats its item element).

Each list's item element is the specification's name for it (``services`` → ``service``,
``service_requests`` → ``request``, ``errors`` → ``error``…), so one structure gives both
answers and they never disagree.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# The element of one item of each list, as named by the specification (and by the updates
# extension for ``service_request_updates``).
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "media_urls": "media_url",
}


# Characters XML 1.0 cannot carry at all (a control character pasted into a report would make
# the whole answer unreadable to every XML client).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3_datetime(moment: datetime | None) -> str | None:
    """ISO 8601 (the W3C subset) in Hà Nội time, with its offset: 2026-12-06T09:30:00+07:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, field in value.items():
            _fill(ElementTree.SubElement(element, name), field)
    elif isinstance(value, list):
        item = ITEMS[element.tag]
        for entry in value:
            _fill(ElementTree.SubElement(element, item), entry)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def render(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """``data`` as the JSON or XML answer whose XML root element is ``root``."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, default=_json_default)
    else:
        element = ElementTree.Element(root)
        _fill(element, data)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
            element, encoding="unicode"
        )
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])


def format_of(path: str) -> str:
    """The format a path asks for by its suffix; XML (the required one) otherwise."""
    return "json" if path.rstrip("/").endswith(".json") else "xml"


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The specification's error answer: a list of {code, description}, the code being the
    HTTP status (as the major servers do)."""
    data = [{"code": status, "description": str(text)} for text in descriptions]
    return render(fmt, "errors", data, status=status)
