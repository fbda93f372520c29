"""人才服务保障 API, read-only for integrators (the zone's housing or talent-service systems): the apartments' units
and the leases. Scoped as the pages: the talent office and leaders see all, a talent its own lease, anyone else
nothing. No ID number leaves through it."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from . import permissions as perms
from .models import ApartmentUnit, Lease


class UnitSerializer(serializers.ModelSerializer):
    building = serializers.CharField(source="building.name")
    address = serializers.CharField(source="building.address")

    class Meta:
        model = ApartmentUnit
        fields = ["id", "building", "number", "address", "rooms", "area", "rent", "status"]


class LeaseSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.__str__")
    talent = serializers.CharField(source="talent.name", help_text="人才姓名")

    class Meta:
        model = Lease
        fields = ["id", "unit", "unit_name", "talent", "start_on", "end_on", "monthly_rent", "tier_code",
                  "subsidy_share", "subsidised_rent", "deposit", "renewals", "status", "moved_out_on"]


@extend_schema_view(list=extend_schema(summary="人才公寓房源"), retrieve=extend_schema(summary="人才公寓房源详情"))
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UnitSerializer
    queryset = ApartmentUnit.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return perms.units_visible_to(self.request.user).select_related("building").order_by(
            "building__name", "number", "pk")


@extend_schema_view(list=extend_schema(summary="人才公寓租约"), retrieve=extend_schema(summary="人才公寓租约详情"))
class LeaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = LeaseSerializer
    queryset = Lease.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return perms.leases_visible_to(self.request.user).select_related("talent", "unit__building").order_by(
            "-start_on", "-pk")
