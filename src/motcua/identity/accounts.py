"""Citizen and business accounts: sign-up, profile changes, and sign-in through the national
identity provider. Each service checks, then writes in one transaction, and refuses with an
``AccountError`` whose message can be shown to the person as it is."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.core.security import announce

from .models import AdministrativeUnit, User
from .validators import normalise_phone

# Fields the identity provider vouches for: once verified, a person cannot change them here.
VERIFIED_FIELDS = ("full_name", "national_id", "date_of_birth")


class AccountError(Exception):
    """A refusal with a translated message; ``field`` names the model field at fault."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class IdentityClaims:
    """What the national identity provider says about the person signing in."""

    subject: str
    full_name: str = ""
    national_id: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""


class ProfileChanges(TypedDict, total=False):
    full_name: str
    national_id: str
    date_of_birth: date | None
    address_unit: AdministrativeUnit | None
    address_street: str
    phone: str
    email: str
    organisation_name: str
    tax_code: str


_TAKEN = {
    "phone": _("Số điện thoại này đã được dùng cho tài khoản khác."),
    "email": _("Địa chỉ thư điện tử này đã được dùng cho tài khoản khác."),
    "national_id": _("Số định danh cá nhân này đã được dùng cho tài khoản khác."),
}
_RACE = _("Thông tin này vừa được dùng cho một tài khoản khác. Vui lòng kiểm tra và gửi lại.")


def _is_taken(field: str, value: str, *, exclude: int | None) -> bool:
    if not value:
        return False
    if field == "email":
        others = User.objects.filter(email__iexact=value)
    elif field == "phone":
        others = User.objects.filter(phone__in=[value, f"+84{value[1:]}"])
    else:
        others = User.objects.filter(**{field: value})
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.exists()


def _refuse_taken(user: User, fields: tuple[str, ...]) -> None:
    for field in fields:
        if _is_taken(field, getattr(user, field), exclude=user.pk):
            raise AccountError(_TAKEN[field], field=field)


def _validate(user: User) -> None:
    """The model's own field validators (phone, ID number, tax code formats)."""
    try:
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise AccountError(messages[0], field=None if field == "__all__" else field) from error


def _new_username(prefix: str) -> str:
    # Opaque: people sign in with their phone or email, which may change; the username stays.
    while True:
        username = f"{prefix}-{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


def _require_business_details(user: User) -> None:
    if user.kind != User.Kind.BUSINESS:
        return
    if not user.organisation_name.strip():
        raise AccountError(_("Nhập tên doanh nghiệp, tổ chức."), field="organisation_name")
    if not user.tax_code:
        raise AccountError(_("Nhập mã số thuế của doanh nghiệp, tổ chức."), field="tax_code")


def register_account(
    *,
    kind: str,
    full_name: str,
    password: str,
    phone: str = "",
    email: str = "",
    organisation_name: str = "",
    tax_code: str = "",
) -> User:
    """Create a citizen's or a business's account that signs in with a phone or an email."""
    if kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
        raise AccountError(_("Chọn loại tài khoản."), field="kind")
    phone = normalise_phone(phone) or phone.strip()
    if not phone and not email:
        raise AccountError(_("Nhập số điện thoại hoặc địa chỉ thư điện tử."), field="phone")
    user = User(
        username=_new_username("congdan" if kind == User.Kind.CITIZEN else "doanhnghiep"),
        kind=kind, full_name=full_name.strip(), phone=phone, email=email.strip().lower(),
        organisation_name=organisation_name.strip() if kind == User.Kind.BUSINESS else "",
        tax_code=tax_code.strip() if kind == User.Kind.BUSINESS else "",
    )  # fmt: skip
    if not user.full_name:
        raise AccountError(_("Nhập họ và tên."), field="full_name")
    _require_business_details(user)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages), field="password") from error
    user.set_password(password)
    return _save_new(user, check=("phone", "email"))


def _save_new(user: User, *, check: tuple[str, ...]) -> User:
    try:
        with transaction.atomic():
            _refuse_taken(user, check)
            _validate(user)
            user.save()
    except IntegrityError as error:
        raise AccountError(_RACE) from error
    return user


