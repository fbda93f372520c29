"""The demo's 云资讯: news and notices from the zone's own reporting (湘潭高新区:政务服务精彩蝶变, the 小高说政务
series), a policy explainer, a draft, and two targeted notices delivered the way a publication delivers them — the
human-resources bureau's to the 规上 firms with 100 staff or more (the firms without a staff figure counted, not
reached; some firms' contacts have read it) and the centre's to the firms of the demo enterprise's park (unread)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gaoxin.accounts.models import EnterpriseMembership, Role, User
from gaoxin.enterprises.models import Contact

from . import services
from .models import Article, Delivery

SEED_SOURCE = "湘潭高新微政务"

BUTTERFLY = (
    "从审批流程“大瘦身”到审批时限“大提速”的极简审批，从“洽谈即服务”到“竣工即办证”等“四即”改革，"
    "从“一次跑”到甚至“不用跑”的“高”“新”服务，湘潭高新区持续深化“放管服”改革，让企业、群众享受到更加便捷高效的政务服务体验。",
    "智慧办，让服务“触手可及”。“以前企业办理发票验旧服务要5分钟，排队就可能要半个小时，有了智能微厅，省去了排队时间。”"
    "智能微厅上线后，95%的窗口即时业务都可在智能微厅实现自助办理，覆盖税务、公积金、工商、档案查询等自助服务。",
    "就近办，打造政务“服务圈”。在金荣、中南、新松、万洋众创城、东方金谷和家家美商圈等市场主体集中点设立了6个“政务服务驿站”，"
    "驿站“1+1+X”全心全意服务队让90%以上的基础问题都能在驿站内得到解决，累计为企业解决用工3000余人次。",
    "一窗办，开启办事“幸福窗”。企业开办、工程建设、综合服务3个专区推进“专区+综窗”改革，推行无偿上门代办，"
    "今年1—9月已开展政务服务帮代办2000余次，16个项目实现“拿地即开工”，平均审批提速40%以上。",
)

ARTICLES = [
    # (author username, kind, title, summary, paragraphs, days before today, published)
    ("clerk", "news", "湘潭高新区：政务服务精彩蝶变",
     "极简审批、“四即”改革、智能微厅、政务服务驿站与“一窗”受理，政务服务从“一次跑”到“不用跑”。", BUTTERFLY, 40, True),
    ("clerk", "news", "智能微厅上线：95%的窗口即办业务可自助办理",
     "刷身份证登录，发票验旧、公积金、工商、档案查询随到随办，五分钟的事不再排半小时的队。",
     ("湘潭高新区政务服务中心智能微厅正式上线。企业负责人带着身份证来到智能微厅，通过身份证进入系统后，一次性办理了企业发票验旧业务。",
      "智能微厅的上线，实现了纳税人办税业务“随到随办”，95%的窗口即时业务都可在智能微厅实现自助办理。"
      "不能在自助终端办理的事项，可一键转为帮代办订单或就近排队取号。"), 25, True),
    ("clerk", "notice", "关于“小高说政务”云直播间开播的公告",
     "“湘潭高新微政务”视频号直播间每周四下午开播，聚焦企业、项目、人才高频事项。",
     ("为便利企业、群众更快更简办事，政务服务中心开通“湘潭高新微政务”视频号直播间，创设“小高说政务”云导办、云直播、云资讯3个系列。",
      "直播间每周四15:00开播，解读办事流程、宣讲惠企政策、精准答疑解惑。直播前可在平台提交问题，直播中未能解答的问题，"
      "经提问人同意转为企业诉求，由相关部门答复。"), 12, True),
    ("officer-science", "explainer", "小高说政务｜高新技术企业认定奖励怎么申领",
     "通过高新技术企业认定的企业，可在平台“我可享受的政策”中查看匹配结果并在线申请奖励。",
     ("高新技术企业认定奖励面向当年通过认定（含重新认定）的园区企业。企业登录平台后，在“我可享受的政策”中即可看到是否符合、"
      "已满足的条件和仍缺的数据。",
      "申请材料从企业档案复用，无需重复提交；政策主管部门受理、审核后公示，公示期满无异议的由财政拨付。"), 8, True),
    ("clerk", "news", "政务服务驿站“1+1+X”服务队：90%以上的基础问题在驿站解决",
     "6个驿站、1名负责人、1名专窗服务专员和X名流动服务指导员。",
     ("各政务服务驿站明确了1名驿站负责人和1名专窗服务专员，由区政务服务中心组织X名流动服务指导员，共同组建驿站“1+1+X”全心全意服务队。",), 0, False),
]


def build_demo_news(*, users: dict[str, User], enterprises: list, today: dt.date, rng: random.Random) -> dict:
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 30)))
    made = []
    for author, kind, title, summary, paragraphs, days, published in ARTICLES:
        extra = {}
        if kind == "explainer":
            from gaoxin.benefits.models import Policy

            extra["policy"] = Policy.objects.filter(code="p2").first()
        article = services.article_create(actor=users[author], kind=kind, title=title, summary=summary,
                                          body="\n\n".join(paragraphs), source=SEED_SOURCE, **extra)
        if published:
            services.article_transition(article=article, name="PUBLISH", actor=users[author])
            Article.objects.filter(pk=article.pk).update(published_at=now - dt.timedelta(days=days))
        made.append(article)
    # The deadline after the notice's publication (six days ago): three weeks from today.
    due = today + dt.timedelta(days=21)
    due_text = f"{due.month}月{due.day}日"
    hiring = _targeted(users["officer-hrss"], "关于开展规上企业春季用工需求摸底的通知",
                       f"规上企业且职工人数100人以上的企业，请于{due_text}前在平台填报春季用工需求。",
                       ("各有关企业：为做好春节后企业用工保障，区人社局联合各政务服务驿站开展春季用工需求摸底。",
                        f"请于{due_text}前登录平台，在“用工与人才”中发布用工需求（岗位、人数、技能要求、薪酬），"
                        "驿站专员将上门对接，组织“千企百校”对接活动和订单班。",
                        "联系电话：0731-58581010（区人社局人才办）"),
                       "size_group == 'ABOVE' and employees >= 100", now - dt.timedelta(days=6))
    park = enterprises[0].park_area.name if enterprises and enterprises[0].park_area_id else "金荣园区"
    tax_talk = _targeted(users["clerk"], f"关于{park}企业参加驿站“便民惠企”税收政策宣讲活动的通知",
                         "政务服务中心、税务局联合在驿站举办税收优惠政策宣讲，现场答疑。",
                         (f"各{park}企业：政务服务中心、税务局将于近期在驿站联合举办“便民惠企”活动，宣讲研发费用加计扣除、"
                          "小型微利企业所得税优惠、留抵退税等政策。",
                          "请企业财务负责人参加，可在平台提前提交想了解的问题。"),
                         f"park == '{park}'", now - dt.timedelta(days=2))
    readers = _read_some(hiring, rng, exclude={e.pk for e in enterprises[:2]}, start=now - dt.timedelta(days=5))
    return {"articles": len(made) + 2, "delivered": hiring.targeted_count + tax_talk.targeted_count, "read": readers}


def _targeted(author, title, summary, paragraphs, rule, when) -> Article:
    article = services.article_create(actor=author, kind="notice", title=title, summary=summary,
                                      body="\n\n".join(paragraphs), source="小高说政务", rule=rule)
    # A small seed may have no firm the rule holds for: published all the same, as an officer who confirms it.
    services.article_transition(article=article, name="PUBLISH", actor=author, confirm_empty=True)
    article = services.article_deliver(article_id=article.pk)  # as the job does (the demo needs it now)
    Article.objects.filter(pk=article.pk).update(published_at=when)
    Delivery.objects.filter(article=article).update(delivered_at=when)
    return article


def _read_some(article: Article, rng: random.Random, *, exclude: set[int], start) -> int:
    """About a third of the reached firms have read it: each through the account of its primary contact."""
    firm_ids = [i for i in Delivery.objects.filter(article=article).values_list("enterprise_id", flat=True)
                if i not in exclude]
    chosen = sorted(rng.sample(firm_ids, k=max(1, len(firm_ids) // 3))) if firm_ids else []
    contacts = {c.enterprise_id: c for c in Contact.objects.filter(enterprise_id__in=chosen, is_primary=True)}
    unusable = make_password(None)
    for firm_id in chosen:
        contact = contacts.get(firm_id)
        user = User.objects.create(username=f"firm-contact-{firm_id}", full_name=contact.name if contact else "企业联系人",
                                   role=Role.ENTERPRISE, password=unusable, phone=contact.phone if contact else "")
        EnterpriseMembership.objects.create(user=user, enterprise_id=firm_id)
        Delivery.objects.filter(article=article, enterprise_id=firm_id).update(
            read_at=start + dt.timedelta(minutes=rng.randrange(60, 4 * 24 * 60)), read_by=user)
    return len(chosen)
