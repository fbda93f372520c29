"""Talent API: job demands (post, read, withdraw) and their hires (record, confirm, check, leave), for the
province's employment platforms and the firms' HR systems. Input is checked by the pages' own forms; a hire's ID
number is masked outside the talent office, as on the pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gaoxin.core.api import raise_api_error, raise_form_errors

from . import permissions as perms
from . import selectors, services
from .forms import ActForm, DemandForm, HireForm, RegistryFilterForm, TalentForm
from .models import (
    Education,
    Hire,
    JobDemand,
    Recognition,
    RecognitionRound,
    SkillGrade,
    SkillLevel,
    Talent,
    Urgency,
)
from .workflow import DEMAND_WORKFLOW, HIRE_WORKFLOW


class HireSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField(help_text="身份证号码（人社部门以外脱敏显示）")
    demand = serializers.CharField(source="demand.number")

    class Meta:
        model = Hire
        fields = ["id", "demand", "name", "id_number", "hired_on", "status", "confirmed_on", "short_check_due",
                  "long_check_due", "left_on"]

    def get_id_number(self, hire) -> str:
        return hire.id_number if self.context.get("full_ids") else hire.masked_id_number


class DemandSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")

    class Meta:
        model = JobDemand
        fields = ["number", "enterprise", "enterprise_name", "post", "quantity", "filled", "skill_level", "pay_min",
                  "pay_max", "urgency", "location", "description", "status", "source", "created_at"]


class DemandCreateSerializer(serializers.Serializer):
    """The request of posting a demand (documentation only: checked by the page's own form)."""

    uscc = serializers.CharField(help_text="企业统一社会信用代码（企业用户只能为本企业发布）")
    post = serializers.CharField(max_length=60)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    skill_level = serializers.ChoiceField(choices=SkillLevel.choices)
    pay_min = serializers.IntegerField(min_value=0, max_value=1_000_000)
    pay_max = serializers.IntegerField(min_value=0, max_value=1_000_000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default="normal")
    location = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)


class HireCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    hired_on = serializers.DateField()


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="操作：WITHDRAW（需求）；CONFIRM、REJECT、RETAIN、LEAVE（到岗）")
    reason = serializers.CharField(required=False, allow_blank=True, help_text="说明（撤回、否认到岗时必填）")
    left_on = serializers.DateField(required=False, help_text="离职日期（LEAVE）")


def _transition_form(request, workflow):
    form = ActForm(data=request.data)
    if not form.is_valid():
        raise_form_errors(form)
    name = request.data.get("name", "")
    if name not in workflow:
        raise_api_error(ValidationError({"name": "未知操作"}))
    return name, form.cleaned_data


@extend_schema_view(list=extend_schema(summary="用工需求"), retrieve=extend_schema(summary="用工需求详情"),
                    create=extend_schema(summary="发布用工需求", request=DemandCreateSerializer))
class DemandViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = DemandSerializer
    queryset = JobDemand.objects.none()  # for the schema; get_queryset scopes every request
    lookup_field = "number"

    def get_queryset(self):
        if not perms.can_view_talent(self.request.user):
            raise PermissionDenied("您无权查看用工需求")
        return selectors.demand_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        form = DemandForm(data=request.data, firms=perms.firms_for_demand(request.user))
        if not form.is_valid():
            raise_form_errors(form)
        try:
            demand = services.demand_create(actor=request.user, **form.service_kwargs())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(DemandSerializer(demand).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="撤回用工需求", request=TransitionSerializer, responses=DemandSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        demand = self.get_object()
        name, data = _transition_form(request, DEMAND_WORKFLOW)
        try:
            demand = services.demand_transition(demand=demand, name=name, actor=request.user, reason=data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(DemandSerializer(demand).data)

    @extend_schema(summary="登记到岗", request=HireCreateSerializer, responses={201: HireSerializer})
    @action(detail=True, methods=["post"])
    def hires(self, request, number=None):
        demand = self.get_object()
        if not perms.can_record_hire(request.user, demand):
            raise_api_error(PermissionDenied("您无权登记到岗"))
        form = HireForm(data=request.data, demand=demand)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            hire = services.hire_record(actor=request.user, demand=demand, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(HireSerializer(hire, context={"full_ids": perms.can_view_id_numbers(request.user)}).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="到岗记录"), retrieve=extend_schema(summary="到岗记录详情"))
class HireViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HireSerializer
    queryset = Hire.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return perms.hires_visible_to(self.request.user).select_related("demand").order_by("-hired_on", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "full_ids": perms.can_view_id_numbers(self.request.user)}

    @extend_schema(summary="到岗确认与回访（确认、否认、在岗、离职）", request=TransitionSerializer, responses=HireSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        hire = self.get_object()
        name, data = _transition_form(request, HIRE_WORKFLOW)
        try:
            hire = services.hire_transition(hire=hire, name=name, actor=request.user, reason=data["reason"],
                                            left_on=data["left_on"])
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(HireSerializer(hire, context=self.get_serializer_context()).data)


# --- talent registry and recognition rounds ----------------------------------------------------------------------


class RecognitionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="title.name")
    tier = serializers.CharField(source="tier.code", help_text="层次代码（A、B、C……，见全区人才层次表）")

    class Meta:
        model = Recognition
        fields = ["id", "title", "tier", "basis", "recognised_on", "valid_to", "status"]


class TalentSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField(help_text="身份证号码（人才办以外脱敏显示）")
    employer = serializers.CharField(source="employer.uscc", allow_null=True, default=None,
                                     help_text="工作单位统一社会信用代码")
    employer_name = serializers.CharField(source="employer.name", allow_null=True, default=None)
    recognitions = serializers.SerializerMethodField()

    class Meta:
        model = Talent
        fields = ["id", "name", "id_number", "education", "professional_title", "skill_grade", "employer",
                  "employer_name", "work_location", "insurance_location", "recognitions"]

    def get_id_number(self, talent) -> str:
        own = talent.user_id is not None and talent.user_id == self.context.get("talent_user_id")
        return talent.id_number if self.context.get("full_ids") or own else talent.masked_id_number

    @extend_schema_field(RecognitionSerializer(many=True))
    def get_recognitions(self, talent):
        return RecognitionSerializer(getattr(talent, "valid_recognitions", []), many=True).data


class TalentCreateSerializer(serializers.Serializer):
    """The request of registering a talent (documentation only: checked by the page's own form)."""

    id_number = serializers.CharField(max_length=18, help_text="居民身份证号码（校验码、出生日期均校验）")
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    education = serializers.ChoiceField(choices=Education.choices)
    professional_title = serializers.CharField(max_length=40, required=False, allow_blank=True)
    skill_grade = serializers.ChoiceField(choices=SkillGrade.choices, required=False, allow_blank=True)
    uscc = serializers.CharField(max_length=30, required=False, allow_blank=True, help_text="工作单位统一社会信用代码")
    work_location = serializers.CharField(max_length=60, required=False, allow_blank=True)
    insurance_location = serializers.CharField(max_length=60, required=False, allow_blank=True)
    residence = serializers.CharField(max_length=60, required=False, allow_blank=True)


@extend_schema_view(list=extend_schema(summary="人才库（人才办看全部；企业只看本企业的人才，身份证号码脱敏）",
                                       parameters=[OpenApiParameter("q", str, description="姓名或工作单位"),
                                                   OpenApiParameter("tier", int, description="层次编号"),
                                                   OpenApiParameter("title", int, description="称号编号"),
                                                   OpenApiParameter("employer", str,
                                                                    description="工作单位统一社会信用代码")]),
                    retrieve=extend_schema(summary="人才详情"),
                    create=extend_schema(summary="登记人才（人才办）", request=TalentCreateSerializer))
class TalentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = TalentSerializer
    queryset = Talent.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        if not (perms.can_view_registry(self.request.user) or perms.is_talent(self.request.user)):
            raise PermissionDenied("您无权查看人才库")
        filters = RegistryFilterForm(self.request.query_params)  # the registry page's own filters
        if self.action == "list" and not filters.is_valid():
            raise_form_errors(filters)
        d = filters.cleaned_data if filters.is_valid() else {}
        return selectors.talent_list(user=self.request.user, q=d.get("q", ""), tier=d.get("tier"),
                                     title=d.get("title"), employer=d.get("employer", "")).order_by("name", "pk")

    def get_serializer_context(self):
        user = self.request.user
        return {**super().get_serializer_context(), "full_ids": perms.can_view_talent_id_numbers(user),
                "talent_user_id": user.pk if perms.is_talent(user) else None}

    def create(self, request, *args, **kwargs):
        form = TalentForm(data=request.data)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            talent = services.talent_create(actor=request.user, **form.service_kwargs())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        talent.valid_recognitions = []
        return Response(TalentSerializer(talent, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class RoundSerializer(serializers.ModelSerializer):
    talent_title = serializers.CharField(source="talent_title.name")
    tiers = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = RecognitionRound
        fields = ["id", "title", "talent_title", "tiers", "opens_on", "closes_on", "quota", "pass_score",
                  "score_method", "status", "notice_start", "notice_end", "recognised_on"]


@extend_schema_view(list=extend_schema(summary="人才认定批次"), retrieve=extend_schema(summary="人才认定批次详情"))
class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoundSerializer
    queryset = RecognitionRound.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return (perms.rounds_visible_to(self.request.user).select_related("talent_title").prefetch_related("tiers")
                .order_by("-opens_on", "-id"))
