"""Talking to /open311/v2/ through Django's test client, as an app would: form-encoded POSTs,
XML read with the standard library."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

from django.test import Client

ROOT = "/open311/v2/"


def get(client: Client, path: str, **params: Any) -> Any:
    return client.get(ROOT + path, params)


def post(client: Client, fmt: str = "json", **fields: Any) -> Any:
    body = urlencode(fields, doseq=True)
    return client.post(
        f"{ROOT}requests.{fmt}", body, content_type="application/x-www-form-urlencoded"
    )


def xml(response: Any) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def error_list(response: Any) -> list[dict[str, Any]]:
    """The specification's errors, from JSON or XML alike."""
    if response["Content-Type"].startswith("application/json"):
        data = json.loads(response.content)
        assert isinstance(data, list)
        return data
    root = xml(response)
    assert root.tag == "errors"
    return [{"code": int(e.findtext("code") or 0), "description": e.findtext("description")}
            for e in root.findall("error")]  # fmt: skip


def report(city: Any, **fields: Any) -> dict[str, Any]:
    """A valid pothole report from the partner, at the first ward's reference point."""
    data = {
        "api_key": city.key, "jurisdiction_id": "hanoi.gov.vn", "service_code": "o311-o-ga",
        "lat": "21.028810", "long": "105.852090", "attribute[muc_do]": "nang",
        "description": "Ổ gà sâu trước số 12 Hàng Khay\nxe máy dễ ngã.",
        "first_name": "An", "last_name": "Nguyễn Văn", "phone": "0912345678",
        "email": "an@example.vn", "address_string": "12 Hàng Khay, Hoàn Kiếm, Hà Nội",
    }  # fmt: skip
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}
