"""Opening a queue for a known event, watching it, and the list of people who tried before
its deadline (CSV, with their contact)."""

from __future__ import annotations

import csv

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.security import announce
from motcua.core.text import spreadsheet_text

from . import capacity
from .models import Queue, Ticket
from .selectors import queue_figures, tried_before_deadline


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "opens_at", "deadline", "figures", "rate"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["procedures"]
    readonly_fields = ["figures", "rate", "shuffled_at", "last_sequence", "last_rank"]
    fields = ["name", "slug", "procedures", "opens_at", "deadline", *readonly_fields]
    actions = ["export_tried_before_deadline"]

    @admin.display(description=_("đang chờ / đến lượt / đã vào / hết hiệu lực"))
    def figures(self, queue: Queue) -> str:
        if queue.pk is None:
            return "—"
        f = queue_figures(queue)
        return f"{f.waiting} / {f.admitted} / {f.used} / {f.expired}"

    @admin.display(description=_("người được vào mỗi phút (ước tính)"))
    def rate(self, queue: Queue) -> str:
        return f"{capacity.expected_rate() * 60:.1f}"

    @admin.action(description=_("Tải danh sách người lấy lượt trước hạn chót (CSV)"))
    def export_tried_before_deadline(
        self, request: HttpRequest, queryset: QuerySet[Queue]
    ) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="lay-luot-truoc-han-{stamp}.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 with the mark
        writer = csv.writer(response)
        writer.writerow(["hang_cho", "ma_luot", "thu_tu_den", "lay_luot_luc", "thu_tuc",
                         "nguoi_giu_luot", "lien_he", "trang_thai"])  # fmt: skip
        queues = list(queryset)
        # Contacts of people who tried: an export of personal data, kept in the audit trail.
        announce("data.exported", request=request, target="waitroom:tried-before-deadline",
                 detail={"queues": [queue.slug for queue in queues]})  # fmt: skip
        for queue in queues:
            for ticket in tried_before_deadline(queue):
                writer.writerow([
                    queue.slug, ticket.code, ticket.sequence,
                    timezone.localtime(ticket.taken_at).strftime("%d/%m/%Y %H:%M:%S"),
                    ticket.procedure.code if ticket.procedure else "",
                    spreadsheet_text(str(ticket.holder or "")),
                    spreadsheet_text(ticket.contact), ticket.get_state_display(),
                ])  # fmt: skip
        return response


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["code", "queue", "sequence", "rank", "state", "before_deadline", "taken_at"]
    list_filter = ["queue", "state", "before_deadline"]
    search_fields = ["code", "contact"]
    readonly_fields = [f.name for f in Ticket._meta.fields if f.name != "secret"]
    exclude = ["secret"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
