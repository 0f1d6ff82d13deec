"""The admin issues partner keys (shown once), checks a topic's Open311 attributes and keeps
the wards' reference points."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from motcua.feedback.models import PartnerApp, Topic
from motcua.feedback.partners import partner_for_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, settings, django_user_model):
    # The second factor has its own tests (tests/backoffice); these are about the admin pages.
    settings.OFFICER_2FA_REQUIRED = False
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "x")
    client.force_login(user)
    return client


def _shown_keys(response) -> list[str]:
    """The keys on the page the admin is shown, and never in a cookie (Django's messages
    would keep them in one)."""
    keys = re.findall(r'<code class="api-key">(\S{20,})</code>', response.content.decode())
    for key in keys:
        assert all(key not in morsel.value for morsel in response.cookies.values())
    return keys


def test_a_new_partner_app_gets_its_key_shown_once(admin_client):
    response = admin_client.post(
        reverse("admin:feedback_partnerapp_add"),
        {"name": "Ứng dụng Phản ánh", "contact": "doitac@example.vn", "is_active": "on"},
        follow=True,
    )

    assert response.status_code == 200
    [key] = _shown_keys(response)
    app = PartnerApp.objects.get()
    assert partner_for_key(key) == app
    page = admin_client.get(reverse("admin:feedback_partnerapp_change", args=[app.pk]))
    assert key not in page.content.decode()


def test_issuing_a_new_key_stops_the_old_one(admin_client):
    add = reverse("admin:feedback_partnerapp_add")
    admin_client.post(add, {"name": "A", "is_active": "on"}, follow=True)
    app = PartnerApp.objects.get()
    old_hash = app.key_hash

    response = admin_client.post(
        reverse("admin:feedback_partnerapp_changelist"),
        {"action": "issue_new_keys", "_selected_action": [app.pk]},
        follow=True,
    )

    [key] = _shown_keys(response)
    app.refresh_from_db()
    assert app.key_hash != old_hash and partner_for_key(key) == app


def _topic_form(attributes: object) -> dict[str, str]:
    return {
        "code": "o311-thu", "name": "Thử", "description": "", "group": "", "keywords": "",
        "on_open311": "on", "default_classification": "other",
        "attributes": json.dumps(attributes), "position": "0", "is_active": "on",
    }  # fmt: skip


@pytest.mark.parametrize(
    "attributes",
    [
        {"code": "a"},
        [{"code": "a", "datatype": "color"}],
        [{"code": "a", "datatype": "singlevaluelist", "values": []}],
        [{"code": "a", "datatype": "string"}, {"code": "a", "datatype": "text"}],
        [{"datatype": "string"}],
    ],
)
def test_a_topic_with_malformed_open311_attributes_is_refused(admin_client, attributes):
    response = admin_client.post(reverse("admin:feedback_topic_add"), _topic_form(attributes))

    assert response.status_code == 200
    assert not Topic.objects.filter(code="o311-thu").exists()


def test_a_topic_with_well_formed_attributes_is_saved(admin_client):
    attributes = [{"code": "muc_do", "datatype": "singlevaluelist", "required": True,
                   "values": [{"key": "nhe", "name": "Nhẹ"}]}]  # fmt: skip

    response = admin_client.post(reverse("admin:feedback_topic_add"), _topic_form(attributes))

    assert response.status_code == 302
    assert Topic.objects.get(code="o311-thu").attributes == attributes


def test_the_reference_points_are_listed(admin_client, city):
    page = admin_client.get(reverse("admin:feedback_wardpoint_changelist"), {"q": "00073"})

    assert "Phường Hàng Bạc" in page.content.decode()
