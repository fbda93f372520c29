"""Station APIs: the service log (read, record an entry checked by the page's own form) and the staff training
sessions (read-only, scoped as the pages)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from gaoxin.accounts.models import User
from gaoxin.core.api import raise_api_error, raise_form_errors
from gaoxin.core.validators import year_param

from . import permissions as perms
from . import selectors, services
from .forms import StationLogApiForm
from .models import Outcome, ServiceCategory, StationService, TrainingKind, TrainingSession


def _plain_data(data) -> dict:
    """The request's fields as a plain dict (a multipart body's files stay in request.FILES for the form)."""
    return data.dict() if hasattr(data, "dict") else dict(data)


class StationLogSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.code")
    enterprise = serializers.CharField(source="enterprise.uscc", default=None, allow_null=True)

    class Meta:
        model = StationService
        fields = ["id", "station", "enterprise", "person", "category", "description", "outcome", "problem",
                  "provided_on"]


class StationLogCreateSerializer(serializers.Serializer):
    """The request of recording an entry (documentation only: checked by the page's own form)."""

    station = serializers.CharField(help_text="驿站编码")
    uscc = serializers.CharField(required=False, allow_blank=True,
                                 help_text="企业统一社会信用代码（旧字段名 enterprise_uscc 亦可）")
    person = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=ServiceCategory.choices)
    description = serializers.CharField(max_length=300)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    escalated_to = serializers.CharField(required=False, help_text="转办部门编码")
    problem = serializers.BooleanField(default=False)
    provided_on = serializers.DateField(required=False)


@extend_schema_view(list=extend_schema(summary="驿站服务台账", parameters=[
    OpenApiParameter("station", str, description="驿站编码，如 station-jinrong")]),
                    create=extend_schema(summary="记录驿站服务", request=StationLogCreateSerializer))
class StationLogViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = StationLogSerializer

    def get_queryset(self):
        qs = perms.station_services_visible_to(self.request.user).select_related("station", "enterprise")
        if self.request.query_params.get("station"):
            qs = qs.filter(station__code=self.request.query_params["station"])
        return qs

    def create(self, request, *args, **kwargs):
        if not perms.can_view_stations(request.user):
            raise_api_error(PermissionDenied("无权记录驿站服务"))
        data = _plain_data(request.data)
        if "uscc" not in data and "enterprise_uscc" in data:  # the field's name before the page's form checked it
            data["uscc"] = data["enterprise_uscc"]
        form = StationLogApiForm(data=data, stations=perms.stations_visible_to(request.user))
        if not form.is_valid():
            raise_form_errors(form)
        try:
            entry = services.service_log(station=form.cleaned_data["station"], actor=request.user, **form.log_kwargs())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(StationLogSerializer(entry).data, status=status.HTTP_201_CREATED)


class TrainingAttendeeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    role = serializers.CharField()
    org_unit = serializers.CharField(source="org_unit.code", default=None, allow_null=True)


class TrainingSessionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    organiser = serializers.CharField(source="organiser.code")
    topics = serializers.ListField(source="topic_list", child=serializers.CharField())
    attendees = TrainingAttendeeSerializer(many=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "kind", "kind_label", "title", "topics", "held_on", "hours", "place", "trainer", "organiser",
                  "attendees"]


@extend_schema_view(
    list=extend_schema(summary="人员培训（集中培训、跟班学习、情景演练）", parameters=[
        OpenApiParameter("kind", str, enum=TrainingKind.values, description="培训方式"),
        OpenApiParameter("year", int, description="年度，如 2026")]),
    retrieve=extend_schema(summary="一次培训及参训人员"))
class TrainingSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only: sessions are recorded on the page. Scoped as the pages (administrators and leaders all; staff the
    sessions they or their station's staff attended); enterprises see none."""

    serializer_class = TrainingSessionSerializer

    def get_queryset(self):
        params = self.request.query_params
        qs = selectors.training_list(user=self.request.user, kind=params.get("kind", ""),
                                     year=year_param(params.get("year")))
        return qs.prefetch_related(Prefetch("attendees", queryset=User.objects.select_related("org_unit")
                                            .order_by("full_name", "pk")))
