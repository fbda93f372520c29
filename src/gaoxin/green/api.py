"""绿色制造 API, read-only for integrators (banks' and the zone's data platforms): the green and smart labels, scoped
as the pages (staff all, a firm user its own)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from . import permissions as perms
from . import selectors
from .carbon import GRADES
from .models import GreenLabel


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