def update_profile(*, user: User, changes: ProfileChanges) -> User:
    """Change a person's own details. Details verified by the identity provider stay."""
    if not user.uses_portal:
        raise AccountError(_("Chỉ tài khoản công dân, doanh nghiệp có hồ sơ trên Cổng."))
    values: dict[str, object] = dict(changes)
    if "phone" in values:
        values["phone"] = normalise_phone(changes["phone"]) or changes["phone"].strip()
    if "email" in values:
        values["email"] = changes["email"].strip().lower()
    _refuse_verified_changes(user, values)
    for field in ("phone", "email"):
        if field in values and values[field] != getattr(user, field):
            values[f"{field}_verified"] = False  # a new address is nobody's word yet
    try:
        with transaction.atomic():
            for field, value in values.items():
                setattr(user, field, value)
            if not user.phone and not user.email:
                raise AccountError(_("Giữ lại số điện thoại hoặc thư điện tử."), field="phone")
            _require_business_details(user)
            _refuse_taken(user, ("phone", "email", "national_id"))
            _validate(user)
            user.save(update_fields=list(values))
    except (AccountError, IntegrityError) as error:
        user.refresh_from_db()  # forget the refused values
        if isinstance(error, IntegrityError):
            raise AccountError(_RACE) from error
        raise
    return user


def _refuse_verified_changes(user: User, values: dict[str, object]) -> None:
    if not user.identity_verified:
        return
    for field in VERIFIED_FIELDS:
        current = getattr(user, field)
        if current and field in values and values[field] != current:
            raise AccountError(
                _("Thông tin này đã được xác thực qua VNeID và không sửa được ở đây."), field=field
            )


_NOT_PORTAL = _(
    "Tài khoản cán bộ, công chức không đăng nhập bằng VNeID trên Cổng dịch vụ công. "
    "Vui lòng đăng nhập tại trang dành cho cán bộ."
)
_ID_TAKEN = _(
    "Số định danh cá nhân trong tài khoản định danh điện tử của bạn đã gắn với một tài khoản "
    "khác trên Cổng. Hãy đăng nhập tài khoản đó bằng mật khẩu, rồi chọn liên kết với VNeID ở "
    "trang Tài khoản; hoặc liên hệ bộ phận một cửa."
)


@transaction.atomic
def sign_in_with_identity(*, claims: IdentityClaims, current_user: User | None = None) -> User:
    """The account of the person the identity provider vouches for, linked by its subject.

    Matched by subject only, never by email or phone: a claim never takes over an account
    that someone else opened. The person signed in now (password) may link their account
    once; otherwise a new citizen account is opened. Identity details follow the provider;
    contact details fill gaps only, when no other account uses them.
    """
    if not claims.subject:
        raise AccountError(_("Nhà cung cấp định danh không cho biết mã tài khoản."))
    user = User.objects.select_for_update().filter(oidc_subject=claims.subject).first()
    if user is None and current_user is not None and current_user.uses_portal:
        user = User.objects.select_for_update().get(pk=current_user.pk)
        if user.oidc_subject:
            raise AccountError(
                _("Tài khoản này đã liên kết với một tài khoản định danh điện tử khác.")
            )
    if user is None:
        user = User(username=_new_username("vneid"), kind=User.Kind.CITIZEN)
        user.set_unusable_password()
    if not user.uses_portal:
        raise AccountError(_NOT_PORTAL)
    _take_back_national_id(claims.national_id, owner=user)
    _apply_claims(user, claims)
    user.save()
    return user


def _take_back_national_id(national_id: str, *, owner: User) -> None:
    """The identity provider vouches that ``national_id`` is ``owner``'s. A portal profile
    that only typed the number in (unverified) loses it, so that nobody can lock the owner
    out by claiming their number first; an account whose number was verified, or one an
    administrator made, keeps it and the sign-in is refused."""
    if not national_id:
        return
    holders = User.objects.select_for_update().filter(national_id=national_id)
    holder = holders.exclude(pk=owner.pk).first() if owner.pk else holders.first()
    if holder is None:
        return
    if holder.identity_verified or not holder.uses_portal:
        raise AccountError(_ID_TAKEN, field="national_id")
    holder.national_id = ""
    holder.save(update_fields=["national_id"])
    announce("account.changed", user=holder, target=f"user:{holder.pk}", detail={
        "field": "national_id", "reason": "claimed_by_verified_identity",
    })  # fmt: skip


def _apply_claims(user: User, claims: IdentityClaims) -> None:
    user.oidc_subject = claims.subject
    user.identity_verified = True
    user.full_name = claims.full_name or user.full_name
    user.national_id = claims.national_id or user.national_id
    user.date_of_birth = claims.date_of_birth or user.date_of_birth
    if not user.phone and not _is_taken("phone", claims.phone, exclude=user.pk):
        user.phone = claims.phone
    if not user.email and not _is_taken("email", claims.email, exclude=user.pk):
        user.email = claims.email
    # The provider vouches for the contact details it sends: a reset code may go there.
    phone = normalise_phone(claims.phone)
    if phone and normalise_phone(user.phone) == phone:
        user.phone_verified = True
    if claims.email and user.email.lower() == claims.email.strip().lower():
        user.email_verified = True
