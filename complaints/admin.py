from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_value
from django.db.models import Field
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import selectors
from complaints.models import (
    CalendarDay,
    CalendarYear,
    Category,
    Complaint,
    ComplaintSummary,
)
from tickets.models import OutboxMessage

# The summary's emails as the outbox holds them.
EMAIL_COLUMNS = ["recipient", "created_at", "claimed_at", "sent_at", "attempts", "last_error"]


def warn_missing_calendar(request) -> None:
    """Say which years reply deadlines are, or soon will be, counted in without a calendar."""
    this_year = timezone.localdate().year
    years = {this_year, this_year + 1, *selectors.complaint_fallback_years_open()}
    for year in selectors.calendar_years_missing(years=years):
        messages.warning(
            request,
            _(
                "The working-day calendar has no data for %(year)s: complaint reply deadlines "
                "in %(year)s count Monday to Friday. Add the year with its holidays and "
                "make-up working days."
            )
            % {"year": year},
        )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 1
    fields = ["date", "kind", "name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """The working-day calendar: public holidays and make-up working days (调休), by year."""

    list_display = ["year", "source"]
    inlines = [CalendarDayInline]

    def changelist_view(self, request, extra_context=None):
        warn_missing_calendar(request)
        return super().changelist_view(request, extra_context)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "year"]
    list_filter = ["kind", "year"]
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        warn_missing_calendar(request)
        return super().changelist_view(request, extra_context)


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: complaints move through their steps, which write the timeline."""

    list_display = ["ticket", "status", "category", "validity", "major", "is_report", "due_at"]
    list_filter = ["status", "category", "validity", "major", "is_report"]
    list_select_related = ["ticket", "category"]
    search_fields = ["ticket__number", "ticket__caller_phone", "account_no"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        warn_missing_calendar(request)
        return super().changelist_view(request, extra_context)


@admin.register(ComplaintSummary)
class ComplaintSummaryAdmin(admin.ModelAdmin):
    """Built by beat and `complaint_summary`; never edited by hand."""

    list_display = ["period", "starts_on", "ends_on", "built_at"]
    list_filter = ["period"]
    readonly_fields = [
        "period",
        "starts_on",
        "ends_on",
        "data",
        "created_at",
        "built_at",
        "emails",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=gettext_lazy("Emailed to"))
    def emails(self, summary: ComplaintSummary) -> SafeString:
        """The summary's emails as the outbox holds them, one row per recipient."""
        labels = [
            field.verbose_name
            for column in EMAIL_COLUMNS
            if isinstance(field := OutboxMessage._meta.get_field(column), Field)
        ]
        head = format_html_join("", "<th>{}</th>", ((label,) for label in labels))
        empty = self.get_empty_value_display()
        rows = []
        for email in selectors.summary_email_list(summary_id=summary.pk):
            cells = [display_for_value(getattr(email, c), empty) for c in EMAIL_COLUMNS]
            rows.append(format_html_join("", "<td>{}</td>", ((cell,) for cell in cells)))
        body = format_html_join("", "<tr>{}</tr>", ((row,) for row in rows))
        return format_html("<table><tr>{}</tr>{}</table>", head, body)
