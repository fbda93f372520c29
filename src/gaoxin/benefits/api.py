"""Benefits API: the policy library, an enterprise's matches, applications and their handling."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from gaoxin.core.api import raise_api_error, raise_form_errors

from . import permissions as perms
from . import selectors, services
from .forms import ApplicationActionForm, ApplicationApiForm
from .models import (
    ApplicationEvent,
    BenefitApplication,
    MatchResult,
    Policy,
    TalentClaim,
    TalentClawback,
    TalentInstalment,
)
from .workflow import WORKFLOW


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
    estimate_note = serializers.CharField(read_only=True, allow_null=True,
                                          help_text="测算金额为空的原因，如“待完善数据后测算（缺：绿色信贷需求）”")

    class Meta:
        model = MatchResult
        fields = ["policy", "policy_title", "enterprise", "verdict", "pass_ratio", "passed", "missing", "estimate",
                  "estimate_note", "policy_version", "computed_at", "told_at"]


class ApplicationEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationEvent
        fields = ["transition", "from_status", "to_status", "actor_repr", "note", "at"]


class ApplicationSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(source="policy.code")
    enterprise = serializers.CharField(source="enterprise.uscc")
    events = ApplicationEventSerializer(many=True, read_only=True)

    class Meta:
        model = BenefitApplication
        fields = ["number", "policy", "enterprise", "status", "amount_requested", "estimate", "estimate_basis",
                  "amount_approved", "amount_paid", "notice_end", "payment_due", "payment_ref", "created_at", "events"]


class ApplicationCreateSerializer(serializers.Serializer):
    """The request of applying (documentation only: checked by the page's own form)."""

    policy = serializers.CharField(help_text="政策编号")
    enterprise_uscc = serializers.CharField(help_text="本企业统一社会信用代码")
    bank_account = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=4, required=False, help_text="申请金额（万元）")
    note = serializers.CharField(required=False, allow_blank=True)


class ApplicationTransitionSerializer(serializers.Serializer):
    """The request of a transition (documentation only: the input is checked by the page's own form)."""

    name = serializers.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions])
    reason = serializers.CharField(required=False, allow_blank=True, help_text="原因（表中要求说明的操作必填）")
    amount = serializers.DecimalField(max_digits=16, decimal_places=4, required=False,
                                      help_text="核定金额（万元；审核通过、数据比对通过）")
    payment_ref = serializers.CharField(required=False, allow_blank=True, help_text="拨付凭证号（拨付）")


@extend_schema_view(list=extend_schema(summary="惠企政策库", parameters=[
    OpenApiParameter("q", str, description="搜索词：政策名称、文号或内容")]), retrieve=extend_schema(summary="政策详情"))
class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PolicySerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.policy_list(user=self.request.user, q=self.request.query_params.get("q", ""))

    @extend_schema(summary="符合或可能符合该政策的企业（工作人员）", responses=MatchSerializer(many=True))
    @action(detail=True)
    def matches(self, request, code=None):
        policy = self.get_object()
        if not perms.can_view_matched_firms(request.user, policy):
            raise ApiPermissionDenied("逐户匹配结果仅政策主管部门和管理员可查看")
        qs = policy.matches.select_related("policy", "enterprise")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MatchSerializer(page, many=True).data)


@extend_schema_view(list=extend_schema(summary="我的政策匹配结果（企业）"))
class MyMatchViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MatchSerializer

    def get_queryset(self):
        return selectors.my_matches(user=self.request.user)


