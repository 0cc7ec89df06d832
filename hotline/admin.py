from django.contrib import admin

from hotline.models import Article, ArticleCategory, Call, CallTicket


@admin.register(ArticleCategory)
class ArticleCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """The knowledge base is edited here: supervisors keep the answers current."""

    list_display = ["title", "title_en", "category", "published", "updated_at"]
    list_filter = ["category", "published"]
    list_select_related = ["category"]
    search_fields = ["title", "title_en", "keywords", "summary", "body"]


class CallTicketInline(admin.TabularInline):
    model = CallTicket
    extra = 0
    can_delete = False
    readonly_fields = ["ticket", "action", "at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """Read-only: calls are the record of what agents did."""

    list_display = [
        "started_at",
        "ended_at",
        "agent",
        "caller_phone",
        "customer",
        "reason",
        "outcome",
    ]
    list_filter = ["reason", "outcome"]
    list_select_related = ["agent", "customer"]
    search_fields = ["caller_phone", "customer__account_no", "customer__name", "agent__username"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "caller_phone",
        "customer",
        "agent",
        "started_at",
        "ended_at",
        "reason",
        "outcome",
        "note",
    ]
    inlines = [CallTicketInline]

    def has_add_permission(self, request) -> bool:
        return False
