"""产业链 API, read-only for integrators (the investment-promotion bureau's systems, the zone's data platform): the
chains with their nodes, gaps and confirmed member firms, and the investment targets with their contact history.
Scoped as the pages: staff see every chain's firms and targets (contact phones masked), a firm user the public chain
information and its own memberships only, never a target."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from . import permissions as perms
from .models import LOCAL_ROLES, Chain, ChainNode, InvestmentTarget, Membership, MembershipStatus, TargetContact


class MemberSerializer(serializers.ModelSerializer):
    node = serializers.IntegerField(source="node_id")
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")

    class Meta:
        model = Membership
        fields = ["node", "uscc", "enterprise", "role"]


class NodeSerializer(serializers.ModelSerializer):
    industries = serializers.SerializerMethodField()
    gap = serializers.SerializerMethodField(help_text="本区尚无链主或配套企业（补链方向）")

    class Meta:
        model = ChainNode
        fields = ["id", "segment", "name", "industries", "industry_codes", "keywords", "gap"]

    def get_industries(self, node) -> list[str]:
        return [i.code for i in node.industries.all()]

    def get_gap(self, node) -> bool:
        return node.pk not in self.context.get("local", set())


class ChainSerializer(serializers.ModelSerializer):
    chief = serializers.SerializerMethodField(help_text="链长姓名")
    nodes = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField(help_text="已确认的链上企业（企业用户只看到本企业）")

    class Meta:
        model = Chain
        fields = ["code", "name", "description", "chief", "nodes", "members"]

    def get_chief(self, chain) -> str:
        return chain.chief.get_full_name() if chain.chief_id else ""

    @extend_schema_field(NodeSerializer(many=True))
    def get_nodes(self, chain) -> list[dict]:
        local = {m.node_id for m in chain.local_members}
        return NodeSerializer(chain.nodes.all(), many=True, context={**self.context, "local": local}).data

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, chain) -> list[dict]:
        return MemberSerializer(chain.visible_members, many=True).data


@extend_schema_view(list=extend_schema(summary="产业链"), retrieve=extend_schema(summary="产业链详情"))
class ChainViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ChainSerializer
    queryset = Chain.objects.none()  # for the schema; get_queryset scopes every request
    lookup_field = "code"

    def get_queryset(self):
        user = self.request.user
        members = (perms.memberships_visible_to(user).filter(status=MembershipStatus.CONFIRMED)
                   .select_related("enterprise").order_by("node_id", "enterprise__name", "pk"))
        return perms.chains_visible_to(user).select_related("chief").prefetch_related(
            Prefetch("nodes", queryset=ChainNode.objects.prefetch_related("industries")),
            Prefetch("memberships", queryset=members, to_attr="visible_members"),
            # Gaps are public: from every confirmed local firm, not only the ones the user may read.
            Prefetch("memberships", to_attr="local_members", queryset=Membership.objects.filter(
                status=MembershipStatus.CONFIRMED, role__in=LOCAL_ROLES).only("pk", "chain_id", "node_id")),
        ).order_by("name", "pk")


class ContactSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.get_full_name")

    class Meta:
        model = TargetContact
        fields = ["contacted_on", "channel", "note", "by"]


class TargetSerializer(serializers.ModelSerializer):
    chain = serializers.CharField(source="chain.code")
    node = serializers.CharField(source="node.name")
    contact_phone = serializers.CharField(source="masked_phone", help_text="联系电话（脱敏）")
    project = serializers.CharField(source="project.name", default="", help_text="落地的审批链项目")
    contacts = ContactSerializer(many=True)

    class Meta:
        model = InvestmentTarget
        fields = ["id", "chain", "node", "name", "uscc", "region", "contact_name", "contact_phone", "status",
                  "drop_reason", "project", "updated_at", "contacts"]


@extend_schema_view(list=extend_schema(summary="招商目标"), retrieve=extend_schema(summary="招商目标详情"))
class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Staff only (an empty list for anyone else); `?chain=<code>` and `?status=` narrow the list."""

    serializer_class = TargetSerializer
    queryset = InvestmentTarget.objects.none()

    def get_queryset(self):
        qs = perms.targets_visible_to(self.request.user)
        params = self.request.query_params
        if params.get("chain"):
            qs = qs.filter(chain__code=params["chain"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return (qs.select_related("chain", "node", "project")
                .prefetch_related(Prefetch("contacts", queryset=TargetContact.objects.select_related("by")))
                .order_by("chain__name", "-updated_at", "-pk"))
