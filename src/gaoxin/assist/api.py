"""帮代办 API: place an order, read it with its timeline, act on it with the one verb `transition`. The
inputs are checked by the pages' own forms (assist/forms.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gaoxin.core.api import raise_api_error, raise_form_errors

from . import permissions as perms
from . import selectors, services
from .forms import OrderActionForm, OrderForm
from .models import AssistOrder, OrderChannel, OrderEvent
from .workflow import WORKFLOW


def _plain_data(data) -> dict:
    """The request's fields as a plain dict (a multipart body's files stay in request.FILES for the form)."""
    return data.dict() if hasattr(data, "dict") else dict(data)


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["transition", "to_status", "actor_repr", "note", "at"]


class OrderSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    agent = serializers.CharField(source="agent.get_full_name", default=None, allow_null=True)
    scope = serializers.CharField()
    events = OrderEventSerializer(many=True, read_only=True)
    cases = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = AssistOrder
        fields = ["number", "enterprise", "channel", "scope", "description", "status", "agent",
                  "commission_signed_on", "commission_valid_until", "completed_on", "rating", "cases", "events"]


class OrderCreateSerializer(serializers.Serializer):
    """The request of placing an order (documentation only: checked by the page's own form)."""

    uscc = serializers.CharField(help_text="企业统一社会信用代码（企业用户只能为本企业下单；旧字段名 enterprise_uscc 亦可）")
    channel = serializers.ChoiceField(choices=OrderChannel.choices, default="online",
                                      help_text="下单渠道：工作人员按实际渠道填写；企业自行下单只能是 online（平台/小程序）或 visit（上门预约）")
    visit = serializers.BooleanField(required=False, help_text="企业请专员上门服务（即 channel=visit）")
    item = serializers.CharField(required=False, help_text="事项实施编码（可选）")
    bundle = serializers.CharField(required=False, help_text="“一件事”编码（可选）")
    description = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    commission_signed_on = serializers.DateField()
    commission_valid_until = serializers.DateField()


class OrderTransitionSerializer(serializers.Serializer):
    """The request of a transition (documentation only: the input is checked by the page's own form)."""

    name = serializers.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions])
    reason = serializers.CharField(required=False, allow_blank=True, help_text="说明（表中要求说明的操作必填）")
    agent = serializers.CharField(required=False, help_text="帮代办专员的用户名（指派、改派）")


@extend_schema_view(list=extend_schema(summary="帮代办订单"), retrieve=extend_schema(summary="订单与过程"),
                    create=extend_schema(summary="下单（无偿代办）", request=OrderCreateSerializer))
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = OrderSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.order_list(user=self.request.user).prefetch_related("events", "cases")

    def create(self, request, *args, **kwargs):
        if not perms.can_place_order(request.user):
            raise_api_error(PermissionDenied("无权下单"))
        data = _plain_data(request.data)
        data.setdefault("channel", OrderChannel.ONLINE)
        if "uscc" not in data and "enterprise_uscc" in data:  # the field's name before the page's form checked it
            data["uscc"] = data["enterprise_uscc"]
        form = OrderForm(data=data, files=request.FILES, firms=perms.firms_for_order(request.user),
                         choose_channel=perms.can_choose_order_channel(request.user))
        if not form.is_valid():
            raise_form_errors(form)
        try:
            order = services.order_create(actor=request.user, **form.order_kwargs())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="订单操作（指派、改派、代办、中止、续办、办结、终止）", request=OrderTransitionSerializer,
                   responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        order = self.get_object()
        form = OrderActionForm(data=request.data)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            order = services.order_transition(order=order, name=form.cleaned_data["name"], actor=request.user,
                                              reason=form.cleaned_data["reason"], **form.params())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(OrderSerializer(order).data)