@extend_schema_view(list=extend_schema(summary="政策兑现申请"), retrieve=extend_schema(summary="申请详情与过程"),
                    create=extend_schema(summary="申请或确认享受", request=ApplicationCreateSerializer))
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    serializer_class = ApplicationSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.application_list(user=self.request.user).prefetch_related("events")

    def create(self, request, *args, **kwargs):
        if not perms.can_seek_benefits(request.user):
            raise_api_error(PermissionDenied("只能为本企业申请"))
        form = ApplicationApiForm(data=request.data, firms=perms.firms_for_benefits(request.user))
        if not form.is_valid():
            raise_form_errors(form)
        try:
            app = services.application_create(policy=form.cleaned_data["policy"], actor=request.user,
                                              **form.application_kwargs())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(ApplicationSerializer(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="办理操作（受理、退回、审核、拨付……）", request=ApplicationTransitionSerializer,
                   responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        app = self.get_object()
        form = ApplicationActionForm(data=request.data)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            app = services.application_transition(application=app, name=form.cleaned_data["name"], actor=request.user,
                                                  reason=form.cleaned_data["reason"], **form.params())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(ApplicationSerializer(app).data)


# --- talent benefits (人才待遇): read-only for integrators ---------------------------------------------------------

class TalentInstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TalentInstalment
        fields = ["seq", "due_on", "amount", "status", "approved_on", "paid_on", "payment_ref"]


class TalentClawbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = TalentClawback
        fields = ["paid", "amount", "left_on", "served_months", "reason", "status", "recovered_ref", "decision_note",
                  "raised_at", "decided_at"]


class TalentClaimSerializer(serializers.ModelSerializer):
    talent_name = serializers.CharField(source="talent.name")
    id_number = serializers.SerializerMethodField(help_text="身份证号码（人才办和本人可见全号，其他人打码）")
    item = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    enterprise = serializers.CharField(source="enterprise.uscc", allow_null=True, default=None)
    instalments = TalentInstalmentSerializer(many=True, read_only=True)
    clawback = serializers.SerializerMethodField()

    class Meta:
        model = TalentClaim
        fields = ["number", "talent_name", "id_number", "item", "item_name", "channel", "status", "enterprise",
                  "tier_code", "amount", "basis", "instalment_count", "approved_on", "left_on", "created_at",
                  "instalments", "clawback"]

    def get_id_number(self, claim) -> str:
        user = self.context["request"].user
        return claim.talent.id_number if perms.can_view_person_id_numbers(user, claim.talent) \
            else claim.talent.masked_id_number

    @extend_schema_field(TalentClawbackSerializer(allow_null=True))
    def get_clawback(self, claim):
        clawback = getattr(claim, "clawback", None)
        return TalentClawbackSerializer(clawback).data if clawback is not None else None


class TalentPaymentSerializer(serializers.ModelSerializer):
    """A row of the payments ledger: one instalment with its claim."""

    claim = serializers.CharField(source="claim.number")
    talent_name = serializers.CharField(source="claim.talent.name")
    item = serializers.CharField(source="claim.item.code")

    class Meta:
        model = TalentInstalment
        fields = ["claim", "talent_name", "item", "seq", "due_on", "amount", "status", "paid_on", "payment_ref"]


@extend_schema_view(list=extend_schema(summary="人才待遇申领（台账）", parameters=[
    OpenApiParameter("item", str, description="事项编号"), OpenApiParameter("status", str, description="申领状态"),
    OpenApiParameter("tier", str, description="人才层次代码"), OpenApiParameter("year", str, description="申领年度")]),
    retrieve=extend_schema(summary="人才待遇申领详情（分期与追回）"))
class TalentClaimViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TalentClaimSerializer
    lookup_field = "number"

    def get_queryset(self):
        p = self.request.query_params
        return (selectors.talent_claim_list(user=self.request.user, item=p.get("item", ""), status=p.get("status", ""),
                                            tier=p.get("tier", ""), year=p.get("year", ""))
                .select_related("clawback").prefetch_related("instalments").order_by("-created_at", "-id"))


@extend_schema_view(list=extend_schema(summary="人才待遇拨付台账（按期）", parameters=[
    OpenApiParameter("status", str, description="分期状态：scheduled / approved / paid / cancelled")]))
class TalentPaymentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TalentPaymentSerializer

    def get_queryset(self):
        qs = (TalentInstalment.objects.filter(claim__in=perms.talent_claims_visible_to(self.request.user).values("pk"))
              .select_related("claim", "claim__talent", "claim__item").order_by("-paid_on", "claim__number", "seq"))
        status_ = self.request.query_params.get("status", "")
        return qs.filter(status=status_) if status_ else qs
