"""A year of enterprise appeals (企业诉求) for the demo zone, written in bulk as history (cases/history.py: the
services are for live work; history is loaded, not replayed). Deterministic for a seed.

Each appeal is taken in at a station (by its head or window specialist), at the centre's window or by phone (the
clerk), or by a mobile guide (服务专员); dispatched to a lead department, sometimes with cooperating ones;
sometimes returned and reassigned; accepted, worked on, resolved, now and then reopened; closed by the firm with
its rating — each step an AppealEvent row, the appeal's fields as the workflow (appeals/workflow.py) leaves them.
Steps that would fall on `today` or later are not taken: the appeals of the last weeks are partly still open.
Two departments (住建, 自然资源) answer a little slower and less well than the rest, so rankings differ.

Appeals are numbered as live ones are ("SQ" + day + sequence) and the day counters continued, so a later live
number never collides. Only the firms given appeal (the demo leaves out the demo enterprise's two firms, whose
appeals are the live ones of the demo walk); each appeal is visible exactly as a live one: to its firm's users,
its lead and cooperating departments, its station (or who took it in) and the centre."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import OrgKind, OrgUnit, Role, User
from gaoxin.core.models import DocumentCounter
from gaoxin.core.selectors import work_calendar
from gaoxin.enterprises.models import Contact, Enterprise

from .models import Appeal, AppealEvent, AppealStatus, Result

S = AppealStatus

# (category, request type, lead, cooperating, title, description, answer); {n} a number, {park} the firm's park.
TOPICS = [
    ("talent", "help", "hrss", ["science"], "急需{n}名数控技工", "订单增加，急需数控、焊接技工{n}名，希望对接职业院校定向培养。",
     "已组织园区专场招聘会并对接湘潭技师学院，推荐技工{n}名到企业面试。"),
    ("talent", "help", "hrss", [], "高校毕业生招聘对接", "希望参加高校毕业生专场招聘，需求研发岗位{n}个。",
     "已将企业纳入校园招聘企业名单，协助发布岗位{n}个。"),
    ("talent", "consult", "hrss", ["provident-fund"], "人才公寓申请条件咨询", "引进的硕士研究生能否申请园区人才公寓？",
     "已告知人才公寓申请条件和办理流程，企业按流程申报即可。"),
    ("policy", "consult", "tax", ["science"], "研发费用加计扣除口径咨询", "委托外部机构研发的费用能否加计扣除？",
     "已电话解释委托研发费用按实际发生额80%计入加计扣除基数，并发送政策原文。"),
    ("policy", "consult", "science", [], "高企认定材料准备咨询", "今年申报高新技术企业认定，知识产权和研发费用材料如何准备？",
     "已上门辅导高企申报材料，讲解知识产权与研发费用归集要求。"),
    ("policy", "help", "industry", ["finance"], "技改补贴兑现进度", "去年申报的技术改造补贴尚未到账，希望了解进度。",
     "已核实补贴已完成审核，财政已安排拨付，企业已收到资金。"),
    ("policy", "help", "hrss", ["finance"], "稳岗返还未到账", "符合稳岗返还条件，但尚未收到返还资金。",
     "经核查系银行账户信息有误，已更正并完成返还。"),
    ("market", "help", "industry", ["economic"], "产业链供需对接", "希望对接{park}内新能源装备企业，拓展配套订单。",
     "已组织产业链供需对接会，促成企业与{n}家链上企业洽谈。"),
    ("market", "suggestion", "economic", [], "组织企业参加展会", "建议组织园区企业参加中部国际机械装备展。",
     "已采纳建议，统一组织园区企业报名参展。"),
    ("facilities", "complaint", "housing", ["public-security"], "园区道路夜间照明不足", "{park}三号路路灯损坏，员工夜班出行不便。",
     "已协调维修单位更换路灯{n}盏，恢复夜间照明。"),
    ("facilities", "help", "housing", [], "厂区周边道路积水", "雨天厂区门口道路积水严重，货车进出困难。",
     "已安排市政养护单位疏通排水管网，积水问题已解决。"),
    ("facilities", "help", "public-security", [], "园区周边交通拥堵", "上下班高峰期园区出入口拥堵，希望增设信号灯。",
     "已协调交警部门优化信号灯配时，并在高峰期安排疏导。"),
    ("facilities", "help", "ecology", ["housing"], "污水管网接入申请", "新建车间需接入园区污水管网，希望加快审批。",
     "已指导企业完成排水许可申请并协调管网接入。"),
    ("planning", "help", "natural-resources", ["housing"], "厂区扩建规划条件咨询", "计划扩建二期厂房{n}千平方米，需了解规划条件。",
     "已出具规划条件并讲解容积率、退让等要求。"),
    ("planning", "complaint", "natural-resources", [], "不动产权证办理慢", "厂房竣工已三个月，不动产权证书仍未办结。",
     "已查明资料缺项并一次性告知，企业补齐后已发证。"),
    ("planning", "help", "housing", ["natural-resources"], "施工许可并联审批", "新建项目希望施工许可与规划许可并联办理。",
     "已纳入“拿地即开工”服务，施工许可与规划许可同步办结。"),
    ("premises", "help", "economic", [], "标准厂房续租", "希望续租{park}标准厂房{n}千平方米。", "已协调园区平台公司办理续租手续。"),
    ("premises", "help", "economic", ["natural-resources"], "扩产用地需求", "扩产需新增工业用地约{n}十亩。",
     "已推荐园区储备用地并讲解供地流程，企业已开展前期工作。"),
    ("financing", "help", "finance", ["development"], "流动资金贷款需求", "订单增加，需要流动资金贷款{n}百万元。",
     "已组织银企对接，合作银行已完成授信审批。"),
    ("financing", "consult", "finance", [], "绿色信贷贴息申请", "绿色工厂企业如何申请新增绿色贷款贴息？",
     "已告知贴息政策条件，并指导企业在平台在线申请。"),
    ("financing", "help", "development", ["finance"], "项目申报中央预算内资金", "技改项目希望申报中央预算内投资。",
     "已指导企业完成项目入库和申报材料准备。"),
    ("business_env", "complaint", "market", [], "经营范围变更办理超时", "网上提交经营范围变更已超过承诺时限。",
     "经核查系系统退回未及时告知，已当日办结并向企业说明。"),
    ("business_env", "complaint", "housing", [], "竣工验收备案时间长", "厂房竣工验收备案材料反复退回，耗时较长。",
     "已一次性告知所需材料，安排专人跟进，备案已办结。"),
    ("business_env", "report", "emergency", [], "周边企业安全隐患", "相邻企业危化品堆放不规范，存在安全隐患。",
     "已组织执法检查，督促相关企业完成整改。"),
    ("business_env", "suggestion", "market", ["tax"], "优化发票申领流程", "建议优化新办企业发票申领流程。",
     "已采纳，新办企业开办时同步完成发票申领。"),
    ("other", "consult", "statistics", [], "统计报表填报咨询", "规上工业企业月度统计报表口径咨询。", "已电话讲解统计口径并发送填报说明。"),
    ("other", "help", "provident-fund", [], "公积金缴存基数调整", "希望调整职工住房公积金缴存基数。", "已指导企业在线办理缴存基数调整。"),
]
# Where a misrouted appeal went first, by its rightful lead (the two ministries of land and building trade them).
MISROUTED = {"housing": "natural-resources", "natural-resources": "housing", "economic": "industry",
             "industry": "economic", "finance": "development", "development": "finance", "ecology": "housing",
             "hrss": "economic", "market": "tax", "public-security": "housing"}
RETURN_SHARE = 0.06
# Department performance: late response, late resolution, reopen, lower ratings (住建 and 自然资源 a little worse).
NORMAL = {"late_respond": 0.04, "late_resolve": 0.05, "reopen": 0.03, "unhappy": 0.05, "misrouted": 1.0}
PERFORMANCE = {"housing": {"late_respond": 0.2, "late_resolve": 0.22, "reopen": 0.12, "unhappy": 0.22, "misrouted": 2.5},
               "natural-resources": {"late_respond": 0.12, "late_resolve": 0.15, "reopen": 0.08, "unhappy": 0.14,
                                     "misrouted": 2.0},
               "science": {"late_respond": 0.0, "late_resolve": 0.02, "reopen": 0.0, "unhappy": 0.02, "misrouted": 0.5}}
REFERRED_SHARE = 0.03
CHANNELS = [("驿站", 45), ("窗口", 20), ("电话", 20), ("服务专员", 15)]
RESULTS = {  # by request type: result, weight
    "consult": [(Result.EXPLAINED, 60), (Result.SOLVED, 40)],
    "help": [(Result.SOLVED, 78), (Result.PARTLY, 14), (Result.EXPLAINED, 6), (Result.UNSOLVED, 2)],
    "complaint": [(Result.SOLVED, 75), (Result.EXPLAINED, 15), (Result.PARTLY, 10)],
    "report": [(Result.SOLVED, 85), (Result.EXPLAINED, 15)],
    "suggestion": [(Result.SOLVED, 50), (Result.EXPLAINED, 50)],
}


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


class _Timeline:
    """An appeal's steps in order: each at a time after the last, with a copy of the appeal's fields after it."""

    def __init__(self, rng: random.Random, cal):
        self.rng, self.cal, self.steps, self.last = rng, cal, [], None

    def at(self, day: dt.date) -> dt.datetime:
        if self.last is not None and day <= self.last.date():
            t = self.last + dt.timedelta(minutes=self.rng.randint(10, 40))
        else:
            t = timezone.make_aware(dt.datetime.combine(day, dt.time(self.rng.randint(8, 11), self.rng.choice([0, 15, 30, 45]))))
        self.last = t
        return t

    def step(self, day: dt.date, fields: dict, transition: str, before: str, after: str, actor: str, unit: str = "",
             note: str = "") -> None:
        self.steps.append((self.at(day), dict(fields), {"transition": transition, "from_status": before, "to_status": after,
                                                        "actor_repr": actor, "unit": unit, "note": note}))

    def workday(self, day: dt.date) -> dt.date:
        return day if self.cal.is_workday(day) else self.cal.next_workday(day)


def _dispatch(fields: dict, cal, on: dt.date, unit, respond: int, resolve: int) -> None:
    """DISPATCH / REASSIGN: the lead and the limits counted from the day (appeals.workflow._dispatch)."""
    fields.update(lead=unit, dispatched_on=on, respond_by=cal.add_working_days(on, respond),
                  resolve_by=cal.add_working_days(on, resolve))


def generate_appeal_history(*, enterprises: list, n: int = 220, seed: int = 7, today: dt.date | None = None) -> int:
    """Write about n appeals received over the 365 days before `today` for these firms (Enterprise objects)."""
    if not enterprises or n <= 0:
        return 0
    rng = random.Random(f"{seed}:appeals")
    picks = [rng.choice(enterprises).pk for _ in range(n)]  # the firms that appealed (a few of a large registry)
    firms = Enterprise.objects.filter(pk__in=set(picks)).select_related("park_area").in_bulk()
    today = today or timezone.localdate()
    cal = work_calendar()
    units = {u.code: u for u in OrgUnit.objects.filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.STATION])}
    departments = {code: u for code, u in units.items() if u.kind == OrgKind.DEPARTMENT}
    topics = [t for t in TOPICS if t[2] in departments]
    if not topics:
        return 0
    officers = {}
    for u in User.objects.filter(role=Role.DEPT_OFFICER, org_unit__isnull=False).order_by("id"):
        officers.setdefault(u.org_unit_id, u)
    clerk = User.objects.filter(role=Role.WINDOW_CLERK).order_by("id").first()
    if clerk is None:
        return 0
    station_of_park = {u.code.removeprefix("station-"): u for u in units.values() if u.kind == OrgKind.STATION}
    station_staff = defaultdict(list)
    for u in User.objects.filter(role=Role.STATION_OFFICER, org_unit__kind=OrgKind.STATION).exclude(
            username="station").order_by("id"):
        station_staff[u.org_unit_id].append(u)
    guides = defaultdict(list)  # a station's mobile guides (帮代办专员 of the centre), by their usernames
    for u in User.objects.filter(role=Role.AGENT).order_by("id"):
        code = u.username.rsplit("-guide", 1)[0] if "-guide" in u.username else ""
        if code in station_of_park:
            guides[station_of_park[code].pk].append(u)
    contacts = {c.enterprise_id: c for c in Contact.objects.filter(
        enterprise_id__in=list(firms)).order_by("is_primary", "-id")}  # the primary contact kept
    limits = settings.GAOXIN_APPEAL_LIMITS
    extension = settings.GAOXIN_APPEAL_EXTENSION_WORKDAYS

    def name(user) -> str:
        return user.get_full_name() if user else "系统"

    planned = []
    for pick in picks:
        firm = firms[pick]
        category, kind, lead_code, coop_codes, title, text, answer = rng.choice(topics)
        park = firm.park_area.name if firm.park_area_id else "园区"
        fill = {"n": rng.randint(2, 30), "park": park}
        title, text, answer = title.format(**fill)[:120], text.format(**fill), answer.format(**fill)
        contact = contacts.get(firm.pk)
        station = station_of_park.get(firm.park_area.code) if firm.park_area_id else None
        channel = _pick(rng, CHANNELS)
        if channel == "驿站" and station is not None and station_staff.get(station.pk):
            taker = rng.choice(station_staff[station.pk])
        elif channel == "服务专员" and station is not None and guides.get(station.pk):
            taker, station = rng.choice(guides[station.pk]), None
        else:
            channel, taker, station = rng.choice(["窗口", "电话"]), clerk, None
        urgency = "urgent" if rng.random() < 0.04 else "complex" if kind in ("help", "complaint") and rng.random() < 0.1 \
            else "normal"
        respond, resolve = (int(x) for x in limits[urgency if urgency != "normal" else kind])
        received = today - dt.timedelta(days=rng.randrange(1, 366))
        received = received if cal.is_workday(received) else cal.next_workday(received)  # staff take them in
        perf = PERFORMANCE.get(lead_code, NORMAL)
        lead = departments[lead_code]
        coop = [departments[c] for c in coop_codes if c in departments and c != lead_code]
        fields = {"status": S.RECEIVED, "lead": None, "dispatched_on": None, "accepted_on": None, "respond_by": None,
                  "resolve_by": None, "responded_on_time": None, "result": "", "resolution": "", "resolved_on": None,
                  "satisfaction": None, "solved_confirmed": None, "closed_on": None, "returns": 0, "reopen_count": 0,
                  "extended": False, "supervision": "", "cooperating": []}
        tl = _Timeline(rng, cal)
        tl.last = timezone.make_aware(dt.datetime.combine(received, dt.time(rng.randint(8, 16), rng.randrange(60))))
        submitted_at = tl.last
        tl.steps.append((submitted_at, dict(fields), {"transition": "SUBMIT", "from_status": "", "to_status": S.RECEIVED,
                                                      "actor_repr": name(taker), "unit": station.name if station else "",
                                                      "note": ""}))
        day = tl.workday(received if submitted_at.hour < 16 else received + dt.timedelta(days=1))
        if (category in ("market", "other") and rng.random() < REFERRED_SHARE * 5) or rng.random() < REFERRED_SHARE / 3:
            fields["status"] = S.REFERRED_OUT
            tl.step(day, fields, "REFER_OUT", S.RECEIVED, S.REFERRED_OUT, name(clerk),
                    note="属市场化服务事项，已推荐园区服务机构对接")
        else:
            wrong = MISROUTED.get(lead_code)
            misrouted = wrong in departments and rng.random() < RETURN_SHARE * perf["misrouted"]
            first = departments[wrong] if misrouted else lead
            _dispatch(fields, cal, day, first, respond, resolve)
            fields.update(status=S.DISPATCHED, cooperating=[c for c in coop if c.pk != first.pk])
            tl.step(day, fields, "DISPATCH", S.RECEIVED, S.DISPATCHED, name(clerk), unit=first.name)
            if misrouted:
                fields["status"] = S.RETURN_REQUESTED
                tl.step(day, fields, "REQUEST_RETURN", S.DISPATCHED, S.RETURN_REQUESTED, name(officers.get(first.pk)),
                        unit=first.name, note=f"该诉求不属于本单位职责，建议改派{lead.name}")
                day = cal.add_working_days(day, 1)
                fields["returns"] += 1
                _dispatch(fields, cal, day, lead, respond, resolve)
                fields["cooperating"] = [c for c in coop if c.pk != lead.pk]
                fields["status"] = S.DISPATCHED
                tl.step(day, fields, "REASSIGN", S.RETURN_REQUESTED, S.DISPATCHED, name(clerk), unit=lead.name,
                        note="同意退单，改派主办单位")
            officer = name(officers.get(lead.pk))
            late = rng.random() < perf["late_respond"]
            accepted = cal.add_working_days(fields["respond_by"], rng.randint(1, 2)) if late else \
                cal.add_working_days(fields["dispatched_on"], rng.randint(0, respond))
            fields.update(status=S.ACCEPTED, accepted_on=accepted, responded_on_time=accepted <= fields["respond_by"])
            tl.step(accepted, fields, "ACCEPT", S.DISPATCHED, S.ACCEPTED, officer, unit=lead.name)
            fields["status"] = S.IN_PROGRESS
            tl.step(accepted, fields, "START", S.ACCEPTED, S.IN_PROGRESS, officer, unit=lead.name)
            late = rng.random() < perf["late_resolve"]
            if resolve >= 15 and rng.random() < 0.25:  # complex ones: extended once, as soon as work starts
                fields.update(resolve_by=cal.add_working_days(fields["resolve_by"], extension), extended=True)
                tl.step(accepted, fields, "EXTEND", S.IN_PROGRESS, S.IN_PROGRESS, name(clerk),
                        note="涉及多部门协调，批准延期")
            span = max(cal.working_days_between(accepted, fields["resolve_by"]), 0)
            resolved = max(accepted, cal.add_working_days(fields["resolve_by"], rng.randint(1, 4))) if late else \
                cal.add_working_days(accepted, rng.randint(min(1, span), span) if span else 0)
            for unit in fields["cooperating"]:
                if rng.random() < 0.8:
                    tl.step(min(resolved, cal.add_working_days(accepted, rng.randint(0, 2))), fields, "COOP_REPORT",
                            S.IN_PROGRESS, S.IN_PROGRESS, name(officers.get(unit.pk)), unit=unit.name,
                            note="已按职责提出办理意见，请主办单位统筹答复")
            if span >= 8 and rng.random() < 0.4 and cal.add_working_days(accepted, span // 2) < resolved:
                tl.step(cal.add_working_days(accepted, span // 2), fields, "STAGE_REPLY", S.IN_PROGRESS, S.IN_PROGRESS,
                        officer, unit=lead.name, note="正在协调办理，已向企业阶段性答复进展")
            if late:
                fields["supervision"] = "催办"
                tl.step(cal.add_working_days(fields["resolve_by"], 1), fields, "URGE", S.IN_PROGRESS, S.IN_PROGRESS,
                        name(clerk), unit="催办", note="已超过办结期限，请尽快办结并答复企业")
            result = _pick(rng, RESULTS[kind])
            fields.update(status=S.RESOLVED, result=result, resolution=answer, resolved_on=resolved)
            tl.step(resolved, fields, "RESOLVE", S.IN_PROGRESS, S.RESOLVED, officer, unit=lead.name, note=answer)
            firm_person = contact.name if contact else firm.legal_representative
            if rng.random() < perf["reopen"]:
                back = resolved + dt.timedelta(days=rng.randint(1, 4))
                fields.update(status=S.IN_PROGRESS, result="", resolved_on=None, reopen_count=1)
                tl.step(back, fields, "REOPEN", S.RESOLVED, S.IN_PROGRESS, firm_person,
                        note="问题未实际解决，要求重新办理")
                resolved = cal.add_working_days(tl.workday(back), rng.randint(2, 6))
                result = rng.choice([Result.SOLVED, Result.SOLVED, Result.PARTLY])
                answer = "经重新核查办理，" + answer
                fields.update(status=S.RESOLVED, result=result, resolution=answer, resolved_on=resolved)
                tl.step(resolved, fields, "RESOLVE", S.IN_PROGRESS, S.RESOLVED, officer, unit=lead.name, note=answer)
            unhappy = rng.random() < perf["unhappy"]
            solved = (result in (Result.SOLVED, Result.EXPLAINED) and rng.random() < 0.95) or \
                (result == Result.PARTLY and rng.random() < 0.5)
            if solved:
                satisfaction = rng.choice([3, 2, 2, 1]) if unhappy else _pick(rng, [(5, 60), (4, 32), (3, 8)])
            else:  # not solved: 不满意 would have been a reopen, so at least 基本满意
                satisfaction = 3 if unhappy else _pick(rng, [(5, 10), (4, 35), (3, 55)])
            closed = resolved + dt.timedelta(days=rng.randint(0, 6))
            fields.update(status=S.CLOSED, satisfaction=satisfaction, solved_confirmed=solved, closed_on=closed)
            tl.step(closed, fields, "CONFIRM", S.RESOLVED, S.CLOSED, firm_person)
        # Only what happened before today.
        steps = [s for s in tl.steps if s[0].date() < today]
        if not steps:
            continue
        planned.append((firm, contact, channel, station, taker, category, kind, urgency, title, text, steps))

    planned.sort(key=lambda p: p[-1][0][0])
    sequence: dict[dt.date, int] = defaultdict(int, (
        (dt.datetime.strptime(period, "%Y%m%d").date(), last)
        for period, last in DocumentCounter.objects.filter(prefix="SQ").values_list("period", "last")))
    appeals, received_at, used = [], [], set()
    for firm, contact, channel, station, taker, category, kind, urgency, title, text, steps in planned:
        submitted = timezone.localtime(steps[0][0]).date()
        sequence[submitted] += 1
        used.add(submitted)
        final = steps[-1][1]
        appeals.append(Appeal(
            number=f"SQ{submitted:%Y%m%d}{sequence[submitted]:05d}", channel=channel, enterprise=firm, station=station,
            contact_name=contact.name if contact else firm.legal_representative,
            contact_phone=(contact.phone if contact and contact.phone else f"139{rng.randrange(10**8):08d}"),
            confidential=kind == "report", category=category, request_type=kind, urgency=urgency, title=title,
            description=text, received_by=taker, **{k: v for k, v in final.items() if k != "cooperating"}))
        received_at.append(steps[0][0])
    with transaction.atomic():
        Appeal.objects.bulk_create(appeals, batch_size=1000)
        for appeal, at in zip(appeals, received_at, strict=True):
            appeal.received_at = at  # auto_now_add set it to now
        Appeal.objects.bulk_update(appeals, ["received_at"], batch_size=500)
        through = Appeal.cooperating.through
        events, links = [], []
        for appeal, plan in zip(appeals, planned, strict=True):
            steps = plan[-1]
            links += [through(appeal_id=appeal.pk, orgunit_id=u.pk) for u in steps[-1][1]["cooperating"]]
            events += [AppealEvent(appeal=appeal, at=at, **event) for at, _, event in steps]
        through.objects.bulk_create(links)
        AppealEvent.objects.bulk_create(events, batch_size=2000)
        for event, at in zip(events, [at for plan in planned for at, _, _ in plan[-1]], strict=True):
            event.at = at  # auto_now_add set it to now
        AppealEvent.objects.bulk_update(events, ["at"], batch_size=500)
        # Continue each day's counter, so a live appeal numbered later never takes a number of the history.
        for day in used:
            counter, _ = DocumentCounter.objects.select_for_update().get_or_create(prefix="SQ", period=f"{day:%Y%m%d}")
            if sequence[day] > counter.last:
                counter.last = sequence[day]
                counter.save(update_fields=["last"])
    return len(appeals)
