"""Evaluation cycles API: read cycles and their participant lists; move a cycle along §12.2."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from gaoxin.accounts import permissions as perms
from gaoxin.core.api import raise_api_error

from . import services
from .models import Cycle, CycleStatus, Participant


class CycleSerializer(serializers.ModelSerializer):
    participants = serializers.IntegerField(source="n_participants", read_only=True)
    rated = serializers.IntegerField(source="n_rated", read_only=True)
    allowed_targets = serializers.SerializerMethodField()

    class Meta:
        model = Cycle
        fields = ["id", "data_year", "name", "method_name", "method_hash", "status", "trial", "notice_length",
                  "notice_unit", "approval_doc_no", "release_doc_no", "release_version", "participants", "rated",
                  "allowed_targets", "updated_at"]

    def get_allowed_targets(self, cycle) -> list[str]:
        return services.allowed_targets(cycle.status)


class ParticipantSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")

    class Meta:
        model = Participant
        fields = ["id", "uscc", "enterprise", "group", "participating", "t_reason", "record_status"]


class TransitionSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=CycleStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    doc_no = serializers.CharField(required=False, allow_blank=True, default="", help_text="审定或发布文号")


def _cycles():
    return Cycle.objects.annotate(n_participants=Count("participants"),
                                  n_rated=Count("participants", filter=Q(participants__participating=True)))


@extend_schema_view(list=extend_schema(summary="亩产效益评价周期"), retrieve=extend_schema(summary="评价周期"))
class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CycleSerializer

    def get_queryset(self):
        if not perms.can_view_evaluation(self.request.user):
            raise ApiPermissionDenied("您没有权限查看评价周期")
        return _cycles().order_by("-data_year", "-id")

    @extend_schema(summary="参评名单", responses=ParticipantSerializer(many=True))
    @action(detail=True, methods=["get"])
    def participants(self, request, pk=None):
        rows = Participant.objects.filter(cycle=self.get_object()).select_related("enterprise")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ParticipantSerializer(page, many=True).data)

    @extend_schema(summary="推进评价周期状态", request=TransitionSerializer, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.cycle_transition(actor=request.user, cycle=self.get_object(), **data.validated_data)
        except (ValidationError, PermissionDenied) as exc:
            raise_api_error(exc)
        return Response(CycleSerializer(_cycles().get(pk=pk)).data)
