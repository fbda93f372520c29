"""The pages and the API: the public list shows only untargeted published articles, an enterprise's list adds the
notices delivered to its firms (never another firm's), opening one records the firm's receipt, staff see the counts
and the unread firms; lists answer in a constant number of queries."""

import pytest
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.news import services
from gaoxin.news.models import Article, Delivery

from .conftest import RULE, make_article

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def public(writer):
    return make_article(writer, kind="news", title="智能微厅上线：即办业务自助办理", publish=True)


@pytest.fixture
def draft(writer):
    return make_article(writer, kind="explainer", title="研发费用加计扣除政策解读（草稿）")


def test_the_public_list_shows_only_untargeted_published_articles(client, public, targeted, draft):
    page = client.get("/news/").content.decode()
    assert public.title in page and targeted.title not in page and draft.title not in page
    assert client.get(reverse("news_detail", args=[public.pk])).status_code == 200
    for pk in (targeted.pk, draft.pk, 987654):  # log in first, whether or not it exists
        response = client.get(reverse("news_detail", args=[pk]))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_search_and_empty_states(client, public):
    assert public.title in client.get("/news/?q=微厅").content.decode()
    page = client.get("/news/?q=不存在的标题").content.decode()
    assert "没有符合条件的资讯" in page
    Article.objects.all().delete()
    assert "目前还没有发布的资讯" in client.get("/news/").content.decode()


def test_a_firm_sees_its_notices_and_opening_one_records_the_receipt(client, public, targeted, members):
    reader = _client(client, members["matching"])
    page = reader.get("/news/").content.decode()
    assert targeted.title in page and public.title in page and 'data-testid="news-unread"' in page
    assert reader.get(reverse("news_detail", args=[targeted.pk])).status_code == 200
    delivery = Delivery.objects.get(article=targeted)
    assert delivery.read_by == members["matching"] and delivery.read_at is not None
    assert 'data-testid="news-unread"' not in reader.get("/news/").content.decode()


def test_another_firm_can_neither_list_nor_open_it(client, targeted, members):
    outsider = _client(client, members["small"])
    assert targeted.title not in outsider.get("/news/").content.decode()
    for name in ("news_detail", "news_poster", "news_poster_pdf"):
        assert outsider.get(reverse(name, args=[targeted.pk])).status_code == 404
    assert outsider.get(f"/api/v1/news/{targeted.pk}/").status_code == 404
    assert not Delivery.objects.filter(read_at__isnull=False).exists()


def test_staff_see_counts_and_the_unread_firms(client, writer, targeted, members, firms):
    staff = _client(client, writer)
    page = staff.get(reverse("news_detail", args=[targeted.pk])).content.decode()
    assert 'data-testid="count-delivered">1 家' in page and 'data-testid="count-read">0 家' in page
    assert "另有 1 家企业缺少条件所需的数据" in page and 'data-testid="reached-none"' not in page
    assert not Delivery.objects.filter(read_at__isnull=False).exists()  # staff reading is no receipt
    unread = staff.get(reverse("news_receipts", args=[targeted.pk])).content.decode()
    assert firms["matching"].name in unread
    services.delivery_mark_read(article=targeted, user=members["matching"])
    assert "送达的企业都已阅读" in staff.get(reverse("news_receipts", args=[targeted.pk])).content.decode()
    read = staff.get(reverse("news_receipts", args=[targeted.pk]) + "?read=read").content.decode()
    assert firms["matching"].name in read and members["matching"].full_name in read


def test_another_department_does_not_manage_it(client, hrss_writer, targeted):
    other = _client(client, hrss_writer)
    for name in ("news_receipts", "news_edit"):
        assert other.get(reverse(name, args=[targeted.pk])).status_code == 404
    assert other.post(reverse("news_act", args=[targeted.pk]), {"name": "WITHDRAW", "reason": "x"}).status_code == 404
    assert other.get(f"/api/v1/news-receipts/{targeted.pk}/").status_code == 404


