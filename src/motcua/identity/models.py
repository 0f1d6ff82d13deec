from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold, search_terms

from .validators import (
    validate_electronic_id,
    validate_national_id,
    validate_phone,
    validate_tax_code,
)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class AdministrativeUnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def matching(self, query: str) -> AdministrativeUnitQuerySet:
        queryset = self
        for word in search_terms(query):
            queryset = queryset.filter(name_folded__contains=word)
        return queryset


class AdministrativeUnit(models.Model):
    """A territorial unit (tỉnh, huyện, xã). The tree is level-agnostic: a commune's parent
    is its province since 1 July 2025, or its district where a deployment keeps one."""

    code = models.CharField(_("mã đơn vị hành chính"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    division_type = models.CharField(_("loại đơn vị"), max_length=40)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        indexes = [models.Index(fields=["parent", "level", "code"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # The folded name is a derived column kept for diacritic-free search on any database.
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Agency(models.Model):
    """A public body (UBND, Sở, Công an, BHXH…) with its electronic ID."""

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        POLICE = "police", _("Công an")
        SOCIAL_INSURANCE = "social_insurance", _("Bảo hiểm xã hội")
        SERVICE_CENTRE = "service_centre", _("Trung tâm phục vụ hành chính công")
        OTHER = "other", _("Khác")

    electronic_id = models.CharField(
        _("mã định danh điện tử"),
        max_length=20,
        unique=True,
        validators=[validate_electronic_id],
        help_text=_("Theo Quyết định 20/2020/QĐ-TTg, ví dụ 000.00.00.H26."),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(_("loại cơ quan"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan chủ quản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_demo_code = models.BooleanField(
        _("mã minh họa"),
        default=False,
        help_text=_("Mã định danh do bản demo đặt, không phải mã chính thức."),
    )

    class Meta:
        ordering = ["electronic_id"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class OneStopDesk(models.Model):
    """Bộ phận một cửa / Trung tâm phục vụ hành chính công: receives dossiers for agencies."""

    name = models.CharField(_("tên"), max_length=255)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="desks",
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("tiếp nhận hồ sơ cho"), related_name="desks"
    )
    address = models.CharField(_("địa chỉ"), max_length=255)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    opening_hours = models.CharField(_("giờ tiếp nhận"), max_length=255, blank=True)

    class Meta:
        ordering = ["unit__code", "name"]
        verbose_name = _("bộ phận một cửa")
        verbose_name_plural = _("bộ phận một cửa")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Anyone who signs in: a citizen, a business's authorised person, or an officer.

    A business account is used by the business's authorised person (``full_name``), acting
    for the business (``organisation_name``) under its ``tax_code``.
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Công dân")
        BUSINESS = "business", _("Doanh nghiệp, tổ chức")
        OFFICER = "officer", _("Cán bộ, công chức")

    kind = models.CharField(_("loại tài khoản"), max_length=10, choices=Kind.choices)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(
        _("điện thoại"), max_length=20, blank=True, validators=[validate_phone]
    )
    national_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        validators=[validate_national_id],
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    address_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("phường, xã nơi cư trú"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    address_street = models.CharField(_("số nhà, đường phố"), max_length=255, blank=True)
    organisation_name = models.CharField(_("tên doanh nghiệp, tổ chức"), max_length=255, blank=True)
    identity_verified = models.BooleanField(
        _("đã xác thực định danh điện tử"),
        default=False,
        help_text=_("Tài khoản đã được xác thực qua tài khoản định danh điện tử (VNeID)."),
    )
    # Where a password-reset code may go (docs/security/passwords.md): an address the
    # identity provider vouched for, or one an administrator entered. An address typed at
    # sign-up or in the profile is not verified: a code sent there could reach a stranger.
    email_verified = models.BooleanField(_("thư điện tử đã xác minh"), default=False)
    phone_verified = models.BooleanField(_("số điện thoại đã xác minh"), default=False)
    must_change_password = models.BooleanField(
        _("phải đổi mật khẩu"),
        default=False,
        help_text=_(
            "Mật khẩu do người khác đặt: tài khoản phải tự đặt mật khẩu mới khi đăng nhập."
        ),
    )
    oidc_subject = models.CharField(
        _("mã tài khoản tại nhà cung cấp định danh"),
        max_length=255,
        blank=True,
        help_text=_("Mã định danh (sub) do nhà cung cấp định danh điện tử cấp cho tài khoản."),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~models.Q(national_id=""),
                name="identity_user_national_id_unique",
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=~models.Q(phone=""),
                name="identity_user_phone_unique",
                violation_error_code="unique",
                violation_error_message=_("Số điện thoại này đã được dùng cho tài khoản khác."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="identity_user_email_unique",
                violation_error_message=_(
                    "Địa chỉ thư điện tử này đã được dùng cho tài khoản khác."
                ),
            ),
            models.UniqueConstraint(
                fields=["oidc_subject"],
                condition=~models.Q(oidc_subject=""),
                name="identity_user_oidc_subject_unique",
                violation_error_code="unique",
                violation_error_message=_(
                    "Tài khoản định danh điện tử này đã gắn với tài khoản khác."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_officer(self) -> bool:
        return self.kind == self.Kind.OFFICER

    @property
    def reaches_back_office(self) -> bool:
        """Officers, and the staff and superusers who run the Django admin (an account made
        by ``createsuperuser`` has no kind at all)."""
        return self.is_officer or self.is_staff or self.is_superuser

    @property
    def needs_second_factor(self) -> bool:
        """The one rule every door asks (back-office sign-in, the admin, the API token): an
        account that reaches the back office proves a TOTP code too. Only a demo or a
        development server may switch it off (``MOTCUA_OFFICER_2FA_REQUIRED``)."""
        return self.reaches_back_office and settings.OFFICER_2FA_REQUIRED

    @property
    def uses_portal(self) -> bool:
        """Citizens and businesses sign in on the portal; officers in the back office."""
        return self.kind in (self.Kind.CITIZEN, self.Kind.BUSINESS)

    def address_line(self) -> str:
        """ "street, ward, province": the street, then the unit and each unit above it."""
        parts = [self.address_street.strip()]
        unit = self.address_unit
        while unit is not None:
            parts.append(unit.name)
            unit = unit.parent
        return ", ".join(part for part in parts if part)

    def profile_prefill(self) -> dict[str, str]:
        """The applicant's details in the keys the submission forms use; "" when unknown."""
        birth = self.date_of_birth
        return {
            "ho_ten": self.full_name,
            "so_dinh_danh": self.national_id,
            "ngay_sinh": birth.isoformat() if birth else "",
            "dien_thoai": self.phone,
            "email": self.email,
            "noi_cu_tru": self.address_line(),
        }


class OfficerRole(models.Model):
    """A role an officer holds in one agency (the unit it is scoped to)."""

    class Role(models.TextChoices):
        RECEIVER = "receiver", _("Cán bộ tiếp nhận (một cửa)")
        SPECIALIST = "specialist", _("Chuyên viên xử lý")
        APPROVER = "approver", _("Lãnh đạo phê duyệt")
        UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị")
        HOTLINE_OPERATOR = "hotline_operator", _("Điện thoại viên đường dây nóng")
        SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")

    user = models.ForeignKey(
        User, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="officer_roles",
        null=True,
        blank=True,
        help_text=_("Để trống chỉ với quản trị hệ thống (toàn hệ thống)."),
    )

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency"], name="identity_officerrole_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role="system_admin") | models.Q(agency__isnull=False),
                name="identity_officerrole_scoped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.agency or _('toàn hệ thống')}"


class PasswordResetCode(models.Model):
    """A 6-digit code sent to an account's verified email or phone to set a new password.

    Only a keyed hash of the code is kept; it serves once, for 10 minutes, 5 tries at most.
    """

    user = models.ForeignKey(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="reset_codes"
    )
    code_hash = models.CharField(max_length=128)
    sent_to = models.CharField(_("gửi tới"), max_length=254)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập"), default=0)
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)

    objects: models.Manager[PasswordResetCode] = models.Manager()

    class Meta:
        verbose_name = _("mã đặt lại mật khẩu")
        verbose_name_plural = _("mã đặt lại mật khẩu")
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.created_at:%d/%m/%Y %H:%M}"
