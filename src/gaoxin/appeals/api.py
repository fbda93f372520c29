"""Appeals API: submit, read the ticket and its timeline, act on it."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gaoxin.core.api import raise_api_error, raise_form_errors

from . import permissions as perms
from . import selectors, services
from .forms import STAFF_CHANNELS, AppealActionForm, AppealForm
from .models import Appeal, AppealEvent, Category, RequestType, Result, Urgency
from .workflow import WORKFLOW


class AppealEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppealEvent
        fields = ["transition", "from_status", "to_status", "actor_repr", "unit", "note", "at"]


class AppealSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc", default=None, allow_null=True,
                                       help_text="企业统一社会信用代码（人才服务诉求为空）")
    lead = serializers.CharField(source="lead.name", default=None, allow_null=True)
    events = AppealEventSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = ["number", "channel", "enterprise", "talent_service", "category", "request_type", "urgency", "title", "status", "lead",
                  "respond_by", "resolve_by", "result", "resolution", "satisfaction", "supervision", "events"]


class AppealSubmitSerializer(serializers.Serializer):
    """The request of raising an appeal (documentation only: checked by the page's own form)."""

    uscc = serializers.CharField(help_text="企业统一社会信用代码（企业用户只能为本企业提出）")
    category = serializers.ChoiceField(choices=Category.choices)
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default="normal")
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    confidential = serializers.BooleanField(required=False, default=False)
    channel = serializers.ChoiceField(choices=STAFF_CHANNELS, required=False, default="窗口",
                                      help_text="受理渠道：工作人员登记时填写；企业自己提出为“平台”，驿站登记为“驿站”")


class AppealTransitionSerializer(serializers.Serializer):
    """The request of a transition (documentation only: the input is checked by the page's own form)."""

    name = serializers.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions])
    reason = serializers.CharField(required=False, allow_blank=True, help_text="说明（表中要求说明的操作必填）")
    lead = serializers.CharField(required=False, help_text="主办单位编码（派单、改派）")
    cooperating = serializers.ListField(child=serializers.CharField(), required=False, help_text="协办单位编码")
    result = serializers.ChoiceField(choices=Result.choices, required=False, help_text="办理结果（办结答复）")
    satisfaction = serializers.IntegerField(required=False, min_value=1, max_value=5, help_text="满意度 1–5（确认办结）")
    solved = serializers.ChoiceField(choices=["yes", "no"], required=False, help_text="是否已解决（确认办结）")
    days = serializers.IntegerField(required=False, min_value=1, max_value=60, help_text="延期工作日")


@extend_schema_view(list=extend_schema(summary="企业诉求"), retrieve=extend_schema(summary="诉求与办理过程"),
                    create=extend_schema(summary="提出诉求", request=AppealSubmitSerializer))
class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = AppealSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.appeal_list(user=self.request.user).prefetch_related("events")

    def create(self, request, *args, **kwargs):
        firms = perms.firms_for_appeal(request.user)
        form = AppealForm(data={"channel": "窗口", **request.data}, firms=firms)
        if not form.is_valid():
            raise_form_errors(form)
        d = form.cleaned_data
        try:
            appeal = services.appeal_submit(
                actor=request.user, enterprise=form.firm(), channel=perms.intake_channel(request.user, d.get("channel", "")),
                category=d["category"],
                request_type=d["request_type"], urgency=d["urgency"], title=d["title"], description=d["description"],
                contact_name=d["contact_name"], contact_phone=d["contact_phone"], confidential=d["confidential"])
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="办理操作（派单、签收、退单、办结、确认……）", request=AppealTransitionSerializer,
                   responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        appeal = self.get_object()
        form = AppealActionForm(data=request.data)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            appeal = services.appeal_transition(appeal=appeal, name=form.cleaned_data["name"], actor=request.user,
                                                reason=form.cleaned_data["reason"], **form.params())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(AppealSerializer(appeal).data)
