"""主动服务 API, read-only for integrators (the zone's data platform, a station's reporting): visit campaigns with
their coverage, visit records with the needs found and what they became, point-to-point policy coaching, and the
key-firm list; scoped as the pages (staff only; targets, visits and coachings as each reader may see them)."""

from __future__ import annotations

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from . import permissions as perms
from .models import Campaign, Coaching, KeyFirm, Need, Visit


class CampaignSerializer(serializers.ModelSerializer):
    targets = serializers.IntegerField(source="n_targets", help_text="走访对象（企业）数")
    visited = serializers.IntegerField(source="n_visited", help_text="已走访的企业数")

    class Meta:
        model = Campaign
        fields = ["id", "name", "description", "rule", "starts_on", "ends_on", "status", "targets", "visited"]


@extend_schema_view(list=extend_schema(summary="走访活动"), retrieve=extend_schema(summary="走访活动详情"))
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every member of staff reads the campaigns and their coverage, as the campaign pages."""

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return (perms.campaigns_visible_to(self.request.user)
                .annotate(n_targets=Count("targets", distinct=True),
                          n_visited=Count("targets", filter=Q(targets__visits__isnull=False), distinct=True))
                .order_by("-starts_on", "-pk"))


class NeedSerializer(serializers.ModelSerializer):
    result_number = serializers.SerializerMethodField(help_text="转办后的诉求、帮代办订单或用工需求编号")

    class Meta:
        model = Need
        fields = ["id", "description", "status", "kind", "result_number", "settled_note"]

    def get_result_number(self, need) -> str:
        result = need.result
        return getattr(result, "number", "") if result is not None else ""


class VisitSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="target.campaign_id")
    uscc = serializers.CharField(source="target.enterprise.uscc")
    enterprise = serializers.CharField(source="target.enterprise.name")
    by = serializers.CharField(source="by.get_full_name", help_text="走访人员")
    needs = NeedSerializer(many=True)
    policies = serializers.SlugRelatedField(many=True, read_only=True, slug_field="title", help_text="宣讲的政策")

    class Meta:
        model = Visit
        fields = ["id", "campaign", "uscc", "enterprise", "visited_on", "by", "people_met", "summary", "needs",
                  "policies"]


@extend_schema_view(list=extend_schema(summary="走访记录"), retrieve=extend_schema(summary="走访记录详情"))
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visit records with the needs found and what each became; an officer reads the visits of the firms assigned
    to them and of their campaigns, the administrator and leaders all."""

    serializer_class = VisitSerializer
    queryset = Visit.objects.none()

    def get_queryset(self):
        return (perms.visits_visible_to(self.request.user)
                .select_related("target__enterprise", "by")
                .prefetch_related("policies", "needs__appeal", "needs__order", "needs__demand")
                .order_by("-visited_on", "-pk"))


class CoachingSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")
    policy = serializers.CharField(source="policy.code", help_text="政策编码")
    policy_title = serializers.CharField(source="policy.title")
    by = serializers.CharField(source="by.get_full_name", help_text="辅导人员")

    class Meta:
        model = Coaching
        fields = ["id", "uscc", "enterprise", "policy", "policy_title", "coached_on", "method", "people_met", "content",
                  "by"]


@extend_schema_view(list=extend_schema(summary="点对点政策辅导记录"), retrieve=extend_schema(summary="政策辅导记录详情"))
class CoachingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Coaching records: the coach's own, their unit's and their department's policies'; the administrator and
    leaders all."""

    serializer_class = CoachingSerializer
    queryset = Coaching.objects.none()

    def get_queryset(self):
        return (perms.coachings_visible_to(self.request.user).select_related("enterprise", "policy", "by")
                .order_by("-coached_on", "-pk"))


class KeyFirmSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")

    class Meta:
        model = KeyFirm
        fields = ["id", "uscc", "enterprise", "reason", "source", "added_at"]


@extend_schema_view(list=extend_schema(summary="重点企业名单"), retrieve=extend_schema(summary="重点企业详情"))
class KeyFirmViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The firms on the 重点企业 list now, for staff."""

    serializer_class = KeyFirmSerializer
    queryset = KeyFirm.objects.none()

    def get_queryset(self):
        if not perms.can_view_key_firms(self.request.user):
            return KeyFirm.objects.none()
        return KeyFirm.objects.filter(removed_at__isnull=True).select_related("enterprise").order_by("-added_at", "-pk")