def test_the_form_keeps_input_and_shows_the_rule_error_beside_it(client, writer):
    staff = _client(client, writer)
    response = staff.post(reverse("news_new"), {"kind": "notice", "title": "关于规上企业的通知", "body": "正文",
                                                "rule": "size_group = 'ABOVE'"})
    page = response.content.decode()
    assert response.status_code == 400 and "阅读对象条件有误" in page and "关于规上企业的通知" in page
    assert "invalid-feedback" in page and not Article.objects.exists()
    response = staff.post(reverse("news_new"), {"kind": "notice", "title": "关于规上企业的通知", "body": "正文",
                                                "rule": RULE})
    article = Article.objects.get()
    assert response.status_code == 302 and article.department == writer.org_unit and article.rule == RULE


def test_publishing_from_the_page(client, writer, firms, members, django_capture_on_commit_callbacks):
    staff = _client(client, writer)
    article = make_article(writer, rule=RULE)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("news_act", args=[article.pk]), {"name": "PUBLISH"})
    assert response.status_code == 302
    assert list(Delivery.objects.values_list("enterprise_id", flat=True)) == [firms["matching"].pk]
    response = staff.post(reverse("news_act", args=[article.pk]), {"name": "WITHDRAW", "reason": ""})
    assert response.status_code == 400 and "需要填写原因" in response.content.decode()


def test_an_enterprise_user_cannot_write(client, members):
    ent = _client(client, members["matching"])
    assert ent.get(reverse("news_new")).status_code == 403
    assert ent.get(reverse("news_manage")).status_code == 403


def test_the_poster_has_a_qr_code_of_the_page(client, public):
    page = client.get(reverse("news_poster", args=[public.pk])).content.decode()
    assert "<svg" in page and f"/news/{public.pk}/" in page and public.title in page
    assert client.get(reverse("news_poster_pdf", args=[public.pk])).status_code == 200


def test_lists_answer_in_constant_queries(client, writer, firms, members, django_assert_max_num_queries,
                                          django_capture_on_commit_callbacks):
    def add(n):
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(n):
                make_article(writer, title=f"通知{i}", rule=RULE if i % 2 else "", publish=True)

    def counts():
        got = {}
        for who, user, url in (("anon", None, "/news/"), ("firm", members["matching"], "/news/"),
                               ("staff", writer, "/news/manage/"),
                               ("receipts", writer, reverse("news_receipts", args=[Article.objects.filter(rule=RULE).first().pk])),
                               ("api", members["matching"], "/api/v1/news/")):
            client.logout()
            if user:
                client.force_login(user)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            got[who] = len(ctx)
        return got

    add(3)
    small = counts()
    add(20)
    assert counts() == small
    with django_assert_max_num_queries(12):
        client.logout()
        client.get("/news/")


def test_api_lists_public_articles_and_receipts_for_staff(client, writer, public, targeted, members):
    data = client.get("/api/v1/news/").json()
    titles = [a["title"] for a in data["results"]] if isinstance(data, dict) else [a["title"] for a in data]
    assert titles == [public.title]
    assert client.get(f"/api/v1/news/{public.pk}/").json()["kind_label"] == "新闻"
    assert client.get("/api/v1/news-receipts/").status_code == 401
    services.delivery_mark_read(article=targeted, user=members["matching"])
    client.force_login(writer)
    got = client.get(f"/api/v1/news-receipts/{targeted.pk}/").json()
    assert (got["delivered"], got["read"], got["unread"], got["unknown"]) == (1, 1, 0, 1)
    client.force_login(UserFactory(role=Role.ENTERPRISE))
    assert client.get(f"/api/v1/news-receipts/{targeted.pk}/").status_code == 404


def test_a_notice_that_reached_no_firm_says_so(client, writer, firms, members, django_capture_on_commit_callbacks):
    """QA: a rule naming a park the zone does not have was published and read 送达企业 0 家, with no warning."""
    from .conftest import make_article

    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(writer, rule="employees >= 1000000", publish=True, confirm_empty=True)
    page = _client(client, writer).get(reverse("news_detail", args=[article.pk])).content.decode()
    assert 'data-testid="count-delivered">0 家' in page and 'data-testid="reached-none"' in page
