from django.contrib import admin

from gaoxin.core.admin import ReadOnlyAdmin

from .models import Article, Delivery


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    """Read-only: articles are written, published and withdrawn on the 云资讯 pages (`news.services`), one audit
    event each."""

    list_display = ("title", "kind", "department", "status", "published_at", "targeted_count", "unknown_count")
    list_filter = ("kind", "status")
    search_fields = ("title",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Read-only: deliveries are written by the delivery job and read receipts by a firm member opening the notice."""

    list_display = ("article", "enterprise", "delivered_at", "read_at", "read_by")
