"""Forms of the citizen account pages: sign-up, sign-in and the profile."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.text import search_terms
from motcua.identity.accounts import VERIFIED_FIELDS
from motcua.identity.models import AdministrativeUnit, User
from motcua.identity.passwords import PASSWORD_HELP
from motcua.identity.selectors import commune_choices
from motcua.identity.signin_throttle import SignInThrottle, throttled_message
from motcua.identity.validators import (
    normalise_phone,
    validate_national_id,
    validate_phone,
    validate_tax_code,
)


def _text(label: Any, *, required: Any = False, hint: Any = "", **attrs: str) -> forms.CharField:
    """A text field; ``required`` is the message shown when it is left empty, if it must
    not be."""
    return forms.CharField(
        label=label, required=bool(required), help_text=hint, max_length=255,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": required} if required else None,
    )  # fmt: skip


def _phone_field() -> forms.CharField:
    return _text(
        _("Số điện thoại di động"), hint=_("Ví dụ: 0912345678"), autocomplete="tel",
        inputmode="tel",
    )  # fmt: skip


def _email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("Thư điện tử"), required=False, help_text=_("Ví dụ: ten@example.vn"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": _("Nhập thư điện tử đúng dạng, ví dụ ten@example.vn.")},
    )  # fmt: skip


def _clean_phone(value: str) -> str:
    if not value:
        return ""
    validate_phone(normalise_phone(value) or value)
    return normalise_phone(value)


class SignUpForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Bạn đăng ký tài khoản cho"),
        choices=[
            (User.Kind.CITIZEN, _("Bản thân (công dân)")),
            (User.Kind.BUSINESS, _("Doanh nghiệp, tổ chức")),
        ],
        initial=User.Kind.CITIZEN,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn loại tài khoản.")},
    )
    full_name = _text(
        _("Họ và tên"), required=_("Nhập họ và tên."), autocomplete="name",
        hint=_("Với doanh nghiệp, tổ chức: họ tên người được ủy quyền thực hiện thủ tục."),
    )  # fmt: skip
    phone = _phone_field()
    email = _email_field()
    organisation_name = _text(
        _("Tên doanh nghiệp, tổ chức"), autocomplete="organization",
        hint=_("Chỉ với tài khoản doanh nghiệp, tổ chức."),
    )  # fmt: skip
    tax_code = _text(
        _("Mã số thuế"), inputmode="numeric",
        hint=_("Chỉ với tài khoản doanh nghiệp, tổ chức. Ví dụ: 0109999904."),
    )  # fmt: skip
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP,
        error_messages={"required": _("Nhập mật khẩu.")},
    )
    password_again = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Nhập lại mật khẩu.")},
    )

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean_tax_code(self) -> str:
        value: str = self.cleaned_data["tax_code"].strip()
        if value and self.data.get("kind") == User.Kind.BUSINESS:
            validate_tax_code(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email") and not self.has_error("phone"):
            self.add_error("phone", _("Nhập số điện thoại hoặc địa chỉ thư điện tử."))
        if data.get("kind") == User.Kind.BUSINESS:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Nhập tên doanh nghiệp, tổ chức."))
            if not data.get("tax_code") and not self.has_error("tax_code"):
                self.add_error("tax_code", _("Nhập mã số thuế của doanh nghiệp, tổ chức."))
        password = data.get("password")
        if password:
            self._check_password(password, data)
        if password and data.get("password_again") != password:
            self.add_error("password_again", _("Hai mật khẩu không giống nhau."))
        return data

    def _check_password(self, password: str, data: dict[str, Any]) -> None:
        """Django's password validators, told who the person is so a password like their
        name or phone is refused; register_account checks again."""
        person = User(full_name=data.get("full_name", ""), email=data.get("email", ""),
                      phone=data.get("phone", ""))  # fmt: skip
        try:
            password_validation.validate_password(password, person)
        except ValidationError as error:
            self.add_error("password", error)


class SignInForm(forms.Form):
    """Errors sit on the identifier field so the error summary can link to it."""

    identifier = _text(
        _("Số điện thoại hoặc thư điện tử"), required=_("Nhập số điện thoại hoặc thư điện tử."),
        autocomplete="username", spellcheck="false",
    )  # fmt: skip
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None
        self.retry_after = 0
        self.fields["password"].error_messages["required"] = _("Nhập mật khẩu.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        identifier, password = data.get("identifier"), data.get("password")
        if not identifier or not password:
            return data
        throttle = SignInThrottle.for_request(self.request, identifier, door="portal")
        self.retry_after = throttle.wait()
        if self.retry_after:
            return self._refuse(throttled_message(), "throttled")
        user = authenticate(self.request, username=identifier, password=password)
        # An officer's account is refused exactly as a wrong password is: saying "sign in
        # elsewhere" only when the password matched would confirm it (the page always
        # points officers to their own sign-in).
        if user is None or not getattr(user, "uses_portal", False):
            throttle.record_failure(self.request)
            message = _("Số điện thoại, thư điện tử hoặc mật khẩu không đúng.")
            return self._refuse(message, "invalid_login")
        throttle.record_success()
        self.user = user  # type: ignore[assignment]
        return data

    def _refuse(
        self, message: Any, code: str, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        self.add_error("identifier", ValidationError(message, code=code, params=params))
        return self.cleaned_data


class ProfileForm(forms.Form):
    """The person's own details. Those the identity provider verified are not fields here:
    the page shows them as text."""

    full_name = _text(_("Họ và tên"), required=_("Nhập họ và tên."), autocomplete="name")
    national_id = _text(
        _("Số định danh cá nhân"), inputmode="numeric",
        hint=_("12 chữ số, in trên thẻ căn cước hoặc căn cước công dân."),
    )  # fmt: skip
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"), required=False, input_formats=["%d/%m/%Y"],
        help_text=_("Dạng ngày/tháng/năm, ví dụ 02/09/1990"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "bday"}),
        error_messages={"invalid": _("Nhập ngày sinh dạng ngày/tháng/năm, ví dụ 02/09/1990.")},
    )  # fmt: skip
    phone = _phone_field()
    email = _email_field()
    organisation_name = _text(
        _("Tên doanh nghiệp, tổ chức"), required=_("Nhập tên doanh nghiệp, tổ chức."),
        autocomplete="organization",
    )  # fmt: skip
    tax_code = _text(
        _("Mã số thuế"), required=_("Nhập mã số thuế của doanh nghiệp, tổ chức."),
        inputmode="numeric",
    )  # fmt: skip
    address_street = _text(_("Số nhà, đường phố, thôn, xóm"), autocomplete="address-line1")
    unit_query = _text(
        _("Tìm phường, xã"),
        hint=_("Không thấy phường, xã của bạn trong danh sách? Gõ tên rồi bấm Tìm."),
    )  # fmt: skip
    address_unit = forms.ChoiceField(label=_("Phường, xã nơi cư trú"), required=False)

    def __init__(self, user: User, *args: Any, search: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_for(user))
        super().__init__(*args, **kwargs)
        self.user = user
        for name in self.locked_fields(user):
            del self.fields[name]
        if user.kind != User.Kind.BUSINESS:
            del self.fields["organisation_name"], self.fields["tax_code"]
        source = self.data if self.is_bound else self.initial
        self.search = search.strip()[:100]
        units = commune_choices(
            province_code=settings.PROVINCE_CODE,
            query=self.search,
            include=[user.address_unit.code if user.address_unit else "",
                     str(source.get("address_unit") or "")],
        )  # fmt: skip
        self.units = {unit.code: unit for unit in units}
        self.fields["address_unit"].choices = self._grouped_units()  # type: ignore[attr-defined]
        matches = self.search_matches()
        if not self.is_bound and len(matches) == 1 and not self.initial.get("address_unit"):
            self.initial = {**self.initial, "address_unit": matches[0].code}  # the one found

    def search_matches(self) -> list[AdministrativeUnit]:
        """The communes the person searched for, to tell them what the list now holds."""
        terms = search_terms(self.search)
        return [u for u in self.units.values() if terms and all(t in u.name_folded for t in terms)]

    @staticmethod
    def locked_fields(user: User) -> list[str]:
        """Identity details verified by the identity provider; they cannot change here."""
        if not user.identity_verified:
            return []
        return [name for name in VERIFIED_FIELDS if getattr(user, name)]

    @staticmethod
    def initial_for(user: User) -> dict[str, Any]:
        names = ["full_name", "national_id", "date_of_birth", "phone", "email"]
        names += ["organisation_name", "tax_code", "address_street"]
        initial = {name: getattr(user, name) for name in names}
        initial["address_unit"] = user.address_unit.code if user.address_unit else ""
        return initial

    def _grouped_units(self) -> list[Any]:
        choices: list[Any] = [("", _("— Chọn phường, xã —"))]
        by_province = groupby(self.units.values(), key=lambda unit: unit.parent)
        for province, units in by_province:
            label = province.name if province else _("Khác")
            choices.append((label, [(unit.code, unit.name) for unit in units]))
        return choices

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_national_id(self) -> str:
        value: str = self.cleaned_data["national_id"].strip()
        if value:
            validate_national_id(value)
        return value

    def clean_tax_code(self) -> str:
        value: str = self.cleaned_data["tax_code"].strip()
        validate_tax_code(value)
        return value

    def clean_address_unit(self) -> AdministrativeUnit | None:
        return self.units.get(self.cleaned_data["address_unit"])

    def changes(self) -> dict[str, Any]:
        """The cleaned values in the shape ``update_profile`` takes."""
        return {k: v for k, v in self.cleaned_data.items() if k != "unit_query"}
