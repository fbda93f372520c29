"""Evaluation API: cycles, participant lists and results; state changes, scoring runs, objections
(enterprises file, owning departments decide) and the tier-policy table. Every write goes
through the same service functions as the pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response

from gaoxin.accounts import permissions as perms
from gaoxin.core.api import raise_api_error

from . import objections, scoring, services
from .adjustments import adjustment_set
from .models import (
    Cycle,
    CycleAdjustment,
    CycleStatus,
    Objection,
    ObjectionStatus,
    Participant,
    ScoreResult,
    TierPolicy,
)


class CycleSerializer(serializers.ModelSerializer):
    participants = serializers.IntegerField(source="n_participants", read_only=True)
    rated = serializers.IntegerField(source="n_rated", read_only=True)
    allowed_targets = serializers.SerializerMethodField()

    class Meta:
        model = Cycle
        fields = ["id", "data_year", "name", "method_name", "method_hash", "status", "trial", "notice_length",
                  "notice_unit", "approval_doc_no", "release_doc_no", "release_version", "participants", "rated",
                  "allowed_targets", "updated_at"]

    def get_allowed_targets(self, cycle) -> list[str]:
        return services.allowed_targets(cycle.status)


class ParticipantSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")

    class Meta:
        model = Participant
        fields = ["id", "uscc", "enterprise", "group", "participating", "t_reason", "record_status"]


class CycleTransitionSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=CycleStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    doc_no = serializers.CharField(required=False, allow_blank=True, default="", help_text="审定或发布文号")


class ResultSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="participant.enterprise.uscc")
    enterprise = serializers.CharField(source="participant.enterprise.name")
    run = serializers.IntegerField(source="run.number")

    class Meta:
        model = ScoreResult
        fields = ["uscc", "enterprise", "group", "run", "rank", "base_score", "bonus", "penalty", "total", "tier",
                  "final_tier", "indicators", "reasons"]


class ScoreRunSerializer(serializers.Serializer):
    run = serializers.IntegerField(source="number")
    job = serializers.IntegerField(source="job_id")
    status = serializers.CharField()
    note = serializers.CharField()


class ScoreRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="说明，如“异议更正后重新测算”")


class ObjectionSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="participant.enterprise.uscc", read_only=True)
    enterprise = serializers.CharField(source="participant.enterprise.name", read_only=True)
    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all(), write_only=True)
    decision_label = serializers.CharField(read_only=True, help_text="采纳 / 部分采纳 / 不予采纳 / 待处理")

    class Meta:
        model = Objection
        fields = ["id", "cycle", "participant", "uscc", "enterprise", "stage", "field", "owner_code", "current",
                  "claimed", "reason", "evidence", "status", "decision_label", "corrected", "decision_reason",
                  "approval_ref", "decided_at", "created_at"]
        read_only_fields = ["cycle", "stage", "owner_code", "current", "status", "corrected", "decision_reason",
                            "approval_ref", "decided_at", "created_at"]
        extra_kwargs = {"evidence": {"write_only": True}, "claimed": {"coerce_to_string": True}}


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("correct", "更正"), ("reject", "不予更正")])
    value = serializers.DecimalField(max_digits=18, decimal_places=4, required=False, allow_null=True,
                                     help_text="更正后数值；不填则采用企业主张值")
    reason = serializers.CharField(help_text="处理意见")
    approval_ref = serializers.CharField(required=False, allow_blank=True, default="", max_length=60,
                                         help_text="领导小组审批文号（如有）")


class AdjustmentSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=18, help_text="统一社会信用代码")
    rule_id = serializers.CharField(max_length=40, help_text="评价方法中的规则编号，如 ENV_PENALTY")
    count = serializers.IntegerField(min_value=0, max_value=100, default=1, help_text="次数；0 表示删除")
    evidence = serializers.CharField(max_length=200, allow_blank=True, default="", help_text="依据，如处罚决定书文号")


class TierPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = TierPolicy
        fields = ["id", "tier", "consecutive_years", "lever", "value", "unit", "stacking", "description",
                  "effective_from", "effective_to", "basis_document", "active"]


def _cycles():
    return Cycle.objects.annotate(n_participants=Count("participants"),
                                  n_rated=Count("participants", filter=Q(participants__participating=True)))


@extend_schema_view(list=extend_schema(summary="亩产效益评价周期"), retrieve=extend_schema(summary="评价周期"))
class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.none()  # for the schema; get_queryset checks the user

    def get_queryset(self):
        if not perms.can_view_evaluation(self.request.user):
            raise ApiPermissionDenied("您没有权限查看评价周期")
        return _cycles().order_by("-data_year", "-id")

    @extend_schema(summary="参评名单", responses=ParticipantSerializer(many=True))
    @action(detail=True, methods=["get"])
    def participants(self, request, pk=None):
        rows = Participant.objects.filter(cycle=self.get_object()).select_related("enterprise")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ParticipantSerializer(page, many=True).data)

    @extend_schema(summary="评价结果（当前测算）", responses=ResultSerializer(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        cycle = self.get_object()
        rows = (ScoreResult.objects.filter(run_id=cycle.current_run_id).select_related("participant__enterprise", "run")
                .order_by("group", "rank", "pk"))
        for key, column in (("tier", "final_tier"), ("group", "group")):
            if request.query_params.get(key):
                rows = rows.filter(**{column: request.query_params[key]})
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ResultSerializer(page, many=True).data)

    @extend_schema(summary="发起评价测算（后台任务）", request=ScoreRequestSerializer, responses=ScoreRunSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        data = ScoreRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            run = scoring.score_start(actor=request.user, cycle=self.get_object(), note=data.validated_data["note"])
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(ScoreRunSerializer(run).data, status=202)

    @extend_schema(methods=["get"], summary="加减分事项", responses=AdjustmentSerializer(many=True))
    @extend_schema(methods=["post"], summary="录入或删除加减分事项（数据部门、经发局）", request=AdjustmentSerializer,
                   responses=AdjustmentSerializer)
    @action(detail=True, methods=["get", "post"])
    def adjustments(self, request, pk=None):
        cycle = self.get_object()
        if request.method == "GET":
            rows = (CycleAdjustment.objects.filter(cycle=cycle).select_related("participant__enterprise")
                    .order_by("rule_id", "participant_id"))
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(AdjustmentSerializer(
                [{"uscc": a.participant.enterprise.uscc, "rule_id": a.rule_id, "count": a.count,
                  "evidence": a.evidence} for a in page], many=True).data)
        data = AdjustmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = cycle.participants.filter(enterprise__uscc=data.validated_data["uscc"].strip().upper()).first()
        if participant is None:
            raise DrfValidationError({"uscc": "不在本周期参评名单中"})
        try:
            adjustment_set(actor=request.user, participant=participant, **{k: v for k, v in data.validated_data.items()
                                                                          if k != "uscc"})
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(data.validated_data, status=201)

    @extend_schema(summary="推进评价周期状态", request=CycleTransitionSerializer, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        data = CycleTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.cycle_transition(actor=request.user, cycle=self.get_object(), **data.validated_data)
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(CycleSerializer(_cycles().get(pk=pk)).data)


@extend_schema_view(list=extend_schema(summary="数据异议（企业核实异议与公示期异议）"),
                    retrieve=extend_schema(summary="数据异议"),
                    create=extend_schema(summary="企业提出异议（multipart，附证明材料）"))
class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """Enterprises see and file their own; departments see those on the fields they own."""

    serializer_class = ObjectionSerializer

    def get_queryset(self):
        user = self.request.user
        rows = objections.objections_visible_to(user).select_related("cycle").order_by("-created_at", "-id")
        if self.request.query_params.get("status") in ObjectionStatus.values:
            rows = rows.filter(status=self.request.query_params["status"])
        if self.request.query_params.get("cycle", "").isdigit():
            rows = rows.filter(cycle_id=self.request.query_params["cycle"])
        return rows

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = objections.objection_file(
                actor=self.request.user, participant=data["participant"], field=data["field"], claimed=data["claimed"],
                reason=data["reason"], evidence=data.get("evidence"))
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)

    @extend_schema(summary="负责部门处理异议（更正或不予更正）", request=DecisionSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            objection = objections.objection_decide(
                actor=request.user, objection=self.get_object(), correct=data.validated_data["decision"] == "correct",
                value=data.validated_data.get("value"), reason=data.validated_data["reason"],
                approval_ref=data.validated_data["approval_ref"])
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(ObjectionSerializer(objection).data)


@extend_schema_view(list=extend_schema(summary="差别化政策表"), retrieve=extend_schema(summary="差别化政策"))
class TierPolicyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TierPolicySerializer
    queryset = TierPolicy.objects.none()  # for the schema; get_queryset checks the user

    def get_queryset(self):
        if not perms.can_view_evaluation(self.request.user):
            raise ApiPermissionDenied("您没有权限查看差别化政策")
        return TierPolicy.objects.all()
