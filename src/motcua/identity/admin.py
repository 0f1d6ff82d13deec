from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from motcua.core.security import announce

from .models import AdministrativeUnit, Agency, OfficerRole, OneStopDesk, User


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "division_type", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_folded"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["electronic_id", "name", "kind", "unit", "is_demo_code"]
    list_filter = ["kind", "is_demo_code", "unit__level"]
    search_fields = ["electronic_id", "name", "name_folded"]
    raw_id_fields = ["unit", "parent"]
    list_select_related = ["unit"]


@admin.register(OneStopDesk)
class OneStopDeskAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "phone"]
    list_filter = ["unit__level"]
    search_fields = ["name", "unit__name", "unit__code"]
    raw_id_fields = ["unit"]
    filter_horizontal = ["agencies"]
    list_select_related = ["unit"]


PROFILE_FIELDS = (
    "kind", "full_name", "email", "phone", "national_id", "tax_code", "date_of_birth",
)  # fmt: skip
PERMISSION_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")
CONTACT_FIELDS = ("email_verified", "phone_verified", "must_change_password")


class OfficerRoleInline(admin.TabularInline):
    model = OfficerRole
    extra = 0
    raw_id_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "email", "is_staff", "is_active"]
    list_filter = ["kind", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "full_name", "email", "phone", "national_id", "tax_code"]
    inlines = [OfficerRoleInline]
    # Our profile replaces Django's first/last name: Vietnamese names are kept whole.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Hồ sơ"), {"fields": PROFILE_FIELDS}),
        (_("Quyền"), {"fields": PERMISSION_FIELDS}),
        (_("Mật khẩu và liên hệ đã xác minh"), {"fields": CONTACT_FIELDS}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Hồ sơ"), {"fields": ("kind", "full_name", "email", "email_verified")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            # The administrator chose this password: the account's owner replaces it first.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's page, then: a password set for someone else must be changed by them."""
        response: HttpResponse = super().user_change_password(request, id, form_url)
        user = User.objects.filter(pk=id).first()  # the id as Django's page received it
        changed = request.method == "POST" and response.status_code == 302
        if changed and user is not None and user.pk != request.user.pk:
            User.objects.filter(pk=user.pk).update(must_change_password=True)
            announce("password.changed", request=request, user=user, target=f"user:{user.pk}",
                     detail={"by_administrator": True})  # fmt: skip
        return response


@admin.register(OfficerRole)
class OfficerRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "agency"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "agency__name", "agency__electronic_id"]
    raw_id_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]
