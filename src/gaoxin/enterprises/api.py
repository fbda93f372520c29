"""Read-only registry API, scoped like the pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from .models import Contact, Enterprise, LandParcel, Qualification
from .selectors import enterprise_list


class LandParcelSerializer(serializers.ModelSerializer):
    area_mu = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = LandParcel
        fields = ["kind", "parcel_no", "certificate_no", "area_m2", "area_mu", "counterparty"]


class QualificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Qualification
        fields = ["kind", "kind_display", "level", "cert_no", "valid_from", "valid_to"]


class ContactSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone", read_only=True)

    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "is_primary"]


class EnterpriseSerializer(serializers.ModelSerializer):
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    industry_section = serializers.CharField(source="industry.section", read_only=True)
    park_area = serializers.CharField(source="park_area.name", read_only=True, default="")
    size_group_display = serializers.CharField(source="get_size_group_display", read_only=True)
    land_net_mu = serializers.SerializerMethodField()
    parcels = LandParcelSerializer(many=True, read_only=True)
    qualifications = QualificationSerializer(many=True, read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "uscc", "name", "legal_representative", "industry_id", "industry_code", "industry_section",
            "industry_name", "size_group", "size_group_display", "registered_on", "registered_capital", "address",
            "park_area", "status", "land_net_mu", "parcels", "qualifications", "updated_at",
        ]

    def get_land_net_mu(self, obj) -> str:
        return str(obj.land_totals()["net_mu"])


@extend_schema_view(
    list=extend_schema(
        summary="企业名录",
        parameters=[
            OpenApiParameter("q", str, description="名称、统一社会信用代码前缀或法定代表人"),
            OpenApiParameter("section", str, description="行业门类字母，如 C"),
            OpenApiParameter("industry", str, description="行业大类代码，如 39"),
            OpenApiParameter("size_group", str, enum=["ABOVE", "BELOW"]),
            OpenApiParameter("qualification", str, description="有效资质类型，如 hnte"),
        ],
    ),
    retrieve=extend_schema(summary="企业档案"),
)
class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EnterpriseSerializer

    def get_queryset(self):
        p = self.request.query_params
        return enterprise_list(
            user=self.request.user, q=p.get("q", ""), section=p.get("section", ""), industry=p.get("industry", ""),
            size_group=p.get("size_group", ""), qualification=p.get("qualification", ""),
        ).order_by("id")
