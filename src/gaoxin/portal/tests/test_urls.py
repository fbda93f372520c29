"""Walk every URL pattern. A route whose view is declared public must answer an anonymous visitor
with a real object behind it (200, never 404, never a redirect to log in); every other route
sends the visitor to log in (pages) or answers 401 (API)."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from gaoxin.accounts.tests.factories import OrgUnitFactory
from gaoxin.catalog.tests.factories import make_item
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + _segment(p), ns)
        elif isinstance(p, URLPattern):
            yield prefix + _segment(p), f"{namespace}{p.name}" if p.name else prefix + _segment(p), p.callback


def _segment(p) -> str:
    return str(p.pattern).lstrip("^").rstrip("$").replace("\\Z", "")


def _concrete(route: str) -> str:
    """A path for a route with placeholder parameters: year-like ones get 2026, others 1."""
    route = re.sub(r"\(\?P<[a-z_]+>[^)]*\)", "1", route)
    route = re.sub(r"<int:year>", "2026", route)
    route = re.sub(r"<(?:[a-z_]+:)?[a-z_]+>", "1", route)
    return "/" + route.replace("\\", "")


def declared_public(path: str, view) -> bool:
    """Whether anyone may call the view, decided the way the request is: DRF views by their
    permission classes (all AllowAny); other views under /api/ are open, because
    gaoxin.core.middleware.LoginRequiredMiddleware leaves /api/ to DRF; every other view by the
    `login_required` attribute that Django's LoginRequiredMiddleware reads (@login_not_required)."""
    cls = getattr(view, "cls", None)
    if isinstance(cls, type) and issubclass(cls, APIView):
        return all(issubclass(p, AllowAny) for p in cls.permission_classes)
    if path.startswith("/api/"):
        return True
    return getattr(view, "login_required", True) is False


# (concrete path with placeholders, route name qualified by its namespace, declared public)
ROUTES = sorted({(_concrete(route), name, declared_public("/" + route, view))
                 for route, name, view in _walk(get_resolver().url_patterns)})


# --- real objects for the public routes ---------------------------------------------------------

@pytest.fixture
def item(admin_user):
    """A published service item with situations and a required material carrying a blank form
    and a filled sample (the catalogue's own test helper)."""
    return make_item(admin_user)


@pytest.fixture
def material(item):
    return item.current_version.materials.exclude(blank_form="").get()


@pytest.fixture
def bundle(item):
    from gaoxin.catalog.models import Bundle, BundleItem

    bundle = Bundle.objects.create(code="startup-one", name="企业开办一件事", zone=item.zone,
                                   lead_department=item.department, promised_limit=3, shared_materials="营业执照")
    bundle.form.save("form.xlsx", ContentFile(b"PK\x03\x04 bundle form"), save=True)
    BundleItem.objects.create(bundle=bundle, item=item)
    return bundle


@pytest.fixture
def case(item, clerk_user, own_enterprise):
    """A case registered at the window for an enterprise: tracked by its number and the USCC."""
    from gaoxin.cases import services

    required = set(item.current_version.materials.filter(necessity="required").values_list("pk", flat=True))
    return services.case_submit(item=item, channel="window", actor=clerk_user, originals_seen=required,
                                applicant=services.Applicant(type="enterprise", name=own_enterprise.name,
                                                             enterprise=own_enterprise))


@pytest.fixture
def notice_cycle(admin_user):
    """An evaluation cycle scored and in its public-notice window (公示), walked through the
    cycle's own services with the tax bureau's figures, as the evaluation tests do."""
    from gaoxin.evaluation import services
    from gaoxin.evaluation.models import CycleStatus as S
    from gaoxin.evaluation.tests.conftest import TAXES, supply
    from gaoxin.evaluation.tests.helpers import walk

    tax_unit = OrgUnitFactory(name="国家税务总局湘潭高新区税务局", short_name="税务", code="tax")
    OrgUnitFactory(name="统计局", short_name="统计", code="statistics")
    firms = [EnterpriseFactory() for _ in TAXES]
    for firm in firms:
        LandParcelFactory(enterprise=firm)
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="2025年度亩产效益综合评价")
    services.participants_populate(actor=admin_user, cycle=cycle)
    cycle = walk(cycle, admin_user, S.SCOPE_CONFIRMED, S.COLLECTING)
    supply(cycle, admin_user, tax_unit, firms)
    cycle = walk(cycle, admin_user, S.DEPT_REVIEW, S.ENTERPRISE_CONFIRM, S.SCORED, S.APPROVED_FOR_NOTICE,
                 S.PUBLIC_NOTICE)
    assert cycle.status == S.PUBLIC_NOTICE
    return cycle


