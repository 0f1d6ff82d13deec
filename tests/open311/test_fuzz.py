"""Whatever an app sends, the answer is a report or the specification's error list: never a
500, never a page, and always well-formed in the format asked for."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import ROOT, post, report

pytestmark = pytest.mark.django_db

FIELDS = ["service_code", "lat", "long", "address_string", "address_id", "description",
          "media_url", "attribute[muc_do]", "attribute[ward]", "attribute[vat_can][]",
          "attribute[rong]", "attribute[khac]", "email", "phone", "first_name"]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["21.03", "-91", "1e9999", "NaN", "00070", "00073", "nang", "da",
                     "https://anh.example.vn/1.jpg", "o311-den", "o311-o-ga", ""]),
)  # fmt: skip
SLOW = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


def _well_formed(response, fmt: str, root_tag: str = "service_requests") -> None:
    assert response.status_code in (200, 400, 403, 404), response.content
    if fmt == "json":
        assert isinstance(json.loads(response.content), list)
    else:
        root = ElementTree.fromstring(response.content)
        assert root.tag == (root_tag if response.status_code == 200 else "errors")


@SLOW
@given(
    changes=st.dictionaries(st.sampled_from(FIELDS), VALUES), fmt=st.sampled_from(["json", "xml"])
)
def test_any_report_gets_a_report_or_the_error_list(client, city, changes, fmt):
    fields = report(city, **{k: v.replace("\x00", "") for k, v in changes.items()})

    _well_formed(post(client, fmt, **fields), fmt)


@SLOW
@given(
    params=st.dictionaries(
        st.sampled_from(["service_request_id", "service_code", "status", "start_date",
                         "end_date", "jurisdiction_id"]),
        st.one_of(st.text(max_size=25), st.sampled_from(["open", "closed", "2026-12-01",
                                                         "2026-12-01T00:00:00Z", "0001-01-01",
                                                         "9999-12-31"])),
    ),
    resource=st.sampled_from(["requests", "servicerequestupdates"]),
    fmt=st.sampled_from(["json", "xml"]),
)  # fmt: skip
def test_any_query_gets_a_list(client, city, params, resource, fmt):
    clean = {k: v.replace("\x00", "") for k, v in params.items()}

    root_tag = "service_requests" if resource == "requests" else "service_request_updates"
    _well_formed(client.get(f"{ROOT}{resource}.{fmt}", clean), fmt, root_tag)
