"""The default topics exist after migrate and after a flush, and an administrator's choice
stands: they are created only when there is no topic at all."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from motcua.feedback.models import Topic
from motcua.feedback.topics import TOPICS, seed_default_topics


@pytest.mark.django_db(transaction=True)
def test_the_default_topics_come_back_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    assert Topic.objects.count() == len(TOPICS)
    assert Topic.objects.get(code="can-bo").is_private


@pytest.mark.django_db
def test_an_administrators_edits_are_kept():
    Topic.objects.filter(code="khac").delete()
    assert seed_default_topics() == 0
    assert not Topic.objects.filter(code="khac").exists()