@pytest.fixture
def award_on_notice(own_enterprise, admin_user, department):
    """A policy award on public notice (兑现公示)."""
    from gaoxin.benefits.models import AppStatus, BenefitApplication
    from gaoxin.benefits.tests.test_flow import make_policy

    policy = make_policy(department)
    return BenefitApplication.objects.create(number="ZC1", enterprise=own_enterprise, policy=policy, policy_version=1,
                                             status=AppStatus.PUBLICITY, amount_approved=12.5, created_by=admin_user,
                                             notice_end=dt.date.today() + dt.timedelta(days=7))


@pytest.fixture
def match_event(db):
    """A matchmaking event held today: its QR check-in page is open to anyone at the door."""
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import UserFactory
    from gaoxin.catalog.tests.factories import department
    from gaoxin.talent.models import MatchEvent

    office = UserFactory(role=Role.DEPT_OFFICER, org_unit=department("hrss", "人力资源和社会保障局"))
    return MatchEvent.objects.create(title="千企百校对接会", kind="thousand", organiser=office.org_unit,
                                     held_on=dt.date.today(), place="人才市场", created_by=office)


@pytest.fixture
def recognition_round(db):
    """A talent recognition round in its public notice (公示): the notice and its print view are public."""
    from gaoxin.talent.tests.factories import round_on_notice

    return round_on_notice()


@pytest.fixture
def public_article(db):
    """A published 云资讯 news item for everyone (no targeting rule)."""
    from gaoxin.accounts.models import OrgKind, Role
    from gaoxin.accounts.tests.factories import UserFactory
    from gaoxin.news import services

    writer = UserFactory(role=Role.WINDOW_CLERK, org_unit=OrgUnitFactory(code="centre", kind=OrgKind.CENTRE))
    article = services.article_create(actor=writer, kind="news", title="智能微厅上线", body="即办业务自助办理。")
    return services.article_transition(article=article, name="PUBLISH", actor=writer)


@pytest.fixture
def public_faq(item, admin_user):
    """A published 云导办 FAQ entry on the item's current version (public, searchable)."""
    from gaoxin.guidance import services

    return services.faq_create(item=item, question="营业执照遗失怎么补领？", answer="登报声明作废后申请补领。",
                               actor=admin_user)


@pytest.fixture
def public_live(db):
    """A 云直播 session announced by the centre (the schedule and the session page are for everyone)."""
    from django.utils import timezone

    from gaoxin.accounts.models import OrgKind, Role
    from gaoxin.accounts.tests.factories import UserFactory
    from gaoxin.live import services

    unit = OrgUnitFactory(code="centre", kind=OrgKind.CENTRE)
    host = UserFactory(role=Role.WINDOW_CLERK, org_unit=unit)
    start = timezone.now() + dt.timedelta(days=2)
    return services.session_create(actor=host, title="小高说政务｜企业开办一件事", department=unit, starts_at=start,
                                   ends_at=start + dt.timedelta(hours=1), stream_url="https://live.example.cn/1")


@dataclass(frozen=True)
class Public:
    """How to call one public route anonymously: the fixtures holding its real objects, the
    concrete URL made from them, and what a correct answer is."""

    url: Callable[[SimpleNamespace], str]  # from the objects (o.<fixture name>) to the concrete URL
    needs: tuple[str, ...] = ()  # fixtures that put the objects in the database
    method: str = "get"
    data: dict | Callable[[SimpleNamespace], dict] = field(default_factory=dict)  # a dict, or made from the objects
    status: int = 200
    location: str | None = None  # for a redirect: where it must go (never to the log-in page)
    shows: Callable[[SimpleNamespace], str] | None = None  # text of the object the answer must contain


