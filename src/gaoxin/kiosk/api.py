"""JSON API of the hall's queue (issue 23 item 10): what the calling screen shows, for a WeChat page, a display or
another hall system — per service zone the tickets waiting today, and the latest calls. Public like the screen:
no ticket names a person."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from gaoxin.catalog.models import ServiceZone

from . import queue


class ZoneQueueSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="专区编码")
    name = serializers.CharField(help_text="专区名称")
    waiting = serializers.IntegerField(help_text="今日等候中的号码数")


class CallSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="号码，如 A001")
    zone = serializers.CharField(help_text="专区名称")
    window = serializers.CharField(help_text="请到的窗口")
    called_at = serializers.DateTimeField(help_text="叫号时间")


class QueueStatusSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="日期（今日）")
    zones = ZoneQueueSerializer(many=True)
    calls = CallSerializer(many=True, help_text="今日最近的叫号，最新在前（最多 8 个；含已办理完成和过号的号码，不含闭厅作废的）")


@extend_schema(summary="大厅排队情况（今日各专区等候人数与最近叫号）", responses=QueueStatusSerializer)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def queue_status(request):
    day = timezone.localdate()
    waiting = queue.waiting_counts(day)
    zones = [{"code": z.code, "name": z.name, "waiting": waiting.get(z.pk, 0)}
             for z in ServiceZone.objects.order_by("sort_order", "pk")]
    calls = [{"number": t.number, "zone": t.zone.name, "window": f"{t.window.number}号窗口（{t.window.name}）",
              "called_at": t.called_at} for t in queue.calling_board(day)]
    return Response(QueueStatusSerializer({"day": day, "zones": zones, "calls": calls}).data)
