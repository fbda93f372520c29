"""Benefits API: the policy library, an enterprise's matches, applications and their handling."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from gaoxin.core.api import raise_api_error
from gaoxin.enterprises.models import Enterprise

from . import selectors, services
from .models import ApplicationEvent, BenefitApplication, MatchResult, Policy


class PolicySerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.name")

    class Meta:
        model = Policy
        fields = ["code", "title", "document_number", "issuer", "level", "kind", "mode", "summary", "rule", "formula",
                  "amount_cap", "effective_from", "effective_to", "status", "version"]


class MatchSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(source="policy.code")
    policy_title = serializers.CharField(source="policy.title")
    enterprise = serializers.CharField(source="enterprise.uscc")

    class Meta:
        model = MatchResult
        fields = ["policy", "policy_title", "enterprise", "verdict", "pass_ratio", "passed", "missing", "estimate",
                  "policy_version", "computed_at", "told_at"]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationEvent
        fields = ["transition", "from_status", "to_status", "actor_repr", "note", "at"]


class ApplicationSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(source="policy.code")
    enterprise = serializers.CharField(source="enterprise.uscc")
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = BenefitApplication
        fields = ["number", "policy", "enterprise", "status", "amount_requested", "amount_approved", "amount_paid",
                  "notice_end", "payment_due", "payment_ref", "created_at", "events"]


class CreateSerializer(serializers.Serializer):
    policy = serializers.CharField()
    enterprise_uscc = serializers.CharField()
    bank_account = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=4, required=False)


class ActSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=sorted(services.TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=4, required=False)
    payment_ref = serializers.CharField(required=False, allow_blank=True)


@extend_schema_view(list=extend_schema(summary="惠企政策库"), retrieve=extend_schema(summary="政策详情"))
class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PolicySerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.policy_list(user=self.request.user, q=self.request.query_params.get("q", ""))

    @extend_schema(summary="符合或可能符合该政策的企业（工作人员）", responses=MatchSerializer(many=True))
    @action(detail=True)
    def matches(self, request, code=None):
        from gaoxin.accounts import permissions as perms

        if not perms.is_staff_role(request.user):
            raise ApiPermissionDenied("仅工作人员可查看")
        qs = self.get_object().matches.select_related("policy", "enterprise")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MatchSerializer(page, many=True).data)


@extend_schema_view(list=extend_schema(summary="我的政策匹配结果（企业）"))
class MyMatchViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MatchSerializer

    def get_queryset(self):
        return selectors.my_matches(user=self.request.user)


@extend_schema_view(list=extend_schema(summary="政策兑现申请"), retrieve=extend_schema(summary="申请详情与过程"),
                    create=extend_schema(summary="申请或确认享受", request=CreateSerializer))
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    serializer_class = ApplicationSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.applications_visible_to(self.request.user).prefetch_related("events")

    def create(self, request, *args, **kwargs):
        data = CreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        policy = get_object_or_404(Policy, code=d["policy"])
        enterprise = Enterprise.objects.filter(uscc=d["enterprise_uscc"].upper(), memberships__user=request.user).first()
        if enterprise is None:
            raise ApiValidationError({"enterprise_uscc": ["不是您绑定的企业"]})
        try:
            app = services.application_create(policy=policy, enterprise=enterprise, actor=request.user,
                                              amount=d.get("amount"), bank_account=d["bank_account"])
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(ApplicationSerializer(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="办理操作（受理、退回、审核、拨付……）", request=ActSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, number=None):
        data = ActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            app = services.application_transition(application=self.get_object(), name=d["name"], actor=request.user,
                                                  reason=d.get("reason", ""), amount=d.get("amount"),
                                                  payment_ref=d.get("payment_ref", ""))
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(ApplicationSerializer(app).data)
