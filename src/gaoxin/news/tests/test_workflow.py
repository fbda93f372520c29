"""The article's table on the kernel: every allowed transition succeeds with one audit event and one record row,
every other (transition, state) pair is refused writing nothing; who may act; what publishing checks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs
from gaoxin.news import services
from gaoxin.news.models import Article, ArticleEvent
from gaoxin.news.models import ArticleStatus as S
from gaoxin.news.workflow import WORKFLOW

from .conftest import make_article, member

pytestmark = pytest.mark.django_db

# Written by hand from the brief: draft → published → withdrawn → (重新编辑) draft.
SPEC = {S.DRAFT: {"PUBLISH"}, S.PUBLISHED: {"WITHDRAW"}, S.WITHDRAWN: {"REDRAFT"}}


def test_the_table_is_the_spec():
    assert available_from(WORKFLOW, S.values) == SPEC


def _in_state(actor, state):
    article = make_article(actor, kind="news", title="湘潭高新区政务服务精彩蝶变")
    path = {S.DRAFT: [], S.PUBLISHED: ["PUBLISH"], S.WITHDRAWN: ["PUBLISH", "WITHDRAW"]}[state]
    for name in path:
        article = services.article_transition(article=article, name=name, actor=actor, reason="说明")
    return article


@pytest.mark.parametrize("name,state", pairs(WORKFLOW, S.values))
def test_every_pair(writer, name, state):
    article = _in_state(writer, state)
    check_pair(WORKFLOW, article, name, actor=writer,
               history=lambda: ArticleEvent.objects.filter(article=article).count())


@pytest.mark.parametrize("name", [t.name for t in WORKFLOW.transitions])
def test_outsiders_are_refused(writer, hrss_writer, firms, name):
    state = next(s for s, names in SPEC.items() if name in names)
    article = _in_state(writer, state)
    actors = {"other department": hrss_writer, "enterprise": member(firms["matching"], "ent"),
              "leader": UserFactory(role=Role.LEADER)}
    check_roles_refused(WORKFLOW, article, name, actors)


def test_the_administrator_acts_for_every_unit(writer, admin_user):
    article = make_article(writer)
    services.article_transition(article=article, name="PUBLISH", actor=admin_user)
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED


def test_withdrawing_needs_a_reason(writer):
    article = _in_state(writer, S.PUBLISHED)
    with pytest.raises(ValidationError) as exc:
        services.article_transition(article=article, name="WITHDRAW", actor=writer)
    assert "需要填写原因" in str(exc.value)


def test_a_news_item_takes_no_rule_and_a_bad_rule_is_refused_in_chinese(writer):
    with pytest.raises(ValidationError) as exc:
        make_article(writer, kind="news", rule="size_group == 'ABOVE'")
    assert "“新闻”面向所有人" in str(exc.value) and "类别选为“通知公告”或“政策解读”" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        make_article(writer, rule="size_group = 'ABOVE'")
    assert exc.value.message_dict["rule"][0].startswith("阅读对象条件有误")
    assert "==" in exc.value.message_dict["rule"][0]
    with pytest.raises(ValidationError) as exc:
        make_article(writer, rule="no_such_field > 1")
    assert "阅读对象条件有误" in exc.value.message_dict["rule"][0]
    assert not Article.objects.exists()


def test_only_writers_write_and_only_their_units_drafts(writer, hrss_writer, firms):
    for outsider in (member(firms["matching"], "ent"), UserFactory(role=Role.LEADER),
                     UserFactory(role=Role.STATION_OFFICER)):
        with pytest.raises(PermissionDenied):
            make_article(outsider)
    article = make_article(writer)
    with pytest.raises(PermissionDenied):
        services.article_update(article=article, actor=hrss_writer, title="改")
    before = AuditEvent.objects.count()
    services.article_update(article=article, actor=writer, title="关于春风行动用工摸底的通知")
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1 and event.event_type == "news.article.update"
    assert event.after == {"title": "关于春风行动用工摸底的通知"}


def test_a_published_article_is_not_edited(writer):
    article = _in_state(writer, S.PUBLISHED)
    with pytest.raises(ValidationError):
        services.article_update(article=article, actor=writer, title="改")