# Every route a view declares public, with a concrete URL over real objects. Adding a public
# page or API route? Add its entry here (and a fixture for the objects it shows):
# test_every_public_route_is_in_the_table fails until you do.
PUBLIC_URLS: dict[str, Public] = {
    "home": Public(lambda o: "/", shows=lambda o: "办事指南"),
    "public_notices": Public(lambda o: reverse("public_notices"), needs=("award_on_notice",),
                             shows=lambda o: o.award_on_notice.policy.title),
    "policy_publicity": Public(lambda o: reverse("policy_publicity", args=[o.award_on_notice.policy.code]),
                               needs=("award_on_notice",), shows=lambda o: o.award_on_notice.enterprise.name),
    "login": Public(lambda o: reverse("login"), shows=lambda o: "用户登录"),
    "register": Public(lambda o: reverse("register"), shows=lambda o: "注册"),
    "admin:login": Public(lambda o: reverse("admin:login")),
    # POST-only language switch: Django's set_language answers with a redirect to `next`.
    "set_language": Public(lambda o: reverse("set_language"), method="post",
                           data={"language": "zh-hans", "next": "/guide/"}, status=302, location="/guide/"),
    "healthz": Public(lambda o: reverse("healthz"), shows=lambda o: "ok"),
    "talent_checkin": Public(lambda o: reverse("talent_checkin", args=[o.match_event.checkin_token]),
                             needs=("match_event",), shows=lambda o: "千企百校对接会"),
    "talent_round_notice": Public(lambda o: reverse("talent_round_notice", args=[o.recognition_round.pk]),
                                  needs=("recognition_round",), shows=lambda o: "430302********"),
    "talent_round_notice_print": Public(lambda o: reverse("talent_round_notice_print",
                                                          args=[o.recognition_round.pk]),
                                        needs=("recognition_round",), shows=lambda o: "逾期不再受理"),
    # No worker beats in the test database: not ready, and it says why.
    "readyz": Public(lambda o: reverse("readyz"), status=503, shows=lambda o: "no heartbeat"),
    # POST: the ID number never goes into a URL (issue 15); a link may prefill the case number only.
    "track": Public(lambda o: reverse("track"), method="post", needs=("case", "own_enterprise"),
                    data=lambda o: {"number": o.case.number, "identity": o.own_enterprise.uscc},
                    shows=lambda o: o.case.title),
    "evaluation_notice": Public(lambda o: reverse("evaluation_notice", args=[o.notice_cycle.pk]),
                                needs=("notice_cycle",), shows=lambda o: "公示期"),
    "evaluation_notice_print": Public(lambda o: reverse("evaluation_notice_print", args=[o.notice_cycle.pk]),
                                      needs=("notice_cycle",), shows=lambda o: "予以公示"),
    "guide_index": Public(lambda o: f"{reverse('guide_index')}?q={o.item.implementation_code}", needs=("item",),
                          shows=lambda o: o.item.name),
    "guide_zone_qr_sheet": Public(lambda o: reverse("guide_zone_qr_sheet", args=[o.item.zone.code]), needs=("item",),
                                  shows=lambda o: o.item.name),
    "guide_bundle": Public(lambda o: reverse("guide_bundle", args=[o.bundle.code]), needs=("bundle",),
                           shows=lambda o: o.bundle.name),
    "guide_bundle_form": Public(lambda o: reverse("guide_bundle_form", args=[o.bundle.code]), needs=("bundle",)),
    "guide_detail": Public(lambda o: reverse("guide_detail", args=[o.item.implementation_code]), needs=("item",),
                           shows=lambda o: o.item.name),
    "guide_poster": Public(lambda o: reverse("guide_poster", args=[o.item.implementation_code]), needs=("item",),
                           shows=lambda o: o.item.name),
    # A PDF where WeasyPrint is installed, the print-ready page where it is not: 200 either way.
    "guide_poster_pdf": Public(lambda o: reverse("guide_poster_pdf", args=[o.item.implementation_code]),
                               needs=("item",)),
    "guide_qr": Public(lambda o: reverse("guide_qr", args=[o.item.implementation_code, "png"]), needs=("item",)),
    "guide_download": Public(lambda o: reverse("guide_download", args=[
        o.material.version.item.implementation_code, o.material.pk, "blank"]), needs=("material",)),
    "api_queue_status": Public(lambda o: reverse("api_queue_status"), shows=lambda o: "zones"),
    "catalog-item-list": Public(lambda o: reverse("catalog-item-list"), needs=("item",),
                                shows=lambda o: o.item.implementation_code),
    "catalog-item-detail": Public(lambda o: reverse("catalog-item-detail", args=[o.item.implementation_code]),
                                  needs=("item",), shows=lambda o: o.item.name),
    "catalog-zone-list": Public(lambda o: reverse("catalog-zone-list"), needs=("item",),
                                shows=lambda o: o.item.zone.name),
    "catalog-zone-detail": Public(lambda o: reverse("catalog-zone-detail", args=[o.item.zone.code]), needs=("item",),
                                  shows=lambda o: o.item.zone.name),
    "catalog-bundle-list": Public(lambda o: reverse("catalog-bundle-list"), needs=("bundle",),
                                  shows=lambda o: o.bundle.name),
    "catalog-bundle-detail": Public(lambda o: reverse("catalog-bundle-detail", args=[o.bundle.code]),
                                    needs=("bundle",), shows=lambda o: o.bundle.name),
    # 智能微厅: open to the terminal, not to an account; a browser that is not a registered terminal is sent to
    # the terminal set-up page (the kiosk's own tests walk terminals, visits and receipts).
    "kiosk_activate": Public(lambda o: reverse("kiosk_activate"), shows=lambda o: "终端密钥"),
    "kiosk_logout": Public(lambda o: reverse("kiosk_logout"), method="post", status=302, location="/kiosk/"),
    **{name: Public(lambda o, name=name, args=args: reverse(name, args=args), status=302, location="/kiosk/activate/")
       for name, args in (("kiosk_home", []), ("kiosk_items", []), ("kiosk_item", ["43037105GG0002"]),
                          ("kiosk_assist", ["43037105GG0002"]), ("kiosk_station_call", ["43037105GG0002"]),
                          ("kiosk_done", ["GX2026010100001"]),
                          ("kiosk_receipt", ["GX2026010100001"]), ("kiosk_notice", ["GX2026010100001"]),
                          ("kiosk_order_done", ["BD2026010100001"]), ("kiosk_handoff_wait", []), ("kiosk_guest", []),
                          ("kiosk_ticket_take", []), ("kiosk_ticket", [1]))},
    "kiosk_handoff": Public(lambda o: reverse("kiosk_handoff"), method="post", status=302,
                            location="/kiosk/activate/"),
    "queue_screen": Public(lambda o: reverse("queue_screen"), shows=lambda o: "叫号"),
    # 云资讯: published articles without a targeting rule are for everyone (a targeted one asks for a log-in).
    "news_index": Public(lambda o: reverse("news_index"), needs=("public_article",),
                         shows=lambda o: o.public_article.title),
    **{name: Public(lambda o, name=name: reverse(name, args=[o.public_article.pk]), needs=("public_article",),
                    shows=lambda o: o.public_article.title)
       for name in ("news_detail", "news_poster", "news-article-detail")},
    "news_poster_pdf": Public(lambda o: reverse("news_poster_pdf", args=[o.public_article.pk]),
                              needs=("public_article",)),
    "news-article-list": Public(lambda o: reverse("news-article-list"), needs=("public_article",),
                                shows=lambda o: o.public_article.title),
    # 云导办's public entry: what it is, when, how to book (booking itself needs a log-in).
    "guidance_about": Public(lambda o: reverse("guidance_about"), shows=lambda o: "登录后预约"),
    # 云导办 FAQ: published entries are for everyone (booking a session needs a log-in).
    "guidance_faq": Public(lambda o: f"{reverse('guidance_faq')}?q=yyzz", needs=("public_faq",),
                           shows=lambda o: o.public_faq.question),
    "guidance-faq-list": Public(lambda o: reverse("guidance-faq-list"), needs=("public_faq",),
                                shows=lambda o: o.public_faq.question),
    "guidance-faq-detail": Public(lambda o: reverse("guidance-faq-detail", args=[o.public_faq.pk]),
                                  needs=("public_faq",), shows=lambda o: o.public_faq.question),
    # 云直播: the schedule, the replays and a session's page are for everyone; a visitor may ask with a name and a
    # phone (GAOXIN_LIVE_ANONYMOUS_QUESTIONS), a question's details need a log-in.
    **{name: Public(lambda o, name=name: reverse(name), needs=("public_live",), shows=lambda o: o.public_live.title)
       for name in ("live_index", "live-session-list")},
    **{name: Public(lambda o, name=name: reverse(name, args=[o.public_live.pk]), needs=("public_live",),
                    shows=lambda o: o.public_live.title)
       for name in ("live_session", "live-session-detail")},
    "live_ask": Public(lambda o: reverse("live_ask", args=[o.public_live.pk]), needs=("public_live",), method="post",
                       data={"text": "个体户怎么转为公司？", "contact_name": "刘女士", "contact_phone": "13907321234"},
                       status=302),  # back to the session page (the live tests check the question is kept)
}


