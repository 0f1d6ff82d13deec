"""The portal's password pages, submitted as a person does: change, forgot, reset, and the
change an administrator-set password forces."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from motcua.identity.models import User
from tests.identity.factories import PASSWORD, AccountFactory

pytestmark = pytest.mark.django_db
NEW = "Hoa-sen-no-thang-6"
CHANGE = reverse("portal:password-change")
FORGOT = reverse("portal:password-forgot")
RESET = reverse("portal:password-reset")


def _sign_in(client: Client, user: User, password: str = PASSWORD) -> None:
    response = client.post(
        reverse("portal:login"), {"identifier": user.email, "password": password}
    )
    assert response.status_code == 302


def _change(client: Client, current: str = PASSWORD, new: str = NEW, again: str | None = None):
    return client.post(CHANGE, {
        "current_password": current, "new_password": new, "new_password_again": again or new,
    })  # fmt: skip


def test_changing_the_password_keeps_this_session_and_ends_the_others(client):
    user = AccountFactory()
    other = Client()
    _sign_in(client, user)
    _sign_in(other, user)
    response = _change(client)
    assert response.status_code == 302 and response["Location"] == reverse("portal:account")
    assert client.get(reverse("portal:account")).status_code == 200
    assert other.get(reverse("portal:account")).status_code == 302  # signed out
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_the_change_page_asks_the_current_password_and_the_policy(client):
    user = AccountFactory()
    _sign_in(client, user)
    page = _change(client, current="sai-mat-khau-roi").content.decode()
    assert "Mật khẩu hiện tại không đúng." in page
    page = _change(client, new="Hoa-sen-no1").content.decode()
    assert "cần ít nhất 12 ký tự" in page
    page = _change(client, again="Hoa-sen-no-thang-7").content.decode()
    assert "Hai mật khẩu mới không giống nhau." in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_change_page_needs_a_signed_in_citizen(client):
    assert client.get(CHANGE).status_code == 302


def test_the_sign_in_page_offers_forgot_password(client):
    assert FORGOT in client.get(reverse("portal:login")).content.decode()
    page = _account_page_of(client)
    assert CHANGE in page and "chưa đặt lại được mật khẩu khi quên" in page


def _account_page_of(client: Client) -> str:
    _sign_in(client, AccountFactory())
    return client.get(reverse("portal:account")).content.decode()


def test_forgot_password_answers_the_same_for_an_unknown_account(client):
    AccountFactory(email="an@example.vn", email_verified=True)
    answers = []
    for identifier in ("an@example.vn", "nobody@example.vn"):
        visitor = Client()
        response = visitor.post(FORGOT, {"identifier": identifier}, follow=True)
        answers.append((response.redirect_chain, _messages(response)))
    assert answers[0] == answers[1] and answers[0][1]
    assert len(mail.outbox) == 1


def _messages(response) -> list[str]:
    return re.findall(r'<p class="message[^"]*">([^<]*)</p>', response.content.decode())


def test_a_forgotten_password_is_reset_with_the_emailed_code(client):
    user = AccountFactory(email_verified=True)
    client.post(FORGOT, {"identifier": user.email})
    code = re.findall(r"\b\d{6}\b", mail.outbox[0].body)[0]
    page = client.post(RESET, {"code": "000000" if code != "000000" else "111111",
                               "new_password": NEW, "new_password_again": NEW})  # fmt: skip
    assert "Mã không đúng" in page.content.decode()
    response = client.post(RESET, {"code": code, "new_password": NEW, "new_password_again": NEW})
    assert response["Location"] == reverse("portal:login")
    _sign_in(Client(), user, NEW)


def test_the_reset_page_without_a_request_sends_back_to_forgot(client):
    assert client.get(RESET)["Location"] == FORGOT


def test_an_account_an_administrator_made_must_change_its_password_first(client):
    user = AccountFactory(must_change_password=True)
    _sign_in(client, user)
    for page in (reverse("portal:account"), reverse("portal:dossier-list"), "/"):
        assert client.get(page)["Location"] == CHANGE
    page = client.get(CHANGE).content.decode()
    assert "do quản trị viên đặt" in page
    _change(client)
    assert client.get(reverse("portal:account")).status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_a_reset_ends_every_session_of_the_account(client):
    user = AccountFactory(email_verified=True)
    _sign_in(client, user)
    visitor = Client()
    visitor.post(FORGOT, {"identifier": user.email})
    code = re.findall(r"\b\d{6}\b", mail.outbox[0].body)[0]
    visitor.post(RESET, {"code": code, "new_password": NEW, "new_password_again": NEW})
    assert client.get(reverse("portal:account")).status_code == 302
