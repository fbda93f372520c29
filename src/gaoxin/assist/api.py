"""API for 帮代办 orders and station service logs."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import OrgKind, OrgUnit, User
from gaoxin.core.api import raise_api_error
from gaoxin.enterprises.models import Enterprise
from gaoxin.stations import services as station_services
from gaoxin.stations.models import Outcome, ServiceCategory, StationService

from . import services
from .models import AssistOrder, OrderChannel, OrderEvent


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["transition", "to_status", "actor_repr", "note", "at"]


class OrderSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    agent = serializers.CharField(source="agent.get_full_name", default=None)
    scope = serializers.CharField()
    events = OrderEventSerializer(many=True, read_only=True)
    cases = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = AssistOrder
        fields = ["number", "enterprise", "channel", "scope", "description", "status", "agent",
                  "commission_signed_on", "commission_valid_until", "completed_on", "rating", "cases", "events"]


class OrderCreateSerializer(serializers.Serializer):
    enterprise_uscc = serializers.CharField()
    channel = serializers.ChoiceField(choices=OrderChannel.choices, default="online")
    description = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    commission_signed_on = serializers.DateField()
    commission_valid_until = serializers.DateField()


class OrderActSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=sorted(services.ORDER_TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True)
    agent = serializers.CharField(required=False, help_text="专员用户名")


@extend_schema_view(list=extend_schema(summary="帮代办订单"), retrieve=extend_schema(summary="订单与过程"),
                    create=extend_schema(summary="下单（无偿代办）", request=OrderCreateSerializer))
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = OrderSerializer
    lookup_field = "number"

    def get_queryset(self):
        return perms.orders_visible_to(self.request.user).select_related("enterprise", "agent", "item", "bundle",
                                                                          "project").prefetch_related("events", "cases")

    def create(self, request, *args, **kwargs):
        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        enterprise = Enterprise.objects.filter(uscc=d.pop("enterprise_uscc").upper()).first()
        if enterprise is None:
            raise ApiValidationError({"enterprise_uscc": ["企业不存在"]})
        try:
            order = services.order_create(actor=request.user, enterprise=enterprise, **d)
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="订单操作（指派、代办、中止、续办、办结、终止）", request=OrderActSerializer,
                   responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, number=None):
        data = OrderActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            order = services.order_transition(order=self.get_object(), name=d["name"], actor=request.user,
                                              reason=d.get("reason", ""),
                                              agent=User.objects.filter(username=d.get("agent", "")).first())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(OrderSerializer(order).data)


class StationLogSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.code")
    enterprise = serializers.CharField(source="enterprise.uscc", default=None)

    class Meta:
        model = StationService
        fields = ["id", "station", "enterprise", "person", "category", "description", "outcome", "problem",
                  "jobs_filled", "provided_on"]


class StationLogCreateSerializer(serializers.Serializer):
    station = serializers.CharField(help_text="驿站编码")
    enterprise_uscc = serializers.CharField(required=False, allow_blank=True)
    person = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=ServiceCategory.choices)
    description = serializers.CharField(max_length=300)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    problem = serializers.BooleanField(default=False)
    jobs_filled = serializers.IntegerField(min_value=0, default=0)
    provided_on = serializers.DateField(required=False)


@extend_schema_view(list=extend_schema(summary="驿站服务台账"),
                    create=extend_schema(summary="记录驿站服务", request=StationLogCreateSerializer))
class StationLogViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = StationLogSerializer

    def get_queryset(self):
        if not perms.can_view_stations(self.request.user):
            return StationService.objects.none()
        qs = StationService.objects.select_related("station", "enterprise")
        if self.request.query_params.get("station"):
            qs = qs.filter(station__code=self.request.query_params["station"])
        return qs

    def create(self, request, *args, **kwargs):
        data = StationLogCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        station = OrgUnit.objects.filter(code=d["station"], kind=OrgKind.STATION).first()
        if station is None:
            raise ApiValidationError({"station": ["驿站不存在"]})
        enterprise = Enterprise.objects.filter(uscc=d.get("enterprise_uscc", "").upper()).first() \
            if d.get("enterprise_uscc") else None
        try:
            entry = station_services.service_log(
                station=station, actor=request.user, category=d["category"], description=d["description"],
                outcome=d["outcome"], enterprise=enterprise, person=d.get("person", ""), problem=d["problem"],
                jobs_filled=d["jobs_filled"], provided_on=d.get("provided_on") or dt.date.today())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(StationLogSerializer(entry).data, status=status.HTTP_201_CREATED)
