"""云资讯 API (read-only): the published articles a caller may read (anonymous: the public ones; an enterprise: also
the notices delivered to its firms), and for the staff who manage targeted notices their delivered / read / unread
counts. Articles are written and published on the pages."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from . import permissions as perms
from . import selectors
from .models import Article, ArticleKind


class ArticleSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    department = serializers.CharField(source="department.name")
    policy = serializers.CharField(source="policy.code", default=None, allow_null=True)
    targeted = serializers.BooleanField(help_text="定向通知（只送达符合条件的企业）")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "kind", "kind_label", "title", "summary", "body", "source", "department", "policy",
                  "published_at", "targeted", "url"]

    def get_url(self, obj) -> str:
        return reverse("news_detail", args=[obj.pk])


@extend_schema_view(
    list=extend_schema(summary="云资讯（已发布的新闻、通知公告与政策解读）", parameters=[
        OpenApiParameter("q", str, description="标题关键词"),
        OpenApiParameter("kind", str, enum=ArticleKind.values, description="类别")]),
    retrieve=extend_schema(summary="一篇资讯"))
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Anyone may read the public articles; a logged-in enterprise user also the notices delivered to its firms
    (never another firm's). Reading through the API records no read receipt (that is a person opening the page)."""

    permission_classes = [AllowAny]
    serializer_class = ArticleSerializer

    def get_queryset(self):
        params = self.request.query_params
        kind = params.get("kind", "")
        return selectors.news_list(user=self.request.user, q=params.get("q", "")[:60],
                                   kind=kind if kind in ArticleKind.values else "").select_related("policy")


class ReceiptSerializer(serializers.ModelSerializer):
    delivered = serializers.IntegerField(help_text="送达企业数")
    read = serializers.IntegerField(help_text="已读企业数")
    unread = serializers.SerializerMethodField(help_text="未读企业数")
    unknown = serializers.IntegerField(source="unknown_count", help_text="缺少条件所需数据、无法判断而未送达的企业数")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Article
        fields = ["id", "title", "status", "status_label", "rule", "published_at", "delivered", "read", "unread",
                  "unknown"]

    def get_unread(self, obj) -> int:
        return obj.delivered - obj.read


@extend_schema_view(list=extend_schema(summary="定向通知的送达与阅读回执（工作人员）"),
                    retrieve=extend_schema(summary="一篇定向通知的送达、已读、未读企业数"))
class ReceiptViewSet(viewsets.ReadOnlyModelViewSet):
    """The targeted articles the caller manages (their unit's; the administrator and leaders all), with counts."""

    serializer_class = ReceiptSerializer

    def get_queryset(self):
        return (perms.articles_managed_by(self.request.user).exclude(rule="")
                .annotate(delivered=Count("deliveries"),
                          read=Count("deliveries", filter=Q(deliveries__read_at__isnull=False)))
                .order_by("-published_at", "-id"))
