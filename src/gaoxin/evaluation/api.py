"""Evaluation API: cycles, participant lists and results; the cycle's one state-changing verb
(`POST .../<id>/transition/` with `{"name": ...}`), scoring runs, objections (enterprises file, owning
departments decide), bonus / penalty events and the tier-policy table. Every input is checked by the
page's own form and written by the same service as the page."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from gaoxin.core.api import raise_api_error, raise_form_errors

from . import objections, scoring, services
from . import permissions as perms
from .adjustments import adjustment_set, recordable_rules
from .forms import AdjustmentForm, CycleCreateForm, CycleTransitionForm, ObjectionDecideForm, ObjectionForm, ScoreForm
from .models import (
    Cycle,
    CycleAdjustment,
    Objection,
    ObjectionStatus,
    Participant,
    ScoreResult,
    TierPolicy,
)
from .workflow import WORKFLOW


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="操作名，用于 transition 接口")
    label = serializers.CharField(help_text="操作的中文名称")
    target = serializers.CharField(help_text="操作后的状态")


class CycleSerializer(serializers.ModelSerializer):
    participants = serializers.IntegerField(source="n_participants", read_only=True)
    rated = serializers.IntegerField(source="n_rated", read_only=True)
    transitions = serializers.SerializerMethodField(help_text="当前用户现在可以执行的操作")

    class Meta:
        model = Cycle
        fields = ["id", "data_year", "name", "method_name", "method_hash", "status", "trial", "notice_length",
                  "notice_unit", "approval_doc_no", "release_doc_no", "release_version", "participants", "rated",
                  "transitions", "updated_at"]

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_transitions(self, cycle) -> list[dict]:
        request = self.context.get("request")
        user = request.user if request is not None else None
        return [{"name": t.name, "label": t.label, "target": t.target}
                for t in WORKFLOW.available(cycle, user)] if user is not None else []


class CycleCreateSerializer(serializers.Serializer):
    """The request of opening a cycle (documentation only: checked by the page's own form)."""

    data_year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="数据年度，如 2025")
    name = serializers.CharField(max_length=100, help_text="周期名称")
    method_name = serializers.CharField(required=False, help_text="评价方法（默认 shandong_default）")
    trial = serializers.BooleanField(required=False, default=False, help_text="试评价（仅供参考，不执行差别化政策）")


class ParticipantSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")

    class Meta:
        model = Participant
        fields = ["id", "uscc", "enterprise", "group", "participating", "t_reason", "record_status"]


class CycleTransitionSerializer(serializers.Serializer):
    """The request of a transition (documentation only: checked by the page's own form)."""

    name = serializers.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions],
                                   help_text="操作名（见周期的 transitions）")
    reason = serializers.CharField(required=False, allow_blank=True, help_text="原因（发布后更正必填）")
    doc_no = serializers.CharField(required=False, allow_blank=True, help_text="审定或发布文号（审定、正式发布必填）")


class ScoreResultSerializer(serializers.ModelSerializer):
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
    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all(), write_only=True,
                                                     help_text="本企业在评价周期中的参评记录编号")
    decision_label = serializers.CharField(read_only=True, help_text="采纳 / 部分采纳 / 不予采纳 / 待处理")

    class Meta:
        model = Objection
        fields = ["id", "cycle", "participant", "uscc", "enterprise", "stage", "field", "owner_code", "current",
                  "claimed", "reason", "evidence", "status", "decision_label", "corrected", "decision_reason",
                  "approval_ref", "decided_at", "created_at"]
        read_only_fields = ["cycle", "stage", "owner_code", "current", "status", "corrected", "decision_reason",
                            "approval_ref", "decided_at", "created_at"]
        extra_kwargs = {"evidence": {"write_only": True}, "claimed": {"coerce_to_string": True}}


class ObjectionDecisionSerializer(serializers.Serializer):
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


@extend_schema_view(list=extend_schema(summary="亩产效益评价周期"), retrieve=extend_schema(summary="评价周期"),
                    create=extend_schema(summary="新建评价周期", request=CycleCreateSerializer))
