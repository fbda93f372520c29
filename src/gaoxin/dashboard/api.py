"""Figures for the province's platforms (platform.md §7): the registry's definitions, and one figure's value for a
period with 环比 and 同比, optionally broken down by a dimension. Same scope as the dashboard: leaders and the
centre's administrators see the zone, a department head their department."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from . import periods as P
from . import permissions as perms
from . import selectors
from .figures import BY_ID, DIMENSIONS


class DefinitionSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField(help_text="指标名称")
    section = serializers.CharField(help_text="板块")
    unit = serializers.CharField(help_text="单位")
    formula = serializers.CharField(help_text="口径")
    source = serializers.CharField(help_text="数据来源")
    kind = serializers.ChoiceField(choices=["count", "share", "mean", "sum"])
    dimensions = serializers.ListField(child=serializers.CharField(), help_text="可分组维度")
    threshold = serializers.DictField(child=serializers.FloatField(), help_text="预警值：min 低于时预警，max 高于时预警")


class FigureQuery(serializers.Serializer):
    period = serializers.CharField(required=False, allow_blank=True,
                                   help_text="统计期间：2026-11、2026-Q4、2026 或 2026-01-01~2026-03-31；空为上月")
    dimension = serializers.ChoiceField(choices=list(DIMENSIONS), required=False, help_text="按此维度分组")


class BreakdownSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    value = serializers.FloatField(allow_null=True)


class FigureValueSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    value = serializers.FloatField(allow_null=True)
    previous = serializers.FloatField(allow_null=True, help_text="上期")
    year_before = serializers.FloatField(allow_null=True, help_text="上年同期")
    mom = serializers.FloatField(allow_null=True, help_text="环比（%；比率类为百分点）")
    yoy = serializers.FloatField(allow_null=True, help_text="同比（%；比率类为百分点）")
    warning = serializers.CharField(allow_blank=True)
    refreshed_at = serializers.DateTimeField(allow_null=True, help_text="数据更新时间")
    breakdown = BreakdownSerializer(many=True, required=False)


def _check(user):
    if not perms.can_view_dashboard(user):
        raise PermissionDenied("您无权查看指标")


@extend_schema(summary="指标定义（驾驶舱指标库）", responses=DefinitionSerializer(many=True))
@api_view(["GET"])
def figure_definitions(request):
    _check(request.user)
    scope = perms.dashboard_scope(request.user)
    return Response(DefinitionSerializer([f.definition() | {"dimensions": list(f.dims)}
                                          for f in selectors.figures_for(scope)], many=True).data)


@extend_schema(summary="指标数值（按期间、维度）", parameters=[FigureQuery], responses=FigureValueSerializer)
@api_view(["GET"])
def figure_value(request, figure_id: str):
    _check(request.user)
    scope = perms.dashboard_scope(request.user)
    figure = BY_ID.get(figure_id)
    if figure is None or figure not in selectors.figures_for(scope):
        raise NotFound("指标不存在")
    query = FigureQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    try:
        period = P.parse(query.validated_data.get("period", ""), today=timezone.localdate())
    except P.PeriodError as exc:
        raise ValidationError({"period": [str(exc)]}) from exc
    dim = query.validated_data.get("dimension")
    if dim and dim not in figure.dims:
        raise ValidationError({"dimension": [f"该指标不能按“{DIMENSIONS[dim]}”分组"]})
    v = selectors.values(period, scope=scope, figures=[figure], since=selectors.data_start())[0]
    state = selectors.refresh_state()
    data = {**v.as_dict(), "period": period.token, "start": period.start, "end": period.end,
            "refreshed_at": state.refreshed_at if state else None}
    if dim:
        data["breakdown"] = [{"key": k, "name": name, "value": value}
                             for k, name, value, _n, _d in selectors.breakdown(period, dim, figures=[figure],
                                                                                scope=scope)[figure.id]]
    return Response(FigureValueSerializer(data).data)
