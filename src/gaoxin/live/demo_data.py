"""Demo 云直播: the live room of "湘潭高新微政务" and its series "小高说政务". Two past sessions with replays and
chapters tied to the demo's items and policies, one session that ended yesterday (replay still being edited, its
questions waiting in the hosts' queue), one on air today and one announced for the coming days. Questions with every
outcome: answered in the stream at a chapter, answered in writing, left unanswered and — with the firm's recorded
consent — turned into an appeal, left unanswered and declined, one still awaiting the firm's answer, and a visitor's
question without an account. Every write goes through the room's services at the time it would have happened, and
none after the seeding moment (seeded in the small hours, today's stream went on air twenty minutes before)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

from gaoxin.catalog.models import ServiceItem

from . import services
from .models import LiveSession

STREAM = "https://channels.weixin.qq.com/live/xtgxwzw-{}"
REPLAY = "https://channels.weixin.qq.com/replay/xtgxwzw-{}"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone())


@contextmanager
def _when(moment: dt.datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _session(actor, unit, *, title, speaker, summary, starts_at, minutes, slug) -> LiveSession:
    with _when(starts_at - dt.timedelta(days=5)):
        return services.session_create(actor=actor, title=title, department=unit, speaker=speaker, summary=summary,
                                       starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=minutes),
                                       stream_url=STREAM.format(slug))


def _chapters(session, actor, rows, *, items, policies) -> dict:
    made = {}
    with _when(session.starts_at - dt.timedelta(days=1)):
        for offset, title, item, policy in rows:
            made[title] = services.chapter_add(session=session, actor=actor, offset_seconds=offset, title=title,
                                               item=items.get(item), policy=policies.get(policy))
    return made


def _step(session, name, actor, moment, **params):
    with _when(moment):
        return services.session_transition(session=session, name=name, actor=actor, **params)


def _ask(session, actor, moment, text, *, firm=None, name="张伟", phone="13807320001"):
    with _when(moment):
        return services.question_ask(session=session, actor=actor, text=text, contact_name=name, contact_phone=phone,
                                     enterprise=firm)


def _moderate(question, name, actor, moment, **params):
    with _when(moment):
        return services.question_transition(question=question, name=name, actor=actor, **params)


def build_demo_live(*, users: dict, firms: list, today: dt.date) -> dict:
    from django.contrib.auth.models import AnonymousUser

    from gaoxin.accounts.models import OrgUnit
    from gaoxin.benefits.models import Policy

    clerk, hrss, science = users["clerk"], users["officer-hrss"], users["officer-science"]
    firm_user = users["enterprise"]
    centre = clerk.org_unit
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["hrss", "science"])}
    items = {i.name: i for i in ServiceItem.objects.filter(
        name__in=["企业设立登记", "发票申领", "单位社会保险参保登记", "企业变更登记"], status="published")}
    policies = {p.code: p for p in Policy.objects.filter(code__in=["p1", "p2", "p5", "p10", "p11"],
                                                         status="published")}
    visitor = AnonymousUser()
    counts = {"sessions": 0, "questions": 0}

    # 1. Three weeks ago: 企业开办一件事, hosted by the centre; replay published.
    day = today - dt.timedelta(days=21)
    opening = _session(clerk, centre, title="小高说政务｜企业开办一件事：营业执照、公章、发票、社保一次办", speaker="李娜（政务服务中心）",
                       summary="讲解企业开办“一件事”一表申请：设立登记、公章刻制、发票申领、社保参保登记一次提交、一次办结，"
                               "以及住所登记、注册资本填写等常见问题。",
                       starts_at=_at(day, 15), minutes=60, slug="kaiban")
    ch = _chapters(opening, clerk, [(0, "开场：企业开办“一件事”是什么", None, None),
                                    (185, "设立登记：名称自主申报与住所登记", "企业设立登记", None),
                                    (1130, "首次领用发票", "发票申领", None),
                                    (1820, "社保参保登记与员工增员", "单位社会保险参保登记", None),
                                    (2650, "集中答疑", None, None)], items=items, policies={})
    q_name = _ask(opening, firm_user, _at(day - dt.timedelta(days=2), 10), "公司名称自主申报通过后，多久内要提交设立登记？",
                  firm=firms[0])
    q_invoice = _ask(opening, visitor, _at(day - dt.timedelta(days=1), 20, 15),
                     "个体户转为公司后，原来的发票怎么处理？", name="刘女士", phone="13907321234")
    opening = _step(opening, "START", clerk, _at(day, 15))
    _moderate(q_name, "ANSWER_LIVE", clerk, _at(day, 15, 8), chapter=ch["设立登记：名称自主申报与住所登记"], offset=402,
              answer="名称申报通过后保留30天，请在保留期内提交设立登记。", public=True)
    q_site = _ask(opening, firm_user, _at(day, 15, 20), "租用园区标准厂房做住所，需要房东提供哪些材料？", firm=firms[0])
    q_bank = _ask(opening, firm_user, _at(day, 15, 40),
                  "我们公司的基本户开户银行要求法定代表人到场，能否由驿站专员帮代办？", firm=firms[0])
    q_decline = _ask(opening, firm_user, _at(day, 15, 45), "外地分公司迁入高新区，税务迁移要多长时间？", firm=firms[1])
    _moderate(q_site, "ANSWER_LIVE", clerk, _at(day, 15, 35), chapter=ch["设立登记：名称自主申报与住所登记"],
              offset=None, answer="提供租赁合同和产权证明复印件；园区标准厂房可由园区管理方出具住所证明。", public=True)
    opening = _step(opening, "END", clerk, _at(day, 16, 2))
    _moderate(q_invoice, "ANSWER_WRITTEN", clerk, _at(day, 16, 30),
              answer="个体户注销前请缴销未使用的发票；新公司完成税务信息确认后重新申领发票。", public=True)
    q_bank = _moderate(q_bank, "LEAVE_UNANSWERED", clerk, _at(day, 16, 40), reason="涉及银行开户规定，直播中未能解答")
    q_decline = _moderate(q_decline, "LEAVE_UNANSWERED", clerk, _at(day, 16, 41), reason="需税务部门核实，直播中未能解答")
    _moderate(q_bank, "CONSENT", firm_user, _at(day + dt.timedelta(days=1), 9, 10),
              note="希望驿站专员联系我们，法定代表人常驻外地。")
    _moderate(q_decline, "DECLINE", firm_user, _at(day + dt.timedelta(days=1), 9, 12))
    opening = _step(opening, "PUBLISH_REPLAY", clerk, _at(day + dt.timedelta(days=1), 11), replay_url=REPLAY.format("kaiban"))
    counts["sessions"] += 1
    counts["questions"] += 5

    # 2. Ten days ago: 高新技术企业 and 研发费用加计扣除, hosted by the science bureau; replay published.
    day = today - dt.timedelta(days=10)
    tech = _session(science, units["science"], title="小高说政务｜高新技术企业认定与研发费用加计扣除政策解读",
                    speaker="科技局、税务局", summary="高新技术企业认定条件与奖励、研发费用加计扣除的归集口径和申报时点。",
                    starts_at=_at(day, 14, 30), minutes=75, slug="gaoqi")
    ch = _chapters(tech, science, [(0, "开场", None, None), (240, "高新技术企业认定条件与区级奖励", None, "p2"),
                                   (1500, "研发费用加计扣除：归集口径与申报", None, "p1"),
                                   (3300, "小型微利企业所得税优惠", None, "p5")], items={}, policies=policies)
    q_ratio = _ask(tech, firm_user, _at(day - dt.timedelta(days=3), 9, 30),
                   "研发费用占销售收入比例按哪一年的数据计算？", firm=firms[0])
    tech = _step(tech, "START", science, _at(day, 14, 30))
    q_staff = _ask(tech, firm_user, _at(day, 14, 50), "科技人员占比里，兼职人员能不能算？", firm=firms[1])
    q_waiting = _ask(tech, firm_user, _at(day, 15, 20), "去年认定未通过，今年再申报前能否请专家上门辅导？",
                     firm=firms[0])
    _moderate(q_ratio, "ANSWER_LIVE", science, _at(day, 14, 45), chapter=ch.get("高新技术企业认定条件与区级奖励"),
              offset=610, answer="按申报前连续三个会计年度的数据计算，成立不满三年的按实际经营年限。", public=True)
    _moderate(q_staff, "ANSWER_LIVE", science, _at(day, 15, 5), chapter=None, offset=2210,
              answer="累计实际工作时间在183天以上的兼职、临时聘用人员可以计入。", public=True)
    tech = _step(tech, "END", science, _at(day, 15, 48))
    _moderate(q_waiting, "LEAVE_UNANSWERED", science, _at(day, 16, 10), reason="直播时间有限，未能解答")
    tech = _step(tech, "PUBLISH_REPLAY", science, _at(day + dt.timedelta(days=1), 10), replay_url=REPLAY.format("gaoqi"))
    counts["sessions"] += 1
    counts["questions"] += 3

    # 3. Yesterday: 稳岗返还 and 扩岗补助 by the HR bureau; ended, the replay being edited, questions in the queue.
    day = today - dt.timedelta(days=1)
    jobs = _session(hrss, units["hrss"], title="小高说政务｜稳岗返还、扩岗补助怎么领", speaker="人社局人才办",
                    summary="失业保险稳岗返还“免申即享”、一次性扩岗补助“快申快享”的条件和到账时间。",
                    starts_at=_at(day, 10), minutes=45, slug="wengang")
    _chapters(jobs, hrss, [(0, "稳岗返还：免申即享", None, "p10"), (900, "一次性扩岗补助", None, "p11"),
                           (1800, "社保增员与参保登记", "单位社会保险参保登记", None)], items=items, policies=policies)
    jobs = _step(jobs, "START", hrss, _at(day, 10))
    _ask(jobs, firm_user, _at(day, 10, 12), "稳岗返还到账后在哪里能查到？", firm=firms[0])
    _ask(jobs, visitor, _at(day, 10, 30), "招用登记失业的大学生，扩岗补助每人多少？", name="周先生", phone="13607325678")
    jobs = _step(jobs, "END", hrss, _at(day, 10, 47))
    counts["sessions"] += 1
    counts["questions"] += 2

    # 4. Today, on air: 企业变更登记, by the centre.
    # Nothing after the seeding moment: seeded early in the morning, the stream went on air twenty minutes before.
    now = timezone.localtime()
    start = min(now - dt.timedelta(minutes=20), _at(today, 9, 30)) if now.date() == today else _at(today, 9, 30)
    # On air for at least three more hours from the seed (a demo seeded in the evening is not already overrun).
    minutes = max(60 * 8, int((now + dt.timedelta(hours=3) - start).total_seconds() // 60))
    change = _session(clerk, centre, title="小高说政务｜企业变更登记：住所、经营范围、法定代表人变更", speaker="李娜（政务服务中心）",
                      summary="变更登记的材料、章程修正案的写法，以及变更后税务、社保信息同步。",
                      starts_at=start, minutes=minutes, slug="biangeng")
    _chapters(change, clerk, [(0, "开场", None, None), (300, "住所变更", "企业变更登记", None)], items=items,
              policies={})
    _ask(change, firm_user, start - dt.timedelta(hours=20), "公司搬到新厂房，需要先做税务迁移吗？", firm=firms[0])
    change = _step(change, "START", clerk, start)
    _ask(change, firm_user, start + dt.timedelta(minutes=5), "章程修正案需要全体股东签字吗？", firm=firms[1])
    counts["sessions"] += 1
    counts["questions"] += 2

    # 5. In three days: 政策兑现一网通办, by the centre; questions collected before.
    day = today + dt.timedelta(days=3)
    upcoming = _session(clerk, centre, title="小高说政务｜惠企政策“免申即享”与网上兑现操作演示",
                        speaker="政务服务中心、财政局", summary="在平台查看“您可能符合”的政策、确认免申即享、在线申请与到账查询。",
                        starts_at=_at(day, 15), minutes=60, slug="duixian")
    asked = min(_at(today, 8), now - dt.timedelta(hours=1))  # this morning, or an hour before a seeding before 09:00
    with _when(asked):
        services.question_ask(session=upcoming, actor=firm_user, text="我们符合小型微利企业优惠，还需要在平台申请吗？",
                              contact_name="张伟", contact_phone="13807320001", enterprise=firms[0])
    # Asked, then taken back by the firm before the session (撤回): the answer was found at a station meanwhile.
    withdrawn = _ask(upcoming, firm_user, asked + dt.timedelta(minutes=5), "免申即享的政策到账后还要开具收据吗？",
                     firm=firms[1])
    _moderate(withdrawn, "WITHDRAW", firm_user, asked + dt.timedelta(minutes=40), reason="已在驿站问清楚")
    counts["sessions"] += 1
    counts["questions"] += 2
    return counts
