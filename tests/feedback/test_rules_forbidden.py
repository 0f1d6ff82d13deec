"""rules.forbidden tells "not one who may" (403 at a door) from "not now" (409); rules.is_follower
and privacy.for_followers say who follows an item and what they read of it."""

from __future__ import annotations

import pytest

from motcua.feedback import rules, services
from motcua.feedback.models import ItemChannel
from motcua.feedback.privacy import for_followers

pytestmark = pytest.mark.django_db


def _item(world, topic):
    return services.submit_feedback(
        topic=topic, title="Đèn hỏng", body="Đèn tắt.", channel=ItemChannel.PORTAL,
        sender=world["citizen"], ward=world.ward,
    )  # fmt: skip


def test_an_officer_of_another_agency_is_forbidden_not_merely_early(world, topic):
    item = _item(world, topic)
    assert rules.forbidden(world["receiver2"], "answer", item)
    assert not rules.forbidden(world["receiver"], "answer", item)


def test_a_handler_refused_by_the_state_is_not_forbidden(world, topic):
    item = _item(world, topic)
    assert rules.why_not(world["receiver"], "publish", item) is not None
    assert not rules.forbidden(world["receiver"], "publish", item)


def test_only_a_leader_may_ever_decide_a_reopen_request(world, topic):
    item = _item(world, topic)
    assert rules.forbidden(world["receiver"], "decide_reopen", item)
    assert not rules.forbidden(world["approver"], "decide_reopen", item)


def test_a_follower_is_told_apart_and_reads_the_text_without_personal_data(world, topic):
    item = services.submit_feedback(
        topic=topic, title="Đèn hỏng trước nhà 0912345678", body="Đèn tắt.",
        channel=ItemChannel.PORTAL, sender=world["citizen"], ward=world.ward,
    )  # fmt: skip
    services.follow(item=item, user=world["other_citizen"])
    assert rules.is_follower(world["other_citizen"], item)
    assert not rules.is_follower(world["receiver"], item)
    assert "0912345678" not in for_followers(item)["title"]
