"""Opening an officer's account from the command line (``motcua create_officer``): a
temporary password the officer must replace at first sign-in, one role at one agency."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.security import announce

from .accounts import AccountError
from .models import Agency, OfficerRole, User
from .passwords import check_new_password

# No 0/O, 1/l/I: the password is read off a screen and typed once.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class NewOfficer:
    user: User
    temporary_password: str


def temporary_password(user: User) -> str:
    """Four groups of five random characters (about 116 bits), checked against the policy."""
    while True:
        groups = ("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4))
        password = "-".join(groups)
        try:
            check_new_password(password, user)
        except AccountError:  # a rare draw that looks like a sequence: draw again
            continue
        return password


def create_officer(
    *, username: str, full_name: str, email: str, role: str, agency_code: str = ""
) -> NewOfficer:
    """An officer whose password is temporary (``must_change_password``); the email, entered
    by an administrator, is verified so that a reset code may go there."""
    if role not in OfficerRole.Role.values:
        raise AccountError(_("Vai trò không hợp lệ."), field="role")
    agency = Agency.objects.filter(electronic_id=agency_code).first() if agency_code else None
    if agency is None and role != OfficerRole.Role.SYSTEM_ADMIN:
        raise AccountError(_("Không tìm thấy cơ quan có mã định danh này."), field="agency")
    is_admin = role == OfficerRole.Role.SYSTEM_ADMIN
    user = User(
        username=username.strip(), kind=User.Kind.OFFICER, full_name=full_name.strip(),
        email=email.strip().lower(), email_verified=bool(email.strip()),
        is_staff=is_admin or role == OfficerRole.Role.UNIT_ADMIN, is_superuser=is_admin,
        must_change_password=True,
    )  # fmt: skip
    password = temporary_password(user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            OfficerRole.objects.create(user=user, role=role, agency=None if is_admin else agency)
    except IntegrityError as error:
        raise AccountError(_("Tên đăng nhập hoặc thư điện tử đã được dùng.")) from error
    announce("account.created", user=user, target=f"user:{user.pk}",
             detail={"by": "create_officer", "role": role, "agency": agency_code})  # fmt: skip
    return NewOfficer(user=user, temporary_password=password)