def test_every_public_route_is_in_the_table():
    declared = {name for _, name, public in ROUTES if public}
    assert sorted(declared - PUBLIC_URLS.keys()) == [], "public routes without a concrete URL in PUBLIC_URLS"
    assert sorted(PUBLIC_URLS.keys() - declared) == [], "PUBLIC_URLS entries whose route is not (or no longer) public"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC_URLS))
def test_public_route_answers_anonymously(client, request, name):
    entry = PUBLIC_URLS[name]
    objects = SimpleNamespace(**{n: request.getfixturevalue(n) for n in entry.needs})
    url = entry.url(objects)
    assert resolve(urlsplit(url).path).view_name == name, url  # the entry calls its own route
    response = getattr(client, entry.method)(url, entry.data(objects) if callable(entry.data) else entry.data)
    assert response.status_code == entry.status, (url, response.status_code, response.get("Location"))
    if entry.location is not None:
        assert response["Location"] == entry.location, url
    if entry.shows is not None:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert entry.shows(objects) in body.decode(), url


@pytest.mark.django_db
@pytest.mark.parametrize("path,name", sorted((p, n) for p, n, public in ROUTES if not public))
def test_anonymous_is_refused_everywhere_else(client, path, name):
    response = client.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401, path
    else:
        assert response.status_code == 302, path
        assert "login" in response["Location"], path


def test_walk_found_the_routes():
    paths = {p for p, _, _ in ROUTES}
    assert {"/enterprises/", "/enterprises/1/", "/api/v1/enterprises/", "/calendar/2026/"} <= paths


@pytest.mark.django_db
def test_home_cards_per_role(clerk_client, enterprise_client, own_enterprise):
    clerk = clerk_client.get("/").content.decode()
    assert "期限计算" in clerk and "受理队列" in clerk and 'charset="utf-8"' in clerk
    ent = enterprise_client.get("/").content.decode()
    assert own_enterprise.name in ent and "期限计算" not in ent


@pytest.mark.django_db
def test_large_text_mode_is_remembered(clerk_client):
    clerk_client.cookies["gx_large_text"] = "1"
    assert 'class="large-text"' in clerk_client.get("/").content.decode()


@pytest.mark.django_db
def test_english_is_available(clerk_client):
    clerk_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in clerk_client.get("/").content.decode()


@pytest.mark.django_db
def test_english_navigation_is_translated(clerk_client):
    clerk_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = clerk_client.get("/").content.decode()
    assert "Enterprises" in html and "Log out" in html


@pytest.mark.django_db
def test_chinese_even_for_an_english_browser(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in html and "用户登录" in html
