"""Reads of the catalogue. Guides are public; management lists are for administrators."""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from gaoxin.accounts.models import OrgKind, OrgUnit

from . import search
from .models import (
    Bundle,
    ItemStatus,
    ItemVersion,
    Material,
    SearchSynonym,
    ServiceItem,
    ServiceZone,
    Situation,
    Theme,
)

# Ranks of a search hit, best first (search_rank on the queryset). In pinyin, a whole word
# (sb = 社保) goes before a part of one (sb in 申报 of qymczzsb), and the item's own words
# before a theme's, as in Chinese.
RANK_EXACT, RANK_NAME, RANK_KEYWORD, RANK_THEME, RANK_PINYIN_WORD, RANK_PINYIN, RANK_THEME_PINYIN = range(7)


def synonym_list() -> QuerySet[SearchSynonym]:
    return SearchSynonym.objects.order_by("word")


def guide_search_terms(q: str) -> list[search.Term]:
    """The query's words, expanded by the zone's synonym list (one query)."""
    if not (q or "").strip():
        return []
    synonyms = [(s.word, s.meaning_list()) for s in SearchSynonym.objects.only("word", "meanings")]
    return search.parse_query(q, synonyms)


def _any(conditions) -> Q:
    return reduce(or_, conditions)


def _with_themes(theme_ids: set[int]) -> Q:
    return Q(pk__in=ServiceItem.themes.through.objects.filter(theme_id__in=theme_ids).values("serviceitem_id"))


def _search(qs: QuerySet[ServiceItem], q: str, terms: list[search.Term]) -> QuerySet[ServiceItem]:
    """Every word must be found somewhere; an item ranks by the weakest place its words are
    found in: the exact name (or code), the name, the keywords, a theme's name, the pinyin of
    a whole name or keyword, a part of such pinyin or of the code, the pinyin of a theme's name. One query for the themes,
    whatever the catalogue's size."""
    themes = list(Theme.objects.values_list("pk", "name"))
    in_name, to_keyword, to_theme, to_pinyin_word, to_pinyin, anywhere = [], [], [], [], [], []
    for term in terms:
        name = _any(Q(name__icontains=a) for a in term.alternatives)
        keyword = name | _any(Q(keywords__icontains=a) for a in term.alternatives)
        named, by_pinyin = search.theme_matches(term, themes)
        theme = keyword | _with_themes(named) if named else keyword
        pinyin_word = _any([theme, *(Q(search_text__contains=f" {a} ") for a in term.latin)])
        pinyin = _any([theme, *(Q(search_text__contains=a) for a in term.latin)])
        in_name.append(name)
        to_keyword.append(keyword)
        to_theme.append(theme)
        to_pinyin_word.append(pinyin_word)
        to_pinyin.append(pinyin)
        anywhere.append(pinyin | _with_themes(by_pinyin) if by_pinyin else pinyin)
    whole = " ".join(q.split())
    exact = Q(name__iexact=whole) | Q(implementation_code__iexact=whole)
    if len(terms) == 1:
        exact |= _any(Q(name__iexact=a) for a in terms[0].alternatives)
    return qs.filter(reduce(and_, anywhere)).annotate(search_rank=Case(
        When(exact, then=Value(RANK_EXACT)),
        When(reduce(and_, in_name), then=Value(RANK_NAME)),
        When(reduce(and_, to_keyword), then=Value(RANK_KEYWORD)),
        When(reduce(and_, to_theme), then=Value(RANK_THEME)),
        When(reduce(and_, to_pinyin_word), then=Value(RANK_PINYIN_WORD)),
        When(reduce(and_, to_pinyin), then=Value(RANK_PINYIN)),
        default=Value(RANK_THEME_PINYIN), output_field=IntegerField(),
    ))


def public_items(*, q: str = "", department: str = "", zone: str = "", theme: str = "",
                 terms: list[search.Term] | None = None) -> QuerySet[ServiceItem]:
    """Published items; with a query, only the matching ones, best match first. `terms` are the
    query's words already expanded (guide_search_terms), to spare the page a second look-up."""
    qs = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, current_version__isnull=False).select_related(
        "department", "zone", "current_version")
    if terms is None:
        terms = guide_search_terms(q)
    order = ["zone__sort_order", "implementation_code"]
    if terms:
        qs = _search(qs, q, terms)
        order.insert(0, "search_rank")
    if department:
        qs = qs.filter(department__code=department)
    if zone:
        qs = qs.filter(zone__code=zone)
    if theme:
        qs = qs.filter(themes__code=theme)
    return qs.order_by(*order)


def search_help() -> dict:
    """What an empty search offers: words that do find items, and the centre's phone."""
    centre = (OrgUnit.objects.filter(kind=OrgKind.CENTRE, is_active=True).exclude(phone="")
              .order_by("sort_order", "pk").values("name", "phone").first())
    return {"suggestions": list(SearchSynonym.objects.order_by("pk").values_list("word", flat=True)[:8]),
            "centre": centre}


def public_item_get(code: str) -> ServiceItem:
    """The item with its current version, situations and materials (404 handled by caller)."""
    return (
        ServiceItem.objects.select_related("department", "zone", "current_version")
        .prefetch_related("themes", "windows", "bundles")
        .get(implementation_code=code, status__in=[ItemStatus.PUBLISHED, ItemStatus.SUSPENDED],
             current_version__isnull=False)
    )


def version_materials(version: ItemVersion) -> tuple[list[Situation], list[Material]]:
    situations = list(version.situations.all())
    materials = list(version.materials.prefetch_related("situations"))
    return situations, materials


def materials_for_situation(materials: list[Material], situation_id: int | None) -> list[Material]:
    """Materials with no situation apply to every situation."""
    if not situation_id:
        return materials
    return [m for m in materials if not m.situations.all() or any(s.pk == situation_id for s in m.situations.all())]


def browse_counts() -> dict:
    published = Q(items__status=ItemStatus.PUBLISHED)
    return {
        "zones": ServiceZone.objects.annotate(n=Count("items", filter=published)),
        "departments": OrgUnit.objects.filter(service_items__status=ItemStatus.PUBLISHED)
        .annotate(n=Count("service_items")).order_by("sort_order", "name"),
        "themes": Theme.objects.annotate(n=Count("items", filter=published)).filter(n__gt=0),
        "bundles": Bundle.objects.filter(is_published=True).select_related("zone", "lead_department"),
    }


def managed_items(*, q: str = "", status: str = "") -> QuerySet[ServiceItem]:
    qs = ServiceItem.objects.select_related("department", "zone", "current_version").annotate(
        drafts=Count("versions", filter=Q(versions__status="draft")))
    if q:
        qs = qs.filter(search_text__contains=q.lower())
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("zone__sort_order", "implementation_code")


def bundle_get(code: str) -> Bundle:
    return (
        Bundle.objects.select_related("zone", "lead_department")
        .prefetch_related(Prefetch("items", queryset=ServiceItem.objects.select_related("department", "current_version")
                                   .order_by("bundleitem__sort_order")))
        .get(code=code, is_published=True)
    )
