"""Catalogue API. Guides are public, so is their read-only API (no log-in needed); the catalogue's keepers
change an item's status through the one verb `POST /api/v1/catalog/manage/items/<code>/transition/`."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from gaoxin.core.api import raise_api_error, raise_form_errors

from . import permissions as perms
from . import selectors, services
from .forms import ItemActionForm
from .models import Bundle, ItemVersion, Material, ServiceItem, ServiceZone, Situation
from .workflow import WORKFLOW


class SituationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Situation
        fields = ["id", "name", "description"]


class MaterialSerializer(serializers.ModelSerializer):
    necessity_display = serializers.CharField(source="get_necessity_display")
    situations = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    has_blank_form = serializers.SerializerMethodField()
    has_sample = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = ["id", "name", "necessity", "necessity_display", "originals", "copies", "form", "source", "spec",
                  "notes", "situations", "has_blank_form", "has_sample"]

    def get_has_blank_form(self, obj) -> bool:
        return bool(obj.blank_form)

    def get_has_sample(self, obj) -> bool:
        return bool(obj.sample_form)


class VersionSerializer(serializers.ModelSerializer):
    situations = SituationSerializer(many=True, read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)
    item_type_display = serializers.CharField(source="get_item_type_display")
    case_type_display = serializers.CharField(source="get_case_type_display")

    class Meta:
        model = ItemVersion
        exclude = ["id", "item", "content_hash", "created_by", "published_by", "status"]


class ItemListSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    zone = serializers.CharField(source="zone.name")
    version = serializers.IntegerField(source="current_version.number")
    case_type = serializers.CharField(source="current_version.case_type")
    promised_limit = serializers.IntegerField(source="current_version.promised_limit")
    keywords = serializers.ListField(source="keyword_list", child=serializers.CharField(), read_only=True,
                                     help_text="检索关键词（群众常用的叫法）")

    class Meta:
        model = ServiceItem
        fields = ["implementation_code", "name", "department", "zone", "status", "version", "case_type", "promised_limit",
                  "keywords"]


class ItemDetailSerializer(ItemListSerializer):
    guide = VersionSerializer(source="current_version")
    themes = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta(ItemListSerializer.Meta):
        fields = ItemListSerializer.Meta.fields + ["themes", "guide"]


@extend_schema_view(
    list=extend_schema(summary="事项清单（已发布）；带 q 时为办事指南搜索", description=(
        "与公开办事指南页面 /guide/ 使用同一检索：q 中每个词先按近义词表（俗称，如 社保→社会保险）扩展，"
        "再在事项名称、检索关键词、主题名称以及它们的拼音全拼和首字母（如 shebao、sb、yyzz）与实施编码中查找；"
        "多个词（空格分隔）须同时命中。结果按相关度排序：名称完全一致、名称包含、检索关键词、主题、拼音或编码。"), parameters=[
        OpenApiParameter("q", str, description="搜索词：事项名称、常用说法（俗称）、主题、拼音全拼或首字母、实施编码；"
                                               "最多 50 个字、6 个词"),
        OpenApiParameter("department", str, description="部门编码"),
        OpenApiParameter("zone", str, description="专区编码"),
        OpenApiParameter("theme", str, description="主题编码"),
    ]),
    retrieve=extend_schema(summary="办事指南（现行版本）"),
)
class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    authentication_classes = []
    lookup_field = "implementation_code"

    def get_queryset(self):
        p = self.request.query_params
        qs = selectors.public_items(q=p.get("q", ""), department=p.get("department", ""), zone=p.get("zone", ""),
                                    theme=p.get("theme", ""))
        if self.action == "retrieve":
            qs = qs.prefetch_related("themes", "current_version__situations", "current_version__materials__situations")
        return qs

    def get_serializer_class(self):
        return ItemDetailSerializer if self.action == "retrieve" else ItemListSerializer


class ZoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceZone
        fields = ["code", "name", "description"]


@extend_schema_view(list=extend_schema(summary="服务专区"))
class ZoneViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    authentication_classes = []
    queryset = ServiceZone.objects.all()
    serializer_class = ZoneSerializer
    lookup_field = "code"


class BundleSerializer(serializers.ModelSerializer):
    zone = serializers.CharField(source="zone.name")
    lead_department = serializers.CharField(source="lead_department.name")
    items = ItemListSerializer(many=True, read_only=True)
    shared_materials = serializers.ListField(source="shared_material_list", child=serializers.CharField())

    class Meta:
        model = Bundle
        fields = ["code", "name", "description", "zone", "lead_department", "promised_limit", "shared_materials", "items"]


@extend_schema_view(list=extend_schema(summary="一件事一次办"))
class BundleViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = BundleSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Bundle.objects.filter(is_published=True).select_related("zone", "lead_department").prefetch_related(
            "items__department", "items__zone", "items__current_version")


class ManagedItemSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    version = serializers.IntegerField(source="current_version.number", default=None, allow_null=True)
    status_display = serializers.CharField(source="get_status_display")
    transitions = serializers.SerializerMethodField(help_text="当前用户现在可以执行的操作（name 用于 transition 接口）")

    class Meta:
        model = ServiceItem
        fields = ["implementation_code", "name", "department", "status", "status_display", "version", "transitions"]

    def get_transitions(self, item) -> list[dict]:
        request = self.context.get("request")
        if request is None:
            return []
        return [{"name": t.name, "label": t.label} for t in WORKFLOW.available(item, request.user)]


class ItemTransitionSerializer(serializers.Serializer):
    """The request of a transition (documentation only: checked by the maintenance page's own form)."""

    name = serializers.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions],
                                   help_text="PUBLISH 发布草稿为新版本、SUSPEND 暂停、RESUME 恢复、CANCEL 取消")
    reason = serializers.CharField(required=False, allow_blank=True, help_text="原因（暂停、取消必填）")


@extend_schema_view(list=extend_schema(summary="事项清单维护（全部事项，含草稿、暂停、取消）"),
                    retrieve=extend_schema(summary="事项的状态与可执行操作"))
class ManagedItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ManagedItemSerializer
    lookup_field = "implementation_code"
    queryset = ServiceItem.objects.none()  # for the schema; get_queryset checks the user

    def get_queryset(self):
        if not perms.can_manage_catalog(self.request.user):
            raise ApiPermissionDenied("只有管委会管理员可以维护事项清单")
        return perms.managed_items_visible_to(self.request.user).select_related("department", "current_version") \
            .order_by("implementation_code")

    @extend_schema(summary="事项状态操作（发布新版本、暂停、恢复、取消）", request=ItemTransitionSerializer,
                   responses=ManagedItemSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, implementation_code=None):
        item = self.get_object()
        form = ItemActionForm(data=request.data)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            item = services.item_transition(item=item, name=form.cleaned_data["name"], actor=request.user,
                                            reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(ManagedItemSerializer(item, context=self.get_serializer_context()).data)
