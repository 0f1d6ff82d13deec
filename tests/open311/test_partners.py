from __future__ import annotations

import pytest

from motcua.feedback.models import PartnerApp
from motcua.feedback.partners import issue_key, partner_for_key

pytestmark = pytest.mark.django_db


def test_an_issued_key_finds_its_app_and_only_its_hash_is_stored():
    app = PartnerApp.objects.create(name="Ứng dụng A")

    key = issue_key(app)

    app.refresh_from_db()
    assert len(key) >= 40
    assert key not in (app.key_hash, app.key_prefix) and app.key_hash
    assert app.key_prefix == key[:8]
    assert partner_for_key(key) == app


def test_a_new_key_replaces_the_old_one():
    app = PartnerApp.objects.create(name="Ứng dụng A")
    old = issue_key(app)

    new = issue_key(app)

    assert new != old
    assert partner_for_key(old) is None
    assert partner_for_key(new) == app


def test_the_demo_may_fix_its_key_but_not_a_short_one():
    app = PartnerApp.objects.create(name="Bản trình diễn")

    assert issue_key(app, "demo-open311-khoa-co-dinh-2026") == "demo-open311-khoa-co-dinh-2026"
    assert partner_for_key("demo-open311-khoa-co-dinh-2026") == app
    with pytest.raises(ValueError):
        issue_key(app, "ngan")


def test_it_refuses_a_wrong_empty_or_revoked_key():
    app = PartnerApp.objects.create(name="Ứng dụng A")
    key = issue_key(app)

    assert partner_for_key("") is None
    assert partner_for_key(key[:8] + "x" * 40) is None
    assert partner_for_key(key + "x") is None
    PartnerApp.objects.filter(pk=app.pk).update(is_active=False)
    assert partner_for_key(key) is None


def test_a_key_given_before_the_app_is_saved_saves_it():
    app = PartnerApp(name="Ứng dụng mới")

    key = issue_key(app)

    assert app.pk is not None and partner_for_key(key) == app
