"""Station service log API: read the log, record an entry, checked by the page's own form."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from gaoxin.core.api import raise_api_error, raise_form_errors

from . import permissions as perms
from . import services
from .forms import StationLogApiForm
from .models import Outcome, ServiceCategory, StationService


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
