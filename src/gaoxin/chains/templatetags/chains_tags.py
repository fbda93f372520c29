"""The chains room's card on an appeal's page (the appeals room knows nothing of chains: appeals sit below them):
the chains the appeal is a problem of, as far as the reader sees chain members, and for a chain's chief, task force or
the administrator the form to tag it with one of their chains."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("chains/_appeal_chains.html", takes_context=True)
def appeal_chains(context, appeal):
    from ..forms import AppealChainForm
    from ..permissions import can_view_chain_members, managed_chains

    user = context["request"].user
    if not can_view_chain_members(user):
        return {"show": False}
    tags = list(appeal.chain_tags.select_related("chain").order_by("chain__name"))
    tagged = {t.chain_id for t in tags}
    choices = managed_chains(user).exclude(pk__in=tagged).order_by("name")
    return {"show": True, "appeal": appeal, "tags": tags, "form": AppealChainForm(chains=choices, auto_id="id_ac_%s"),
            "can_tag": choices.exists()}
