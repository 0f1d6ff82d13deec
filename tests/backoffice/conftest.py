from __future__ import annotations

from collections.abc import Callable

import factory
import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.identity.models import User
from motcua.identity.second_factor import current_totp_code, enrol_totp_device

PASSWORD = "mat-khau-thu-nghiem-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    kind = User.Kind.OFFICER
    full_name = "Nguyễn Thị Hoa"
    password = factory.django.Password(PASSWORD)

    class Params:
        citizen = factory.Trait(kind=User.Kind.CITIZEN, full_name="Trần Văn Dân")
        admin = factory.Trait(is_staff=True, is_superuser=True)


@pytest.fixture
def officer() -> User:
    return UserFactory()


@pytest.fixture
def device(officer: User) -> TOTPDevice:
    return enrol_totp_device(officer, confirmed=True)


@pytest.fixture
def staff() -> User:
    return UserFactory(admin=True)


SignIn = Callable[[User], None]


@pytest.fixture
def sign_in(client: Client) -> SignIn:
    """Sign ``user`` in through both steps, as a browser would."""

    def sign_in_as(user: User) -> None:
        client.post(reverse("backoffice:login"), {"username": user.username, "password": PASSWORD})
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        response = client.post(reverse("backoffice:verify"), {"code": current_totp_code(device)})
        assert response.status_code == 302, "the code step should have accepted the code"

    return sign_in_as
