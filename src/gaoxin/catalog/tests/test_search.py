"""Guide search finds everyday words: item names, keywords, theme names and their pinyin, a
query expanded by the zone's synonym list, ranked best match first; the same in the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gaoxin.accounts.models import OrgKind, OrgUnit, Role
from gaoxin.accounts.tests.factories import MembershipFactory, UserFactory
from gaoxin.catalog import search, selectors, services
from gaoxin.catalog.models import SearchSynonym

from .factories import make_item, theme

# --- pure: words, pinyin, synonyms, themes -------------------------------------------------


def test_pinyin_forms_full_and_initials():
    assert search.pinyin_forms("社保") == ("shebao", "sb")
    assert search.pinyin_forms("营业执照") == ("yingyezhizhao", "yyzz")
    assert search.pinyin_forms("CA证书（新）") == ("cazhengshuxin", "cazsx")


def test_item_search_text_keeps_pieces_apart():
    text = search.item_search_text(name="印章刻制备案", keywords=["刻章", "公章"], code="43037105XK0006")
    pieces = text.split(" ")
    assert {"yzkzba", "kz", "kezhang", "gz", "gongzhang", "43037105xk0006"} <= set(pieces)
    # Initials of the name do not run into the keyword's: no "bakz".
    assert "bakz" not in text


def test_query_words_split_on_any_separator_and_are_bounded():
    assert search.split_words(" 社保，公积金、 社保/发票 ") == ["社保", "公积金", "发票"]
    terms = search.parse_query("一 二 三 四 五 六 七 八", [])
    assert [t.typed for t in terms] == ["一", "二", "三", "四", "五", "六"]


def test_synonyms_expand_a_word_that_contains_them():
    synonyms = [("社保", ["社会保险", "参保"]), ("CA", ["数字证书"])]
    [term] = search.parse_query("办社保", synonyms)
    assert term.alternatives == ("办社保", "社会保险", "参保") and term.expanded == ("社会保险", "参保")
    # A latin entry must be the whole word: "cat" is not "CA", "ca" is.
    assert search.parse_query("cat", synonyms)[0].expanded == ()
    assert search.parse_query("ca", synonyms)[0].expanded == ("数字证书",)
    assert search.parse_query("公积金", synonyms)[0].expanded == ()


def test_theme_matches_by_name_and_by_pinyin():
    themes = [(1, "社保"), (2, "公积金"), (3, "安全环保")]
    assert search.theme_matches(search.Term("社保", ("社保",)), themes) == ({1}, set())
    assert search.theme_matches(search.Term("办社保", ("办社保",)), themes) == ({1}, set())
    assert search.theme_matches(search.Term("环保", ("环保",)), themes) == ({3}, set())
    assert search.theme_matches(search.Term("shebao", ("shebao",)), themes) == (set(), {1})
    assert search.theme_matches(search.Term("gjj", ("gjj",)), themes) == (set(), {2})
    assert search.theme_matches(search.Term("s", ("s",)), themes) == (set(), set())  # one letter is everywhere


# --- the selector and the page -----------------------------------------------------------


@pytest.fixture
def no_synonyms(db):
    """The migration seeds the default list; tests that name their synonyms start without it."""
    SearchSynonym.objects.all().delete()


def names(q, **filters):
    return [i.name for i in selectors.public_items(q=q, **filters)]


def test_ranking_exact_name_keyword_theme_then_pinyin(admin_user, no_synonyms):
    # Codes run opposite to the expected order, so only the ranking can put them right.
    make_item(admin_user, code="43037105GG0010", name="财务报表报送", situations=())  # pinyin caiwu...
    make_item(admin_user, code="43037105GG0009", name="电子印章申领", situations=(), themes=[theme("ca", "CA认证")])
    make_item(admin_user, code="43037105GG0008", name="电子认证服务", situations=(), keywords="CA证书")
    make_item(admin_user, code="43037105GG0007", name="CA数字证书申领", situations=())
    make_item(admin_user, code="43037105GG0006", name="CA", situations=())
    make_item(admin_user, code="43037105GG0005", name="印章刻制备案", situations=())  # no "ca" anywhere
    ranked = list(selectors.public_items(q="CA"))
    assert [i.name for i in ranked] == ["CA", "CA数字证书申领", "电子认证服务", "电子印章申领", "财务报表报送"]
    assert [i.search_rank for i in ranked] == [0, 1, 2, 3, 5]  # 5: "ca" is a part of caiwu...


def test_every_word_must_be_found_somewhere(admin_user, no_synonyms):
    make_item(admin_user, code="43037105GG0001", name="住房公积金提取", situations=(), keywords="取公积金")
    make_item(admin_user, code="43037105GG0002", name="单位住房公积金缴存登记", situations=())
    assert names("公积金 提取") == ["住房公积金提取"]
    assert names("公积金 tq") == ["住房公积金提取"]  # pinyin initials of 提取
    assert names("公积金 开店") == []


def test_keywords_and_their_pinyin(admin_user, no_synonyms):
    make_item(admin_user, code="43037105GG0001", name="印章刻制备案", situations=(), keywords="刻章、公章")
    make_item(admin_user, code="43037105GG0002", name="企业设立登记", situations=(), keywords="营业执照、开公司")
    for query, found in [("刻章", "印章刻制备案"), ("kezhang", "印章刻制备案"), ("kz", "印章刻制备案"),
                         ("营业执照", "企业设立登记"), ("yyzz", "企业设立登记"), ("kaigongsi", "企业设立登记"),
                         ("qysl", "企业设立登记")]:
        assert names(query) == [found], query


def test_theme_names_and_their_pinyin(admin_user, no_synonyms):
    property_theme = theme("property", "不动产")
    make_item(admin_user, code="43037105GG0001", name="房屋转移登记", situations=(), themes=[property_theme])
    make_item(admin_user, code="43037105GG0002", name="企业设立登记", situations=())
    assert names("不动产") == ["房屋转移登记"]
    assert names("budongchan") == ["房屋转移登记"]
    assert names("bdc") == ["房屋转移登记"]
    # Renaming a theme changes what finds it at once: theme names are matched when searching.
    property_theme.name = "房产"
    property_theme.save()
    assert names("不动产") == [] and names("房产") == ["房屋转移登记"]


def test_whole_pinyin_words_then_parts_then_themes(admin_user, no_synonyms):
    social = theme("social", "社保")
    make_item(admin_user, code="43037105GG0001", name="就业登记", situations=(), themes=[social])
    make_item(admin_user, code="43037105GG0002", name="企业名称自主申报", situations=())  # qymczzsb: sb of 申报
    make_item(admin_user, code="43037105GG0003", name="失业保险金申领", situations=(), themes=[social], keywords="社保")
    ranked = list(selectors.public_items(q="sb"))
    assert [(i.name, i.search_rank) for i in ranked] == [("失业保险金申领", 4), ("企业名称自主申报", 5), ("就业登记", 6)]
    assert [i.name for i in selectors.public_items(q="shebao")] == ["失业保险金申领", "就业登记"]


def test_synonym_expands_the_query(admin_user, no_synonyms):
    make_item(admin_user, code="43037105GG0001", name="单位社会保险参保登记", situations=())
    make_item(admin_user, code="43037105GG0002", name="印章刻制备案", situations=())
    assert names("社保") == []
    services.synonym_create(actor=admin_user, word="社保", meanings="社会保险")
    assert names("社保") == ["单位社会保险参保登记"]
    assert names("办社保") == ["单位社会保险参保登记"]  # a longer word that contains the synonym
    services.synonym_create(actor=admin_user, word="刻章", meanings="印章刻制")
    assert names("刻章") == ["印章刻制备案"]


def test_filters_still_apply_to_a_search(admin_user, no_synonyms):
    make_item(admin_user, code="43037105GG0001", name="住房公积金提取", situations=())
    assert names("公积金", zone="startup") == ["住房公积金提取"]
    assert names("公积金", zone="construction") == []


def test_search_page_keeps_the_query_and_says_what_it_also_looked_for(client, admin_user, no_synonyms):
    make_item(admin_user, code="43037105GG0001", name="单位社会保险参保登记", situations=())
    services.synonym_create(actor=admin_user, word="社保", meanings="社会保险")
    html = client.get("/guide/", {"q": "社保"}).content.decode()
    assert 'value="社保"' in html and "单位社会保险参保登记" in html
    assert "已按常用说法一并查找：“社保”即社会保险" in html
    partial = client.get("/guide/", {"q": "社保"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "单位社会保险参保登记" in partial and 'data-testid="guide-count"' in partial


def test_empty_search_suggests_words_assist_and_the_centres_phone(client, admin_user):
    OrgUnit.objects.create(code="centre", name="湘潭高新区政务服务中心", kind=OrgKind.CENTRE, phone="0731-58580000")
    make_item(admin_user)
    html = client.get("/guide/", {"q": "量子纠缠"}).content.decode()
    assert "没有找到“量子纠缠”的相关事项" in html and 'value="量子纠缠"' in html
    assert '<a href="?q=%E7%A4%BE%E4%BF%9D">社保</a>' in html  # a word from the synonym list to try
    assert "湘潭高新区政务服务中心咨询电话" in html and 'href="tel:0731-58580000"' in html
    assert "登录后申请帮代办" in html  # anonymous: the link leads through log-in


@pytest.mark.parametrize("role,link", [(Role.ENTERPRISE, True), (Role.STATION_OFFICER, True),
                                       (Role.DEPT_OFFICER, False), (Role.LEADER, False)])
def test_empty_search_offers_assist_only_to_those_who_can_order(client, admin_user, role, link):
    make_item(admin_user)
    # An enterprise orders for the firm bound to its account (a founder without one has none to order for).
    user = MembershipFactory().user if role == Role.ENTERPRISE else UserFactory(role=role)
    client.force_login(user)
    html = client.get("/guide/", {"q": "量子纠缠"}).content.decode()
    assert ('href="/assist/new/">申请帮代办' in html) is link
    assert "登录后申请帮代办" not in html and "免费帮代办" in html
    if link:
        assert client.get("/assist/new/").status_code == 200


def test_too_long_a_query_is_named_not_ignored(client, admin_user):
    make_item(admin_user)
    html = client.get("/guide/", {"q": "社" * 51}).content.decode()
    assert "invalid-feedback" in html and "50" in html


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_catalogue(client, admin_user):
    def add(first, last):
        for i in range(first, last):
            make_item(admin_user, code=f"43037105GG{i:04d}", name=f"社会保险测试事项{i}", situations=(),
                      keywords="社保、参保", themes=[theme("social", "社保")])

    add(0, 3)
    small = [_queries(client, "/guide/", {"q": "社保 参保"}), _queries(client, "/api/v1/catalog/items/", {"q": "社保"})]
    add(3, 40)  # more than a page of results
    large = [_queries(client, "/guide/", {"q": "社保 参保"}), _queries(client, "/api/v1/catalog/items/", {"q": "社保"})]
    assert small == large and small[0] <= 9


def test_api_search_uses_the_same_ranking(client, admin_user):
    make_item(admin_user, code="43037105GG0002", name="职工基本养老保险个人参保登记", situations=(), keywords="社保")
    make_item(admin_user, code="43037105GG0001", name="就业登记", situations=(), themes=[theme("social", "社保")])
    make_item(admin_user, code="43037105GG0003", name="单位社会保险参保登记", situations=())
    data = client.get("/api/v1/catalog/items/", {"q": "社保"}).json()  # the default list: 社保 → 社会保险、养老保险、参保
    assert [r["name"] for r in data["results"]] == ["职工基本养老保险个人参保登记", "单位社会保险参保登记", "就业登记"]
    assert data["results"][0]["keywords"] == ["社保"]
    assert client.get("/api/v1/catalog/items/", {"q": "shebao"}).json()["count"] == 2  # keyword and theme pinyin


def test_api_schema_documents_the_search(admin_client):
    schema = admin_client.get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/catalog/items/"]["get"]["parameters"]}
    assert "拼音" in parameters["q"]["description"] and "俗称" in parameters["q"]["description"]
    assert "近义词" in schema["paths"]["/api/v1/catalog/items/"]["get"]["description"]
