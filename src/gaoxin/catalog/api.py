"""Read-only catalogue API. Guides are public, so is their API (no log-in needed)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from . import selectors
from .models import Bundle, ItemVersion, Material, ServiceItem, ServiceZone, Situation


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