class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.none()  # for the schema; get_queryset checks the user

    def get_queryset(self):
        if not perms.can_view_evaluation(self.request.user):
            raise ApiPermissionDenied("您没有权限查看评价周期")
        return _cycles().filter(pk__in=perms.cycles_visible_to(self.request.user)).order_by("-data_year", "-id")

    def _answer(self, cycle_pk: int, code: int = 200) -> Response:
        return Response(CycleSerializer(_cycles().get(pk=cycle_pk), context=self.get_serializer_context()).data,
                        status=code)

    def create(self, request, *args, **kwargs):
        if not perms.can_run_evaluation(request.user):
            raise ApiPermissionDenied("只有管委会管理员或经发局人员可以新建评价周期")
        form = CycleCreateForm(data=request.data)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            cycle = services.cycle_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return self._answer(cycle.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="参评名单", responses=ParticipantSerializer(many=True))
    @action(detail=True, methods=["get"])
    def participants(self, request, pk=None):
        rows = Participant.objects.filter(cycle=self.get_object()).select_related("enterprise")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ParticipantSerializer(page, many=True).data)

    @extend_schema(summary="评价结果（当前测算）", responses=ScoreResultSerializer(many=True), parameters=[
        OpenApiParameter("tier", str, enum=["A", "B", "C", "D", "T"], description="最终等级"),
        OpenApiParameter("group", str, enum=["ABOVE", "BELOW"], description="规上 / 规下")])
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        cycle = self.get_object()
        if not perms.can_view_results(request.user, cycle):
            raise ApiPermissionDenied("评价结果公示前仅经发局可查看；公示后请查看结果公示")
        rows = (ScoreResult.objects.filter(run_id=cycle.current_run_id).select_related("participant__enterprise", "run")
                .order_by("group", "rank", "pk"))
        for key, column in (("tier", "final_tier"), ("group", "group")):
            if request.query_params.get(key):
                rows = rows.filter(**{column: request.query_params[key]})
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ScoreResultSerializer(page, many=True).data)

    @extend_schema(summary="发起评价测算（后台任务）", request=ScoreRequestSerializer, responses=ScoreRunSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        form = ScoreForm(data=request.data)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            run = scoring.score_start(actor=request.user, cycle=self.get_object(), note=form.cleaned_data["note"])
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
        if not perms.can_record_adjustments(request.user):
            raise ApiPermissionDenied("只有经发局和加减分规则的依据部门（如生态环境、应急管理、自然资源）可以录入加减分事项")
        form = AdjustmentForm(data=request.data, cycle=cycle, rules=recordable_rules(cycle, request.user))
        if not form.is_valid():
            raise_form_errors(form)
        d = form.cleaned_data
        try:
            adjustment_set(actor=request.user, participant=d["uscc"], rule_id=d["rule_id"], count=d["count"],
                           evidence=d["evidence"])
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response({"uscc": d["uscc"].enterprise.uscc, "rule_id": d["rule_id"], "count": d["count"],
                         "evidence": d["evidence"].strip()}, status=201)

    @extend_schema(summary="评价周期的操作（确认参评名单、开始数据采集……正式发布、发布后更正）",
                   request=CycleTransitionSerializer, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        cycle = self.get_object()
        form = CycleTransitionForm(data=request.data)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            services.cycle_transition(cycle=cycle, name=form.cleaned_data["name"], actor=request.user,
                                      reason=form.cleaned_data["reason"], **form.params())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return self._answer(cycle.pk)


@extend_schema_view(list=extend_schema(summary="数据异议（企业核实异议与公示期异议）", parameters=[
    OpenApiParameter("status", str, enum=list(ObjectionStatus.values), description="异议状态"),
    OpenApiParameter("cycle", int, description="评价周期编号")]),
                    retrieve=extend_schema(summary="数据异议"),
                    create=extend_schema(summary="企业提出异议（multipart，附证明材料）"))
class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """Enterprises see and file their own; departments see those on the fields they own."""

    serializer_class = ObjectionSerializer

    def get_queryset(self):
        user = self.request.user
        rows = perms.objections_visible_to(user).select_related("cycle").order_by("-created_at", "-id")
        if self.request.query_params.get("status") in ObjectionStatus.values:
            rows = rows.filter(status=self.request.query_params["status"])
        if self.request.query_params.get("cycle", "").isdigit():
            rows = rows.filter(cycle_id=self.request.query_params["cycle"])
        return rows

    def create(self, request, *args, **kwargs):
        form = ObjectionForm(data=request.data, files=request.FILES, participants=Participant.objects.all())
        if not form.is_valid():
            raise_form_errors(form)
        d = form.cleaned_data
        try:
            objection = objections.objection_file(actor=request.user, participant=d["participant"], field=d["field"],
                                                  claimed=d["claimed"], reason=d["reason"], evidence=d["evidence"])
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="负责部门处理异议（更正或不予更正）", request=ObjectionDecisionSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        objection = self.get_object()
        form = ObjectionDecideForm(data=request.data, field=objection.field)
        if not form.is_valid():
            raise_form_errors(form)
        d = form.cleaned_data
        try:
            objection = objections.objection_decide(actor=request.user, objection=objection, correct=form.correct(),
                                                    value=d["value"], reason=d["reason"],
                                                    approval_ref=d["approval_ref"])
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
