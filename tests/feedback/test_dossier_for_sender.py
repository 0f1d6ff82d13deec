"""Which dossier a sender may name in an item: their own, or, without an account, one whose
applicant phone is the phone they verified; never a hint about anybody else's."""

from __future__ import annotations

import pytest

from motcua.feedback.selectors import dossier_for_sender

pytestmark = pytest.mark.django_db


def test_a_signed_in_citizen_names_only_their_own_dossiers(world):
    dossier = world.submit()
    assert dossier_for_sender(dossier.code, user=world["citizen"]) == dossier
    assert dossier_for_sender(dossier.code, user=world["other_citizen"]) is None
    # A phone typed next to an account changes nothing: the account decides.
    assert dossier_for_sender(dossier.code, user=world["other_citizen"], phone="0912345678") is None


def test_a_sender_without_account_names_a_dossier_by_its_applicant_phone(world):
    dossier = world.submit()  # applicant phone 0912345678
    assert dossier_for_sender(dossier.code, phone="+84 912 345 678") == dossier
    assert dossier_for_sender(dossier.code, phone="0987654321") is None
    assert dossier_for_sender(dossier.code, phone="") is None
    assert dossier_for_sender(dossier.code, phone="an@example.vn") is None


def test_an_unknown_or_empty_code_is_none(world):
    assert dossier_for_sender("000.01.99.H26-261207-9999", phone="0912345678") is None
    assert dossier_for_sender("", user=world["citizen"]) is None
    assert dossier_for_sender("x" * 500, user=world["citizen"]) is None
