from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Holiday, OutboxMessage
from .outbox import Outcome, deliver_message, schedule_now


class YearFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = Holiday.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> QuerySet[Holiday]:
        value = self.value()
        return queryset.filter(date__year=int(value)) if value and value.isdigit() else queryset


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source", YearFilter]
    search_fields = ["name"]
    readonly_fields = ["source", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Holiday, form: Any, change: bool) -> None:
        # A row an admin touched is theirs: seeding from the holidays package skips it.
        obj.source = Holiday.Source.ADMIN
        super().save_model(request, obj, form, change)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written by services and delivered by the outbox loop."""

    list_display = ["created_at", "channel", "recipient", "status", "attempts", "next_attempt_at",
                    "sent_at"]  # fmt: skip
    list_filter = ["status", "channel"]
    search_fields = ["recipient", "key"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        # Nobody edits a message, but whoever may change them may make them due again.
        return request.user.has_perm("core.change_outboxmessage")

    @admin.action(description=_("Thử gửi lại ngay"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        ids = schedule_now(message_ids=queryset.values_list("pk", flat=True))
        sent = sum(deliver_message(pk) == Outcome.SENT for pk in ids)
        skipped = queryset.count() - len(ids)
        self.message_user(
            request,
            ngettext(
                "Đã gửi %(sent)d trên %(tried)d tin nhắn thử lại.",
                "Đã gửi %(sent)d trên %(tried)d tin nhắn thử lại.",
                len(ids),
            )
            % {"sent": sent, "tried": len(ids)},
            messages.SUCCESS if sent == len(ids) else messages.WARNING,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "Bỏ qua %(count)d tin nhắn đã gửi, đang gửi hoặc thuộc kênh chưa cấu hình.",
                    "Bỏ qua %(count)d tin nhắn đã gửi, đang gửi hoặc thuộc kênh chưa cấu hình.",
                    skipped,
                )
                % {"count": skipped},
                messages.INFO,
            )
