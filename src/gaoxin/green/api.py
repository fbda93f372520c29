"""绿色制造 API, read-only for integrators (banks' and the zone's data platforms): the green and smart labels, scoped
as the pages (staff all, a firm user its own)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from . import permissions as perms
from . import selectors
from .carbon import GRADES
from .models import (
    BankResponse,
    FinanceNeed,
    GreenLabel,
    GreenProjectTag,
    PoolMovement,
    ScorecardResult,
    ScorecardRun,
    ScorecardStatus,
    ScoreObjection,
    SubsidyTermsVersion,
)


class GreenLabelSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")

    class Meta:
        model = GreenLabel
        fields = ["id", "uscc", "enterprise", "kind", "level", "title", "year", "valid_to", "document", "status"]


@extend_schema_view(list=extend_schema(summary="绿色与智能制造称号"), retrieve=extend_schema(summary="称号详情"))
class GreenLabelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = GreenLabelSerializer
    queryset = GreenLabel.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return perms.labels_visible_to(self.request.user).select_related("enterprise").order_by("-year", "pk")


class CarbonGradeSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    enterprise = serializers.CharField(source="name")
    industry = serializers.CharField(help_text="国民经济行业大类代码")
    year = serializers.IntegerField(help_text="所据亩产效益评价的数据年度")
    emissions_t = serializers.FloatField(allow_null=True, help_text="碳排放（吨二氧化碳）")
    intensity = serializers.FloatField(allow_null=True, help_text="碳排放强度（吨/万元）")
    benchmark = serializers.FloatField(allow_null=True, help_text="行业基准（本行业大类碳排放强度的中位数）")
    benchmark_scope = serializers.ChoiceField(choices=[("industry", "本行业"), ("zone", "全区")])
    ratio = serializers.FloatField(allow_null=True, help_text="碳排放强度与基准之比")
    grade = serializers.ChoiceField(choices=GRADES, allow_null=True, help_text="碳效等级；数据不全时为空")
    note = serializers.CharField(help_text="无法评定的原因")


@extend_schema_view(list=extend_schema(summary="碳效等级"))
class CarbonGradeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Computed from the evaluation's latest figures, nothing stored; staff read every firm, a firm its own."""

    serializer_class = CarbonGradeSerializer
    queryset = GreenLabel.objects.none()  # for the schema; list() reads the computed grades

    def list(self, request, *args, **kwargs):
        rows = selectors.carbon_list(user=request.user)
        for row in rows:  # an infinite ratio (a zero benchmark) is not JSON
            if row["ratio"] is not None and row["ratio"] == float("inf"):
                row["ratio"] = None
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(rows, many=True).data)


# --- finance board ------------------------------------------------------------------------------------------------


class BankResponseSerializer(serializers.ModelSerializer):
    bank = serializers.CharField(source="bank.name")
    overdue = serializers.BooleanField(help_text="超过响应期限仍未响应")

    class Meta:
        model = BankResponse
        fields = ["id", "need", "bank", "status", "respond_by", "responded_on", "overdue", "credit_amount", "rate",
                  "disbursed_amount", "disbursed_on", "loan_term_months", "refusal_reason"]


class FinanceNeedSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name")
    uscc = serializers.CharField(source="enterprise.uscc")
    green_tags = serializers.ListField(child=serializers.ChoiceField(choices=GreenProjectTag.choices))

    class Meta:
        model = FinanceNeed
        fields = ["id", "uscc", "enterprise", "amount", "term_months", "purpose", "green_tags", "is_green",
                  "share_scope", "contact_name", "contact_phone", "status", "posted_on"]


@extend_schema_view(list=extend_schema(summary="融资需求"), retrieve=extend_schema(summary="融资需求详情"))
class FinanceNeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A firm's own needs; a bank's, those shared with it; the zone's finance office and leaders, all."""

    serializer_class = FinanceNeedSerializer
    queryset = FinanceNeed.objects.none()

    def get_queryset(self):
        return perms.needs_visible_to(self.request.user).select_related("enterprise").order_by("-posted_on", "-pk")


