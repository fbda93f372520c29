"""创新创业大赛 API, read-only for integrators (the science and technology bureau's systems, the zone's data
platform): the editions with their rules, and the registrations (the organising department and leaders read all, a firm its own). Scoped as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from . import permissions as perms
from .models import AwardLevel, Edition, Registration, Stage, Track


class TrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["name", "quota"]


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["name", "level", "starts_on", "advance"]


class AwardLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardLevel
        fields = ["name", "rank", "count"]


class EditionSerializer(serializers.ModelSerializer):
    tracks = TrackSerializer(many=True, read_only=True)
    stages = StageSerializer(many=True, read_only=True)
    award_levels = AwardLevelSerializer(many=True, read_only=True)

    class Meta:
        model = Edition
        fields = ["code", "name", "year", "organiser", "status", "registration_closes_on", "revenue_cap",
                  "startup_since", "needs_certificate", "award_limit", "startup_quota", "growth_quota", "tracks",
                  "stages", "award_levels"]


@extend_schema_view(list=extend_schema(summary="创新创业大赛届次"), retrieve=extend_schema(summary="大赛届次详情（规则）"))
class EditionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EditionSerializer
    queryset = Edition.objects.none()  # for the schema; get_queryset scopes every request
    lookup_field = "code"

    def get_queryset(self):
        return perms.editions_visible_to(self.request.user).prefetch_related(
            "tracks", "stages", "award_levels").order_by("-year", "name", "pk")


class RegistrationSerializer(serializers.ModelSerializer):
    edition = serializers.CharField(source="edition.code")
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")
    track = serializers.CharField(source="track.name", default="", help_text="报名时选择的行业赛道")

    class Meta:
        model = Registration
        fields = ["id", "edition", "uscc", "enterprise", "group", "track", "project", "status", "basis", "invited_at",
                  "answered_at"]


@extend_schema_view(list=extend_schema(summary="参赛报名（科技局、领导看全部，企业只看本企业）"),
                    retrieve=extend_schema(summary="参赛报名详情"))
class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RegistrationSerializer
    queryset = Registration.objects.none()

    def get_queryset(self):
        rows = perms.registrations_visible_to(self.request.user).select_related("edition", "enterprise", "track")
        edition = self.request.query_params.get("edition")
        if edition:
            rows = rows.filter(edition__code=edition)
        return rows.order_by("edition_id", "enterprise__name", "pk")
