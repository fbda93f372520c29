"""Case API: submit a case, read its status and timeline, apply a transition."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from gaoxin.catalog.models import CaseType, Channel
from gaoxin.core.api import ChoiceLabel, FieldsBuiltOnce, raise_api_error, raise_form_errors
from gaoxin.core.statements import Statement, attach_prefetched

from . import permissions as perms
from . import selectors, services
from .forms import CaseFilterForm, CaseSubmitForm, TransitionChoiceForm, transition_form
from .models import DELIVER_METHODS, Case, CaseEvent, Decision, Status
from .workflow import WORKFLOW


class CaseEventSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["transition", "from_status", "to_status", "actor_repr", "note", "at"]


class CaseSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    item = serializers.CharField(source="item.implementation_code", default=None, allow_null=True)
    title = serializers.CharField()
    version = serializers.IntegerField(source="version.number", default=None, allow_null=True)
    department = serializers.CharField(source="department.name")
    status_display = ChoiceLabel(source="get_status_display")
    applicant_id_number = serializers.CharField(source="masked_id")

    class Meta:
        model = Case
        fields = ["number", "kind", "item", "title", "version", "department", "channel", "status", "status_display",
                  "applicant_type", "applicant_name", "applicant_id_number", "received_on", "accepted_on", "due_date",
                  "due_provisional", "tolerance", "tolerance_due", "decided_on", "delivered_on"]


class CaseDecisionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    outcome_display = ChoiceLabel(source="get_outcome_display")
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
    timeline = CaseEventSerializer(source="events", many=True)
    decision = CaseDecisionSerializer(default=None, allow_null=True)
    delivery_method_display = ChoiceLabel(source="get_delivery_method_display")

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + ["decision", "delivery_method", "delivery_method_display",
                                               "postal_recipient", "postal_address", "tracking_number", "timeline"]


# The columns the answers read (`.only()`): the case row and its relations have some 140 columns, long texts among
# them, and building, planning and reading them all was much of a read's cost (issue 17). A column the serializers
# read and this list lacks costs a query per row: the API's query budgets (tests/test_api_reads.py) catch it.
LIST_COLUMNS = (
    "number", "kind", "channel", "status", "applicant_type", "applicant_name", "applicant_id_number", "received_on",
    "accepted_on", "due_date", "due_provisional", "tolerance", "tolerance_due", "decided_on", "delivered_on",
    "item", "item__implementation_code", "version", "version__number", "version__name", "bundle", "bundle__name",
    "department", "department__name",
)
DETAIL_COLUMNS = (
    *LIST_COLUMNS, "delivery_method", "postal_recipient", "postal_address", "tracking_number",
    "decision__outcome", "decision__notice_number", "decision__licence_number", "decision__opinion",
    "decision__legal_basis", "decision__reasons", "decision__decided_on", "decision__result_file",
    "decision__department", "decision__department__name",
)
TIMELINE = Prefetch("events", queryset=CaseEvent.objects.only(
    "case", "transition", "from_status", "to_status", "actor_repr", "note", "at"))
DETAIL_RELATIONS = ("item", "version", "bundle", "department", "decision", "decision__department")
# The detail API's reads, compiled once per process (core.statements): one case by its number in the user's scope
# (`perms.case_scope`), and its timeline.
CASE_DETAIL = Statement(lambda kind, number, **scope: perms.scope_cases(kind, **scope).filter(number=number)
                        .select_related(*DETAIL_RELATIONS).only(*DETAIL_COLUMNS).order_by())
CASE_TIMELINE = Statement(lambda variant, case: TIMELINE.queryset.filter(case_id=case))


class CaseSubmitSerializer(serializers.Serializer):
    """The request of filing a case (documentation only: checked by `forms.CaseSubmitForm`); materials'
    files as `material_<id>` in a multipart request."""

    item = serializers.CharField(help_text="事项实施编码")
    channel = serializers.ChoiceField(choices=Channel.choices, default="web")
    enterprise_uscc = serializers.CharField(required=False, allow_blank=True)
    applicant_name = serializers.CharField(required=False, allow_blank=True, help_text="个人申请人姓名")
    applicant_id_number = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    situation = serializers.IntegerField(required=False, help_text="办理情形 id（事项有多个情形时按情形收取材料）")


class CaseTransitionSerializer(serializers.Serializer):
    """The request of a transition (documentation only: checked by the form the case page uses for the step,
    `forms.transition_form`). Fields beyond name and reason belong to one transition."""

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
    postal_phone = serializers.CharField(required=False, allow_blank=True, help_text="收件人电话（邮寄送达必填）")
    postal_address = serializers.CharField(required=False, allow_blank=True, help_text="邮寄地址（邮寄送达必填）")
    tracking_number = serializers.CharField(required=False, allow_blank=True, help_text="快递单号（邮寄送达必填）")
    owed = serializers.ListField(child=serializers.IntegerField(), required=False,
                                 help_text="容缺（后补）材料的 id（ACCEPT_TOLERANCE）")
    supply_days = serializers.IntegerField(required=False, help_text="容缺材料补齐期限，工作日（ACCEPT_TOLERANCE）")
    commitment = serializers.BooleanField(required=False, help_text="申请人已签署容缺受理承诺书（ACCEPT_TOLERANCE）")


@extend_schema_view(
    list=extend_schema(summary="我可见的办件", parameters=[
        OpenApiParameter("q", str, description="办件编号、统一社会信用代码、申请人或事项名称"),
        OpenApiParameter("status", str, enum=list(Status.values), description="办件状态（未知值不筛选）")]),
    retrieve=extend_schema(summary="办件状态与办理过程"),
    create=extend_schema(summary="提交办件", request=CaseSubmitSerializer, responses={201: CaseDetailSerializer}),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    lookup_field = "number"

    def get_queryset(self):
        params = self.request.query_params
        if self.action == "list" or "q" in params or "status" in params:
            filters = CaseFilterForm(params).filters()
            qs = selectors.case_list(user=self.request.user, q=filters["q"], status=filters["status"])
        else:
            # One case by its number: the user's scope is all it needs (a list's search form, open-first order and
            # its annotation cost a tenth of the request and change nothing here).
            qs = perms.cases_visible_to(self.request.user)
        # Only the relations the serializers read: each further join costs PostgreSQL planning time on every
        # request (issue 17: planning, not executing, was most of a read's database time). The timeline is the
        # detail's alone.
        qs = qs.select_related(None).select_related("item", "version", "bundle", "department")
        if self.action == "list":
            return qs.only(*LIST_COLUMNS)
        # One case by its unique number: two more joins plan in well under a millisecond, two queries cost more.
        return qs.select_related(*DETAIL_RELATIONS).only(*DETAIL_COLUMNS).prefetch_related(TIMELINE)

    def get_object(self):
        params = self.request.query_params
        if self.action != "retrieve" or "q" in params or "status" in params:
            return super().get_object()
        # The same case as `get_queryset` gives, read by statements compiled once (a third of the request was the
        # ORM compiling the same SQL again; issue 17). tests/test_api_reads.py compares both reads.
        kind, scope = perms.case_scope(self.request.user)
        found = CASE_DETAIL.fetch(kind, number=self.kwargs[self.lookup_field], **scope)
        if not found:
            raise Http404
        case = found[0]
        attach_prefetched(case, "events", CASE_TIMELINE.fetch(case=case.pk))
        self.check_object_permissions(self.request, case)
        return case

    def get_serializer_class(self):
        return {"retrieve": CaseDetailSerializer, "create": CaseSubmitSerializer, "transition": CaseTransitionSerializer}.get(
            self.action, CaseSerializer)

    def create(self, request, *args, **kwargs):
        user = request.user
        if not (perms.can_apply_online(user) or perms.can_register_case(user)):
            raise ApiPermissionDenied("您无权提交办件")
        form = CaseSubmitForm(request.data, request.FILES, firms=perms.firms_for_application(user))
        if not form.is_valid():
            raise_form_errors(form)
        d = form.cleaned_data
        item = d["item"]
        try:
            case = services.case_submit(item=item, applicant=form.applicant(), channel=d["channel"], actor=user,
                                        files=form.files_by_material(), note=d["note"], situation=d["situation"])
            if item.current_version.case_type == CaseType.IMMEDIATE and d["channel"] in ("web", "mobile", "kiosk"):
                case = services.case_transition(case=case, name="COMPLETE_IMMEDIATE", actor=None)
        except ValidationError as exc:
            raise_api_error(exc)
        return Response(CaseDetailSerializer(selectors.case_get(user=user, number=case.number)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="执行办理操作（受理、补正、审查、决定、送达……）", request=CaseTransitionSerializer,
                   responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        """The one verb: {"name": …, "reason": …, …}, read by the form the case page uses for that step."""
        case = self.get_object()
        choice = TransitionChoiceForm(request.data)
        if not choice.is_valid():
            raise_form_errors(choice)
        name = choice.cleaned_data["name"]
        if not WORKFLOW.roles_of(request.user, case) & WORKFLOW[name].roles:
            raise ApiPermissionDenied("您无权执行此操作")
        form = transition_form(name, case, data=request.data, files=request.FILES)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            services.case_transition(case=case, name=name, actor=request.user, **form.params())
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(CaseDetailSerializer(selectors.case_get(user=request.user, number=number)).data)