@extend_schema_view(list=extend_schema(summary="银行响应"), retrieve=extend_schema(summary="银行响应详情"))
class BankResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A bank reads only its own responses, never another bank's; a firm the responses to its needs."""

    serializer_class = BankResponseSerializer
    queryset = BankResponse.objects.none()

    def get_queryset(self):
        return perms.responses_visible_to(self.request.user).select_related("bank").order_by("-need_id", "pk")


class PoolMovementSerializer(serializers.ModelSerializer):
    loan = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="贴息或补偿所对应的银行响应（贷款）")

    class Meta:
        model = PoolMovement
        fields = ["id", "kind", "source", "amount", "balance_after", "loan", "occurred_on", "note"]


@extend_schema_view(list=extend_schema(summary="风险补偿资金池收支"), retrieve=extend_schema(summary="收支详情"))
class PoolMovementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The zone's finance office and leaders read the pool's contributions, subsidies and compensations."""

    serializer_class = PoolMovementSerializer
    queryset = PoolMovement.objects.none()

    def get_queryset(self):
        return selectors.movement_list(user=self.request.user)


class ScorecardResultSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")
    run = serializers.IntegerField(source="run.number")
    reasons = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ScorecardResult
        fields = ["id", "run", "uscc", "enterprise", "total", "grade", "grade_name", "reasons"]


@extend_schema_view(list=extend_schema(summary="绿色评价结果（最近一次测算）"), retrieve=extend_schema(summary="绿色评价结果详情"))
class ScorecardResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The latest finished scorecard run's grades (a retrieved result may be of an earlier run), scoped as the pages
    (staff all, a firm user its own)."""

    serializer_class = ScorecardResultSerializer
    queryset = ScorecardResult.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        rows = perms.scorecard_results_visible_to(self.request.user).select_related("enterprise", "run")
        if self.action == "list":
            latest = (ScorecardRun.objects.filter(status=ScorecardStatus.DONE).order_by("-number")
                      .values_list("pk", flat=True).first())
            rows = rows.filter(run_id=latest)
        return rows.order_by("-total", "enterprise_id")


class ScoreObjectionSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="result.enterprise.uscc")
    enterprise = serializers.CharField(source="result.enterprise.name")
    run = serializers.IntegerField(source="result.run.number", help_text="绿色评价测算的序号")

    class Meta:
        model = ScoreObjection
        fields = ["id", "run", "uscc", "enterprise", "indicator", "indicator_name", "reason", "status", "remedy",
                  "grade_before_name", "total_before", "grade_after_name", "total_after", "decision_reason",
                  "created_at", "decided_at"]


@extend_schema_view(list=extend_schema(summary="绿色评价异议"), retrieve=extend_schema(summary="绿色评价异议详情"))
class ScoreObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Objections to green scorecard grades and how they were decided (grade and total before and after), newest
    first; scoped as the pages (staff all, a firm user its own). The evidence files stay on the pages."""

    serializer_class = ScoreObjectionSerializer
    queryset = ScoreObjection.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return (perms.score_objections_visible_to(self.request.user)
                .select_related("result__enterprise", "result__run").order_by("-created_at", "-pk"))


class SubsidyTermsSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubsidyTermsVersion
        fields = ["id", "effective_from", "share", "rate_ceiling", "months", "cap", "note"]


@extend_schema_view(list=extend_schema(summary="贴息标准（各版本）"), retrieve=extend_schema(summary="贴息标准详情"))
class SubsidyTermsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The interest-subsidy terms set from a date on, newest first: a loan is subsidised on the version in force on
    its disbursement date (before the first version, the configured defaults). Readable by whoever may see the risk
    pool page (the finance office, banks, leaders)."""

    serializer_class = SubsidyTermsSerializer
    queryset = SubsidyTermsVersion.objects.none()

    def get_queryset(self):
        if not perms.can_view_pool(self.request.user):
            return SubsidyTermsVersion.objects.none()
        return SubsidyTermsVersion.objects.order_by("-effective_from")
