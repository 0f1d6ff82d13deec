"""Who applies: the applicant block of a dossier, by one rule for every door. A citizen or a
business applies as their account's profile says; what the profile lacks comes from what they
typed (the API's ``applicant``) or from the applicant section of the form. An officer at the
desk types the walk-in applicant in, and that is taken as given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from motcua.catalog.selectors import administrative_unit
from motcua.identity.models import User

from .intake import Applicant
from .models import ApplicantType

# Where the procedures' forms keep the applicant (form 01 of most civil-status procedures).
PERSON_SECTIONS = ("nguoi_yeu_cau", "nguoi_nop")


def _person(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    for key in PERSON_SECTIONS:
        value = (data or {}).get(key)
        if isinstance(value, Mapping):
            return value
    return {}


def _address_line(user: User) -> str:
    """The account's address, its unit and the units above it kept by the process
    (``administrative_unit``) rather than read at each submission, one query per level."""
    if user.address_unit_id is not None and not User.address_unit.is_cached(user):
        user.address_unit = administrative_unit(user.address_unit_id)
    return user.address_line()


def applicant_for(
    user: User, *, given: Applicant | None = None, data: Mapping[str, Any] | None = None
) -> Applicant:
    """The applicant of a dossier ``user`` submits, with ``given`` what they typed and
    ``data`` the form's answers."""
    if user.is_officer:
        return given or Applicant(name="")
    typed = given or Applicant(name="")
    person = _person(data if isinstance(data, Mapping) else None)

    def pick(known: str, typed_value: str, key: str, size: int) -> str:
        value = known or typed_value or person.get(key) or ""
        return str(value).strip()[:size]

    business = user.kind == User.Kind.BUSINESS
    return Applicant(
        name=pick(user.full_name, typed.name, "ho_ten", 150),
        id_number=pick(user.national_id, typed.id_number, "so_dinh_danh", 20),
        phone=pick(user.phone, typed.phone, "dien_thoai", 20),
        email=pick(user.email, typed.email, "email", 254),
        address=pick(_address_line(user), typed.address, "noi_cu_tru", 300),
        type=ApplicantType.BUSINESS if business else ApplicantType.CITIZEN,
        organisation_name=(
            (user.organisation_name or typed.organisation_name)[:255] if business else ""
        ),
        organisation_tax_code=(
            (user.tax_code or typed.organisation_tax_code)[:14] if business else ""
        ),
    )
