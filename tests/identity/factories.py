"""Accounts for the identity and portal tests."""

from __future__ import annotations

import factory

from motcua.identity.models import User

PASSWORD = "mat-khau-cong-dan-2026"


class AccountFactory(factory.django.DjangoModelFactory):
    """A citizen by default; ``business=True`` or ``officer=True`` for the others."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"congdan-{n}")
    kind = User.Kind.CITIZEN
    full_name = "Nguyễn Văn An"
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    email = factory.Sequence(lambda n: f"congdan{n}@example.vn")
    password = factory.django.Password(PASSWORD)

    class Params:
        business = factory.Trait(
            kind=User.Kind.BUSINESS, full_name="Trần Thị Bình",
            organisation_name="Công ty TNHH Minh Họa", tax_code="0100109106",
        )  # fmt: skip
        officer = factory.Trait(kind=User.Kind.OFFICER, full_name="Lê Thị Mai", is_staff=True)
        verified = factory.Trait(
            identity_verified=True, oidc_subject=factory.Sequence(lambda n: f"vneid-sub-{n}"),
            national_id="001090012345",
        )  # fmt: skip
