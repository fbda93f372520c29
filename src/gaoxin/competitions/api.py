"""创新创业大赛 API, read-only for integrators (the science and technology bureau's systems, the zone's data
platform): the editions with their rules, and the registrations (the organising department and leaders read all, a firm its own). Scoped as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from . import permissions as perms
from .models import Award, AwardLevel, Edition, FollowUp, Registration, RoundResult, Stage, Track


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


class RoundResultSerializer(serializers.ModelSerializer):
    edition = serializers.CharField(source="round.edition.code")
    round = serializers.CharField(source="round.name")
    round_status = serializers.CharField(source="round.status", help_text="notice 公示中；final 结果已确定")
    notice_end = serializers.DateField(source="round.notice_end")
    uscc = serializers.CharField(source="registration.enterprise.uscc")
    enterprise = serializers.CharField(source="registration.enterprise.name")
    track = serializers.CharField(source="registration.track.name", default="")

    class Meta:
        model = RoundResult
        fields = ["id", "edition", "round", "round_status", "notice_end", "uscc", "enterprise", "track", "rank",
                  "score", "raw_mean", "excluded"]


@extend_schema_view(list=extend_schema(summary="区内评审结果（公示中或已确定，大赛各方可查看）"),
                    retrieve=extend_schema(summary="区内评审结果详情"))
class RoundResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoundResultSerializer
    queryset = RoundResult.objects.none()

    def get_queryset(self):
        rounds = perms.published_rounds_visible_to(self.request.user)
        rows = RoundResult.objects.filter(round__in=rounds).select_related(
            "round__edition", "registration__enterprise", "registration__track")
        edition = self.request.query_params.get("edition")
        if edition:
            rows = rows.filter(round__edition__code=edition)
        return rows.order_by("round_id", "excluded", "rank", "pk")


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["months", "due_on", "recorded_on", "investor_contacts", "investors", "financing"]


class AwardSerializer(serializers.ModelSerializer):
    edition = serializers.CharField(source="registration.edition.code")
    uscc = serializers.CharField(source="registration.enterprise.uscc")
    enterprise = serializers.CharField(source="registration.enterprise.name")
    track = serializers.CharField(source="registration.track.name", default="")
    level = serializers.CharField(source="level.name")
    stage = serializers.CharField(source="stage.name", default="")
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Award
        fields = ["id", "edition", "uscc", "enterprise", "track", "level", "stage", "awarded_on", "follow_ups"]


@extend_schema_view(list=extend_schema(summary="大赛获奖及获奖后跟踪（科技局、领导看全部，企业只看本企业）"),
                    retrieve=extend_schema(summary="大赛获奖详情"))
class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AwardSerializer
    queryset = Award.objects.none()

    def get_queryset(self):
        rows = perms.awards_visible_to(self.request.user).select_related(
            "registration__edition", "registration__enterprise", "registration__track", "level", "stage"
        ).prefetch_related("follow_ups")
        edition = self.request.query_params.get("edition")
        if edition:
            rows = rows.filter(registration__edition__code=edition)
        return rows.order_by("registration__edition_id", "level__rank", "pk")
