"""Case API: submit a case, read its status and timeline, apply a transition."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import Role
from gaoxin.catalog.models import CaseType, Channel, ServiceItem
from gaoxin.core.api import raise_api_error
from gaoxin.enterprises.models import Enterprise

from . import selectors, services
from .models import Case, CaseEvent
from .workflow import TRANSITIONS


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["transition", "from_status", "to_status", "actor_repr", "note", "at"]


class CaseSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.implementation_code", default=None)
    title = serializers.CharField()
    version = serializers.IntegerField(source="version.number", default=None)
    department = serializers.CharField(source="department.name")
    status_display = serializers.CharField(source="get_status_display")
    applicant_id_number = serializers.CharField(source="masked_id")

    class Meta:
        model = Case
        fields = ["number", "kind", "item", "title", "version", "department", "channel", "status", "status_display",
                  "applicant_type", "applicant_name", "applicant_id_number", "received_on", "accepted_on", "due_date",
                  "due_provisional", "tolerance", "tolerance_due", "decided_on", "delivered_on"]


class CaseDetailSerializer(CaseSerializer):
    timeline = EventSerializer(source="events", many=True)

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + ["timeline"]


class SubmitSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="事项实施编码")
    channel = serializers.ChoiceField(choices=Channel.choices, default="web")
    enterprise_uscc = serializers.CharField(required=False, allow_blank=True)
    applicant_name = serializers.CharField(required=False, allow_blank=True, help_text="个人申请人姓名")
    applicant_id_number = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    situation = serializers.IntegerField(required=False, help_text="办理情形 id（事项有多个情形时按情形收取材料）")


class TransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=sorted(TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True)
    days = serializers.IntegerField(required=False, min_value=1)


@extend_schema_view(
    list=extend_schema(summary="我可见的办件"),
    retrieve=extend_schema(summary="办件状态与办理过程"),
    create=extend_schema(summary="提交办件", request=SubmitSerializer, responses={201: CaseDetailSerializer}),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    lookup_field = "number"

    def get_queryset(self):
        return selectors.case_list(user=self.request.user, q=self.request.query_params.get("q", ""),
                                   status=self.request.query_params.get("status", "")).prefetch_related("events")

    def get_serializer_class(self):
        return {"retrieve": CaseDetailSerializer, "create": SubmitSerializer, "transition": TransitionSerializer}.get(
            self.action, CaseSerializer)

    def create(self, request, *args, **kwargs):
        user = request.user
        if not (perms.can_apply_online(user) or perms.can_register_case(user)):
            raise ApiPermissionDenied("您无权提交办件")
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        item = get_object_or_404(ServiceItem, implementation_code=d["item"])
        if d.get("enterprise_uscc"):
            pool = Enterprise.objects.filter(memberships__user=user) if user.role == Role.ENTERPRISE else Enterprise.objects
            enterprise = pool.filter(uscc=d["enterprise_uscc"].upper()).first()
            if enterprise is None:
                raise ApiValidationError({"enterprise_uscc": ["企业不存在或不是您绑定的企业"]})
            applicant = services.Applicant(type="enterprise", name=enterprise.name, enterprise=enterprise,
                                           phone=d["contact_phone"])
        else:
            applicant = services.Applicant(type="citizen", name=d.get("applicant_name", ""),
                                           id_number=d.get("applicant_id_number", ""), phone=d["contact_phone"])
        files = {int(k.removeprefix("material_")): f for k, f in request.FILES.items() if k.startswith("material_")}
        situation = None
        if d.get("situation") is not None:
            situation = item.current_version.situations.filter(pk=d["situation"]).first() if item.current_version else None
            if situation is None:
                raise ApiValidationError({"situation": ["办理情形不属于该事项"]})
        try:
            case = services.case_submit(item=item, applicant=applicant, channel=d["channel"], actor=user, files=files,
                                        note=d.get("note", ""), situation=situation)
            if item.current_version.case_type == CaseType.IMMEDIATE and d["channel"] in ("web", "mobile", "kiosk"):
                case = services.case_transition(case=case, name="COMPLETE_IMMEDIATE", actor=None)
        except ValidationError as exc:
            raise_api_error(exc)
        return Response(CaseDetailSerializer(selectors.case_get(user=user, number=case.number)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="执行办理操作（受理、补正、审查、决定、送达……）", request=TransitionSerializer,
                   responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        case = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.case_transition(case=case, name=data.validated_data["name"], actor=request.user,
                                     reason=data.validated_data.get("reason", ""), days=data.validated_data.get("days"))
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            raise_api_error(exc)
        return Response(CaseDetailSerializer(selectors.case_get(user=request.user, number=number)).data)
