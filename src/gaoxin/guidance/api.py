"""云导办 API: the bookable slots (logged-in users), the sessions a user may see (a firm its own bookings, a department
its items', the centre all), and the public FAQ with the guide search's words, synonyms and pinyin initials."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import selectors
from .models import FaqEntry, GuidanceSession


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    label = serializers.CharField(help_text="时段，如 09:00–09:30")
    left = serializers.IntegerField(help_text="剩余可约名额（已过的时段为 0）")
    past = serializers.BooleanField()


class SlotDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    open = serializers.IntegerField(help_text="当天仍可预约的时段数")
    slots = SlotSerializer(many=True)


@extend_schema_view(list=extend_schema(summary="可预约的导办时段（工作日）", responses=SlotDaySerializer(many=True)))
class SlotViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response(SlotDaySerializer(selectors.availability(), many=True).data)


class SessionSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.implementation_code")
    item_name = serializers.CharField(source="item.name")
    case = serializers.CharField(source="case.number", default=None, allow_null=True)
    enterprise = serializers.CharField(source="enterprise.name", default=None, allow_null=True)
    status_label = serializers.CharField(source="get_status_display")
    outcome_label = serializers.CharField(source="get_outcome_display")
    started_case = serializers.CharField(source="started_case.number", default=None, allow_null=True)

    class Meta:
        model = GuidanceSession
        fields = ["number", "item", "item_name", "case", "enterprise", "starts_at", "ends_at", "question", "status",
                  "status_label", "meeting_url", "outcome", "outcome_label", "outcome_note", "started_case"]


@extend_schema_view(
    list=extend_schema(summary="导办预约（本人/本企业的预约；导办人员为本人可办理的）", parameters=[
        OpenApiParameter("when", str, enum=list(selectors.WHEN), description="today 今天, upcoming 即将开始（默认）, "
                                                                             "past 已过去, all 全部")]),
    retrieve=extend_schema(summary="导办预约详情"))
class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SessionSerializer
    lookup_field = "number"
    queryset = GuidanceSession.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        when = self.request.query_params.get("when", "upcoming")
        if self.action == "retrieve" or when not in selectors.WHEN:
            when = "all"
        qs = selectors.session_list(user=self.request.user, when=when)
        return qs if when == "past" else qs.order_by("starts_at", "pk")


class FaqSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.implementation_code")
    item_name = serializers.CharField(source="item.name")

    class Meta:
        model = FaqEntry
        fields = ["id", "item", "item_name", "question", "answer", "updated_at"]


@extend_schema_view(
    list=extend_schema(summary="常见问题（公开，可按中文、拼音或首字母搜索）", parameters=[
        OpenApiParameter("q", str, description="搜索词，如 营业执照、yyzz"),
        OpenApiParameter("item", str, description="事项实施编码")]),
    retrieve=extend_schema(summary="常见问题详情"))
class FaqViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = FaqSerializer
    queryset = FaqEntry.objects.none()  # for the schema

    def get_queryset(self):
        params = self.request.query_params
        return selectors.public_faqs(q=(params.get("q") or "")[:50], item=params.get("item") or "")


