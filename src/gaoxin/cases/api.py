"""Case API: submit a case, read its status and timeline, apply a transition."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from gaoxin.catalog.models import CaseType, Channel, ServiceItem
from gaoxin.core.api import raise_api_error
from gaoxin.core.validators import normalize_code

from . import permissions as perms
from . import selectors, services
from .models import DELIVER_METHODS, Case, CaseEvent, Decision
from .workflow import WORKFLOW


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


class DecisionSerializer(serializers.ModelSerializer):
    outcome_display = serializers.CharField(source="get_outcome_display")
    department = serializers.CharField(source="department.name")
    result_file = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["outcome", "outcome_display", "notice_number", "licence_number", "opinion", "legal_basis", "reasons",
                  "decided_on", "department", "result_file"]

    def get_result_file(self, decision) -> bool:
        """Whether a result file is attached (it is fetched from the case page, where opening it is audited)."""
        return bool(decision.result_file)


class CaseDetailSerializer(CaseSerializer):
    timeline = EventSerializer(source="events", many=True)
    decision = DecisionSerializer(default=None)
    delivery_method_display = serializers.CharField(source="get_delivery_method_display")

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + ["decision", "delivery_method", "delivery_method_display",
                                               "postal_recipient", "postal_address", "tracking_number", "timeline"]


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
    """Fields beyond name and reason belong to one transition; the service checks them as the pages do."""

    name = serializers.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions])
    reason = serializers.CharField(required=False, allow_blank=True, help_text="原因或说明；不予许可（REFUSE）时为不予许可的理由")
    days = serializers.IntegerField(required=False, min_value=1, help_text="延长工作日（EXTEND）")
    opinion = serializers.CharField(required=False, allow_blank=True, help_text="审查意见（APPROVE、REFUSE 必填）")
    licence_number = serializers.CharField(required=False, allow_blank=True, help_text="证照编号/批准文号（APPROVE 必填）")
    legal_basis = serializers.CharField(required=False, allow_blank=True,
                                        help_text="法律依据（REFUSE 必填；SUSPEND 的法定依据）")
    result_file = serializers.FileField(required=False, help_text="结果文件（APPROVE、REFUSE 可选，multipart 上传）")
    method = serializers.ChoiceField(choices=[(m.value, m.label) for m in DELIVER_METHODS], required=False,
                                     help_text="送达方式（DELIVER 必填）")
    postal_recipient = serializers.CharField(required=False, allow_blank=True, help_text="收件人（邮寄送达必填）")
    postal_address = serializers.CharField(required=False, allow_blank=True, help_text="邮寄地址（邮寄送达必填）")
    tracking_number = serializers.CharField(required=False, allow_blank=True, help_text="快递单号（邮寄送达必填）")


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
            pool = perms.firms_for_application(user)
            enterprise = pool.filter(uscc=normalize_code(d["enterprise_uscc"])).first()
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
        extra = {k: v for k, v in data.validated_data.items() if k not in ("name", "reason")}
        try:
            services.case_transition(case=case, name=data.validated_data["name"], actor=request.user,
                                     reason=data.validated_data.get("reason", ""), **extra)
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            raise_api_error(exc)
        return Response(CaseDetailSerializer(selectors.case_get(user=request.user, number=number)).data)
