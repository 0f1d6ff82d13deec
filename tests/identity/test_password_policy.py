"""The password policy (settings.AUTH_PASSWORD_VALIDATORS) as every door applies it."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from motcua.identity.models import User
from motcua.identity.validators import GuessablePasswordValidator

PERSON = User(
    username="congdan-7", full_name="Nguyễn Văn An", email="an.nguyen@example.vn",
    phone="0912345678", national_id="001090012345", date_of_birth=date(1990, 3, 12),
)  # fmt: skip


def _refusals(password: str, user: User | None = PERSON) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


@pytest.mark.parametrize(
    "password", ["Hoa-sen-no-2026", "Dua hau do 1990", "Con-meo-den-bay!", "Ha Noi mua thu 2026"]
)
def test_it_accepts_long_passphrases(password):
    assert _refusals(password) == []


def test_it_refuses_fewer_than_12_characters_in_vietnamese():
    with pytest.raises(ValidationError) as refused:
        validate_password("Hoa-sen-no1", PERSON)
    assert refused.value.messages == ["Mật khẩu quá ngắn: cần ít nhất 12 ký tự."]


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("matkhau@2026!", "password_guessable_word"),
        ("Mật khẩu 2026!", "password_guessable_word"),
        ("Password-2026x", "password_guessable_word"),
        ("aaaaaaaaaaaa", "password_sequence"),
        ("abcabcabcabc", "password_sequence"),
        ("qwertyuiop12", "password_sequence"),
        ("1qaz2wsx3edc", "password_sequence"),
        ("0987654321Ab", "password_sequence"),
        ("12/03/1985!abc", "password_personal_number"),
        ("001090099999Ab", "password_personal_number"),
        ("0903456789@Lan", "password_personal_number"),
    ],
)
def test_it_refuses_what_people_here_often_choose(password, code):
    assert code in _refusals(password, None)


@pytest.mark.parametrize(
    "password", ["nguyenvanan2026", "AnNguyen@0912345678", "an.nguyen2026!", "Hoa sen 12031990"]
)
def test_it_refuses_the_accounts_own_name_contact_or_birth_date(password):
    assert "password_own_details" in _refusals(password)


def test_common_and_all_digit_passwords_are_refused_by_djangos_validators():
    assert "password_too_common" in _refusals("startfinding", None)
    assert "password_entirely_numeric" in _refusals("739204815563", None)


def test_the_help_text_says_what_is_refused():
    assert "matkhau" in GuessablePasswordValidator().get_help_text()
