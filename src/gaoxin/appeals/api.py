"""Appeals API: submit, read the ticket and its timeline, act on it."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.api import raise_api_error
from gaoxin.enterprises.models import Enterprise

from . import selectors, services
from .models import Appeal, AppealEvent, Category, RequestType, Urgency


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppealEvent
        fields = ["transition", "from_status", "to_status", "actor_repr", "unit", "note", "at"]


class AppealSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    lead = serializers.CharField(source="lead.name", default=None)
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = ["number", "channel", "enterprise", "category", "request_type", "urgency", "title", "status", "lead",
                  "respond_by", "resolve_by", "result", "resolution", "satisfaction", "supervision", "events"]


class SubmitSerializer(serializers.Serializer):
    enterprise_uscc = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default="normal")
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()


class ActSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=sorted(services.TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True)
    lead = serializers.CharField(required=False, help_text="主办单位编码")
    cooperating = serializers.ListField(child=serializers.CharField(), required=False, help_text="协办单位编码")
    result = serializers.CharField(required=False, allow_blank=True)
    satisfaction = serializers.IntegerField(required=False, min_value=1, max_value=5)
    solved = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema_view(list=extend_schema(summary="企业诉求"), retrieve=extend_schema(summary="诉求与办理过程"),
                    create=extend_schema(summary="提出诉求", request=SubmitSerializer))
class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = AppealSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.appeal_list(user=self.request.user).prefetch_related("events")

    def create(self, request, *args, **kwargs):
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        enterprise = Enterprise.objects.filter(uscc=d.pop("enterprise_uscc").upper()).first()
        if enterprise is None:
            raise ApiValidationError({"enterprise_uscc": ["企业不存在"]})
        try:
            appeal = services.appeal_submit(actor=request.user, enterprise=enterprise, channel="平台", **d)
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="办理操作（派单、签收、退单、办结、确认……）", request=ActSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, number=None):
        data = ActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=[d.get("lead"), *d.get("cooperating", [])])}
        try:
            appeal = services.appeal_transition(
                appeal=self.get_object(), name=d["name"], actor=request.user, reason=d.get("reason", ""),
                lead=units.get(d.get("lead")), cooperating=[units[c] for c in d.get("cooperating", []) if c in units]
                if "cooperating" in d else None, result=d.get("result", ""), satisfaction=d.get("satisfaction"),
                solved=d.get("solved"))
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(AppealSerializer(appeal).data)
