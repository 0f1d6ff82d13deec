"""``motcua create_officer``: the policy applies, and the officer must change the password."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from motcua.identity.models import OfficerRole, User
from tests.factories import make_hanoi

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("create_officer", *args, stdout=out)
    return out.getvalue()


def test_it_opens_an_officer_who_must_change_the_temporary_password():
    output = _run("quantri.moi", "--name", "Đỗ Minh Tuấn", "--email", "Tuan@UBND.gov.vn",
                  "--role", "system_admin")  # fmt: skip
    password = re.search(r"temporary password (\S+)", output).group(1)
    user = User.objects.get(username="quantri.moi")
    assert user.check_password(password) and user.must_change_password
    assert user.is_officer and user.is_superuser and user.email_verified
    assert user.email == "tuan@ubnd.gov.vn"
    validate_password(password, user)  # the temporary password meets the policy itself
    assert OfficerRole.objects.filter(user=user, role="system_admin", agency=None).exists()


def test_it_needs_an_agency_for_a_scoped_role():
    with pytest.raises(CommandError, match="cơ quan"):
        _run("motcua.moi", "--name", "Nguyễn Thị Hồng", "--role", "receiver",
             "--agency", "000.00.99.H26")  # fmt: skip
    assert not User.objects.filter(username="motcua.moi").exists()


def test_it_refuses_a_username_already_taken():
    _run("canbo", "--name", "A", "--role", "system_admin")
    with pytest.raises(CommandError):
        _run("canbo", "--name", "B", "--role", "system_admin")


def test_a_receiver_is_scoped_to_the_agency_named():
    _hanoi, _ward, agency = make_hanoi()
    _run("motcua.moi", "--name", "Nguyễn Thị Hồng", "--role", "receiver",
         "--agency", agency.electronic_id)  # fmt: skip
    user = User.objects.get(username="motcua.moi")
    assert OfficerRole.objects.get(user=user).agency == agency
    assert not user.is_staff and user.must_change_password
