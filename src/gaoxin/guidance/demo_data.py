"""Demo 云导办: a week of guidance sessions of the enterprise account's two firms and the founder (a natural person)
over 企业开办 and tax items: the past days' sessions held and closed with every outcome — answered, an FAQ grown
from a session, a prefilled application whose case the firm then filed, a 帮代办 order, an appeal — one no-show and
one cancellation; today's and the coming days' sessions booked or confirmed; a few FAQ entries written by the
centre. Every write goes through the room's services at the time it would have happened."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.core.files.base import ContentFile
from django.utils import timezone

from gaoxin.catalog.models import ServiceItem
from gaoxin.core.selectors import work_calendar

from . import services
from .models import SessionStatus

MEETING = "https://meeting.tencent.com/dm/{}"
QUESTIONS = {
    "企业设立登记": ["设立有限公司需要准备哪些材料？章程要全体股东签字吗？", "住所还在装修，能先办营业执照吗？",
                 "两个自然人股东设立公司，注册资本怎么填写？"],
    "食品经营许可": ["开一家面包店需要哪些许可？经营场所平面图怎么画？"],
    "企业变更登记": ["公司搬到新厂房，变更住所需要哪些材料？章程修正案怎么写？"],
    "发票申领": ["新办企业第一次领用发票需要带什么？可以网上申领吗？"],
    "增值税专用发票最高开票限额审批": ["最高开票限额从十万元提高到百万元要什么条件？"],
    "单位社会保险参保登记": ["新招员工社保怎么增员？单位参保登记在哪里办？"],
}
FAQ_SEED = [
    ("企业设立登记", "公司名称可以在网上先自主申报吗？", "可以。登录湖南政务服务网“企业名称自主申报”即时办理，申报通过后再申请设立登记。"),
    ("发票申领", "新办企业首次领用发票需要什么？", "完成税务登记信息确认后，由经办人持身份证件在窗口或电子税务局申领，当场办结。"),
    ("单位社会保险参保登记", "单位参保登记后多久可以给员工增员？", "参保登记当场办结，办结后即可通过网上经办系统为员工增员。"),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone())


def _pdf(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% demo\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", name=f"{name}.pdf")


def build_demo_guidance(*, enterprise_user, founder, firms: list, clerk, officer, today: dt.date) -> dict:
    items = {i.name: i for i in ServiceItem.objects.filter(name__in=QUESTIONS).select_related("current_version")}
    calendar = work_calendar()
    past = []
    day = today - dt.timedelta(days=1)
    while len(past) < 4:
        if calendar.is_workday(day):
            past.append(day)
        day -= dt.timedelta(days=1)
    past.reverse()
    counts = {"sessions": 0, "faq": 0}

    for name, question, answer in FAQ_SEED:
        with mock.patch("django.utils.timezone.now", return_value=_at(past[0], 8)):
            services.faq_create(item=items[name], question=question, answer=answer, actor=clerk)
        counts["faq"] += 1

    def book(when: dt.datetime, item: str, *, who=enterprise_user, firm=None, question=0, case=None):
        firm = firms[0] if firm is None and who is enterprise_user else firm
        booked_at = when - dt.timedelta(days=1, hours=2)
        with mock.patch("django.utils.timezone.now", return_value=booked_at):
            session = services.session_book(
                actor=who, item=items[item], starts_at=when, question=QUESTIONS[item][question], enterprise=firm,
                case=case, contact_name=who.get_full_name(), contact_phone=who.phone or "13907320001", now=booked_at)
        counts["sessions"] += 1
        return session

    def step(session, name, when: dt.datetime, actor, **params):
        with mock.patch("django.utils.timezone.now", return_value=when):
            return services.session_transition(session=session, name=name, actor=actor, **params)

    def held(session, guide):
        start = session.starts_at
        session = step(session, "CONFIRM", start - dt.timedelta(hours=20), guide,
                       meeting_url=MEETING.format(800100000 + session.pk))
        return step(session, "HOLD", start + dt.timedelta(minutes=1), guide)

    def close(session, guide, **params):
        return step(held(session, guide), "CLOSE", session.starts_at + dt.timedelta(minutes=25), guide, **params)

    d1, d2, d3, d4 = past
    # Answered on the spot.
    close(book(_at(d1, 9), "企业设立登记", question=1), officer, outcome="answered",
          note="住所证明属于容缺材料，可先承诺后补，营业执照照常核发；装修完成后30日内补交。")
    # An FAQ grown from a session: the question will come again.
    close(book(_at(d1, 14, 30), "发票申领", firm=firms[1]), clerk, outcome="faq",
          faq_question="新办企业可以网上申领发票吗？",
          note="可以。完成税务登记信息确认并开通电子税务局后，在“发票使用—发票领用”中网上申领，可选择邮寄。")
    counts["faq"] += 1
    # The prefilled application: the firm filed the case the next working day (an item it has no case of in hand).
    setting_up = items["企业设立登记"]
    firm, item = _fresh_application(firms, [items["企业变更登记"], setting_up, items["食品经营许可"]])
    situation = item.current_version.situations.order_by("sort_order", "pk").first()
    prefilled = close(book(_at(d2, 10), item.name, firm=firm), officer, outcome="application", situation=situation,
                      note="章程修正案须全体股东签字并加盖公章；变更决议写明新住所地址；新住所证明可容缺后补，"
                           "网上申请时上传变更决议和章程修正案即可。")
    case = _file_prefilled(prefilled, enterprise_user, day=d3)
    # 转帮代办 and 转诉求 (the firm's own requests raised in the session).
    close(book(_at(d3, 15), "增值税专用发票最高开票限额审批", firm=firms[1]), clerk, outcome="order",
          note="企业委托帮代办专员准备限额提升申请材料并代为提交。")
    close(book(_at(d4, 9, 30), "食品经营许可"), clerk, outcome="appeal", appeal_title="门店消防审验进度咨询",
          note="门店消防审验尚未出具意见，影响食品经营许可申请，请协调住建部门告知进度。")
    # A no-show and a cancellation.
    no_show = book(_at(d4, 14), "单位社会保险参保登记")
    no_show = step(no_show, "CONFIRM", no_show.starts_at - dt.timedelta(hours=20), clerk,
                   meeting_url=MEETING.format(800200000 + no_show.pk))
    step(no_show, "NO_SHOW", no_show.starts_at + dt.timedelta(minutes=20), clerk)
    cancelled = book(_at(d3, 10), "企业设立登记", who=founder, firm=None, question=2)
    step(cancelled, "CANCEL", cancelled.starts_at - dt.timedelta(hours=3), founder, reason="已在驿站现场咨询，不再需要导办")

    # Today's and the coming days': booked, some confirmed (a guide's queue for today).
    now = timezone.now()
    coming = services.bookable_days(today)[:4]
    upcoming = [(coming[0], 15, 0, "企业设立登记", None, 2), (coming[0], 16, 0, "发票申领", firms[1], 0),
                (coming[1], 9, 0, "食品经营许可", None, 0), (coming[1], 10, 30, "单位社会保险参保登记", None, 0),
                (coming[2], 14, 0, "增值税专用发票最高开票限额审批", firms[1], 0)]
    for n, (day, hour, minute, item, firm, q) in enumerate(upcoming):
        when = _at(day, hour, minute)
        if when <= now:
            continue
        session = services.session_book(actor=enterprise_user, item=items[item], starts_at=when,
                                        question=QUESTIONS[item][q], enterprise=firm or firms[0],
                                        contact_name=enterprise_user.get_full_name(),
                                        contact_phone=enterprise_user.phone or "13907320001",
                                        now=min(now, when - dt.timedelta(hours=2)))
        counts["sessions"] += 1
        if n % 2 == 0:
            services.session_transition(session=session, name="CONFIRM", actor=clerk if n else officer,
                                        meeting_url=MEETING.format(800300000 + session.pk))
    founder_day = coming[2]
    if _at(founder_day, 9, 30) > now:
        services.session_book(actor=founder, item=setting_up, starts_at=_at(founder_day, 9, 30),
                              question="个人独资企业设立需要验资吗？", contact_name=founder.get_full_name(),
                              contact_phone=founder.phone or "13907320001", now=now)
        counts["sessions"] += 1
    counts["case"] = case.number if case else ""
    counts["closed"] = prefilled.__class__.objects.filter(status=SessionStatus.CLOSED).count()
    return counts


def _fresh_application(firms: list, items: list):
    """A firm and an item it has no case of in handling (an applicant is refused a second one)."""
    from gaoxin.cases import services as case_services

    for item in items:
        for firm in firms:
            applicant = case_services.Applicant(type="enterprise", name=firm.name, enterprise=firm)
            if case_services.open_application(applicant=applicant, item=item) is None:
                return firm, item
    return firms[0], items[0]


def _file_prefilled(session, user, *, day: dt.date):
    """The firm opens the prefilled application and files it: the same services the page calls."""
    from gaoxin.cases import application
    from gaoxin.cases import services as case_services

    version = session.item.current_version
    _situations, materials = application.version_situations_and_materials(version)
    materials = application.situation_materials(materials, session.prefill_situation)
    files = {m.pk: _pdf(m.name) for m in materials if application.must_upload(m)}
    applicant = case_services.Applicant(type="enterprise", name=session.enterprise.name, enterprise=session.enterprise,
                                        phone=session.contact_phone)
    moment = _at(day, 10, 12)
    with mock.patch("django.utils.timezone.now", return_value=moment), \
            mock.patch("gaoxin.cases.services.today", return_value=day):
        case = case_services.case_submit(item=session.item, applicant=applicant, channel="web", actor=user,
                                         files=files, note=session.outcome_note[:500],
                                         situation=session.prefill_situation)
        services.session_link_case(session=session, case=case, actor=user)
    return case
