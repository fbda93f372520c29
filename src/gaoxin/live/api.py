"""云直播 API: the public schedule and replays with their chapters (each linked to its item's guide and its policy),
and the questions a caller may see with their outcomes (an enterprise its own and its firms', hosts those of their
sessions, leaders all). Questions are asked and moderated on the pages."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from . import permissions as perms
from . import selectors
from .models import ANSWERED, Chapter, LiveSession, Question


class ChapterSerializer(serializers.ModelSerializer):
    offset = serializers.CharField(source="offset_label", help_text="开始位置，如 12:30")
    item = serializers.CharField(source="item.implementation_code", default=None, allow_null=True,
                                 help_text="关联事项的实施编码")
    item_name = serializers.CharField(source="item.name", default=None, allow_null=True)
    guide_url = serializers.SerializerMethodField()
    policy = serializers.CharField(source="policy.code", default=None, allow_null=True, help_text="关联政策编号")
    policy_title = serializers.CharField(source="policy.title", default=None, allow_null=True)

    class Meta:
        model = Chapter
        fields = ["offset_seconds", "offset", "title", "item", "item_name", "guide_url", "policy", "policy_title"]

    def get_guide_url(self, obj) -> str | None:
        return reverse("guide_detail", args=[obj.item.implementation_code]) if obj.item_id else None


class LiveSessionSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    status_label = serializers.CharField(help_text="公众看到的状态；直播中超过计划结束时间未结束的为“已超出计划时间”")
    overrun = serializers.BooleanField(help_text="直播中且已超过计划结束时间（GAOXIN_LIVE_OVERRUN_MINUTES），不再接受提问")
    started_at = serializers.DateTimeField(help_text="实际开播时间（开始直播时记录）", allow_null=True)
    ended_at = serializers.DateTimeField(help_text="实际结束时间（结束直播时记录）", allow_null=True)
    chapters = ChapterSerializer(many=True)
    questions = serializers.IntegerField(source="n_questions", help_text="收到的提问数")
    answered = serializers.IntegerField(source="n_answered", help_text="已解答（直播中或书面）的提问数")
    url = serializers.SerializerMethodField()

    class Meta:
        model = LiveSession
        fields = ["id", "title", "series", "channel", "department", "speaker", "summary", "starts_at", "ends_at",
                  "started_at", "ended_at", "status", "status_label", "overrun", "stream_url", "replay_url",
                  "chapters", "questions", "answered", "url"]

    def get_url(self, obj) -> str:
        return reverse("live_session", args=[obj.pk])


@extend_schema_view(
    list=extend_schema(summary="云直播：直播预告与回放（公开，含章节）", parameters=[
        OpenApiParameter("tab", str, enum=list(selectors.TABS),
                         description="upcoming 预告与直播中（默认，先开始的在前）；replay 已发布回放的直播（新的在前）")]),
    retrieve=extend_schema(summary="一场直播（含章节）"))
class LiveSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = LiveSessionSerializer
    queryset = LiveSession.objects.none()  # for the schema; get_queryset answers every request

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.public_sessions(tab="all")
        tab = self.request.query_params.get("tab", "upcoming")
        return selectors.public_sessions(tab=tab if tab in selectors.TABS else "upcoming")


class QuestionSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="session_id")
    session_title = serializers.CharField(source="session.title")
    enterprise = serializers.CharField(source="enterprise.name", default=None, allow_null=True)
    status_label = serializers.CharField(source="get_status_display")
    phase_label = serializers.CharField(source="get_phase_display")
    answered_chapter = serializers.CharField(source="answered_chapter.title", default=None, allow_null=True)
    answered_offset = serializers.CharField(source="offset_label", help_text="直播中解答的位置，如 12:30")
    appeal = serializers.CharField(source="appeal.number", default=None, allow_null=True,
                                   help_text="提问人同意后转为的企业诉求编号")
    answered = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = ["id", "session", "session_title", "enterprise", "text", "phase", "phase_label", "asked_at",
                  "status", "status_label", "answered", "answer", "answered_chapter", "answered_offset",
                  "consent_at", "appeal"]

    def get_answered(self, obj) -> bool:
        return obj.status in ANSWERED


@extend_schema_view(
    list=extend_schema(summary="直播提问及处理结果（企业为本人和本企业的提问；主办单位为本单位直播的提问）", parameters=[
        OpenApiParameter("status", str, description="处理结果：pending 待解答、answered_live 直播中已解答、"
                                                    "answered_written 已书面答复、unanswered 未解答、escalated 已转为诉求、"
                                                    "declined 未解答（提问人不转诉求）、withdrawn 提问人已撤回")]),
    retrieve=extend_schema(summary="一条直播提问及其处理结果"))
class QuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = QuestionSerializer
    queryset = Question.objects.none()  # for the schema

    def get_queryset(self):
        qs = perms.questions_visible_to(self.request.user).select_related(
            "session", "enterprise", "answered_chapter", "appeal").order_by("-asked_at", "-pk")
        status = self.request.query_params.get("status", "")
        if self.action == "list" and status:
            qs = qs.filter(status=status)
        return qs
