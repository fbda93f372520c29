"""The demo zone's service catalogue: 44 items over the three hall zones, and three bundles.
Names, departments and limits follow common Hunan practice; everything is illustrative."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.excel import Table, write_workbook

from . import services
from .models import Bundle, BundleItem, ItemVersion, Material, SearchSynonym, ServiceZone, Situation, Theme, Window
from .synonym_seed import seed_default_synonyms

ZONES = [
    ("startup", "企业开办", "企业设立、变更、注销，印章、发票、社保、公积金一窗办理"),
    ("construction", "工程建设", "项目入园“一窗受理、集成服务”，立项、用地、规划、施工、验收、登记"),
    ("general", "综合服务", "就业社保、公积金、档案、人才、科技与惠企政策兑现"),
]
THEMES = [
    ("startup", "企业开办"), ("project", "项目建设"), ("tax", "税务"), ("social", "社保"), ("talent", "人才"),
    ("housing-fund", "公积金"), ("property", "不动产"), ("tech", "科技创新"), ("policy", "惠企政策"), ("safety", "安全环保"),
]
ALL = ["window", "web", "mobile", "station", "proxy"]
KIOSK = ["window", "web", "mobile", "kiosk", "station", "proxy"]
WIN = ["window", "proxy"]

# name, department, zone, item type, case type, statutory WD, promised WD, themes, channels, extra materials
# (name, necessity, situations), options
ITEMS = [
    ("企业设立登记", "market", "startup", "licensing", "promised", 15, 1, ["startup"], ALL,
     [("公司章程", "required", ["有限责任公司"]), ("合伙协议", "required", ["合伙企业"]),
      ("全体股东（投资人）主体资格证明", "required", []), ("法定代表人、董事、监事和经理的任职文件", "required", ["有限责任公司"]),
      ("住所（经营场所）使用证明", "tolerance", [])],
     {"situations": ["有限责任公司", "个人独资企业", "合伙企业"], "tolerance": True, "object": "both"}),
    ("企业变更登记", "market", "startup", "licensing", "promised", 15, 1, ["startup"], ALL,
     [("变更决议或决定", "required", []), ("修改后的公司章程或章程修正案", "required", []),
      ("新住所使用证明", "tolerance", [])], {"tolerance": True}),
    ("企业注销登记", "market", "startup", "licensing", "promised", 20, 3, ["startup"], ALL,
     [("清算报告", "required", []), ("清税证明", "required", [])], {}),
    ("企业名称自主申报", "market", "startup", "other_power", "immediate", 1, 0, ["startup"], ["web", "mobile", "window"], [], {}),
    ("个体工商户设立登记", "market", "startup", "licensing", "promised", 15, 1, ["startup"], ALL,
     [("经营者身份证明", "required", []), ("经营场所使用证明", "tolerance", [])], {"tolerance": True, "object": "natural"}),
    ("印章刻制备案", "public-security", "startup", "filing", "immediate", 1, 0, ["startup"], ALL,
     [("法定代表人身份证件", "required", [])], {}),
    ("发票申领", "tax", "startup", "public_service", "immediate", 1, 0, ["startup", "tax"], KIOSK,
     [("经办人身份证件", "required", [])], {}),
    ("发票验旧", "tax", "startup", "public_service", "immediate", 1, 0, ["tax"], KIOSK, [], {"visits": 0}),
    ("税务登记信息确认", "tax", "startup", "confirmation", "immediate", 1, 0, ["startup", "tax"], KIOSK, [], {"visits": 0}),
    ("增值税专用发票最高开票限额审批", "tax", "startup", "licensing", "promised", 20, 5, ["tax"], ALL,
     [("税务行政许可申请表", "required", [])], {}),
    ("单位社会保险参保登记", "hrss", "startup", "public_service", "immediate", 1, 0, ["startup", "social"], ALL,
     [], {"visits": 0}),
    ("单位住房公积金缴存登记", "provident-fund", "startup", "public_service", "immediate", 1, 0, ["startup", "housing-fund"], KIOSK,
     [("单位经办人授权委托书", "required", [])], {"visits": 0}),
    ("食品经营许可", "market", "startup", "licensing", "promised", 20, 5, ["startup"], ALL,
     [("食品安全管理制度", "required", []), ("经营场所平面图", "required", [])], {"commitment": True}),
    ("特种设备使用登记", "market", "general", "licensing", "promised", 15, 5, ["safety"], ALL,
     [("特种设备产品合格证", "required", []), ("监督检验证明", "required", [])], {}),
    ("企业投资项目备案", "development", "construction", "filing", "immediate", 3, 1, ["project"], ALL,
     [("项目基本情况说明", "required", [])], {"visits": 0}),
    ("节能审查", "development", "construction", "licensing", "promised", 20, 10, ["project"], ALL,
     [("节能报告", "required", [])], {}),
    ("建设项目用地预审与选址意见书核发", "natural-resources", "construction", "licensing", "promised", 20, 10, ["project"], ALL,
     [("建设项目用地预审与选址申请表", "required", []), ("项目建设依据", "required", []), ("建设项目拟选址位置图", "required", [])], {}),
    ("建设用地规划许可证核发", "natural-resources", "construction", "licensing", "promised", 20, 7, ["project"], ALL,
     [("土地出让合同", "required", []), ("建设用地红线图", "required", [])], {}),
    ("建设工程规划许可证核发", "natural-resources", "construction", "licensing", "promised", 20, 7, ["project"], ALL,
     [("建设工程设计方案", "required", []), ("不动产权证书或土地使用证明", "tolerance", [])], {"tolerance": True}),
    ("施工图设计文件审查备案", "housing", "construction", "filing", "promised", 10, 5, ["project"], ALL,
     [("施工图审查合格书", "required", [])], {}),
    ("建筑工程施工许可证核发", "housing", "construction", "licensing", "promised", 15, 3, ["project"], ALL,
     [("建设工程规划许可证", "required", []), ("施工合同", "required", []), ("建设资金落实承诺书", "required", []),
      ("工程质量安全监督手续", "tolerance", [])], {"tolerance": True, "commitment": True}),
    ("建设工程消防设计审查", "housing", "construction", "licensing", "promised", 15, 10, ["project", "safety"], ALL,
     [("消防设计文件", "required", [])], {}),
    ("建设项目环境影响报告表审批", "ecology", "construction", "licensing", "promised", 30, 10, ["project", "safety"], ALL,
     [("环境影响报告表", "required", []), ("公众参与说明", "optional", [])], {}),
    ("排污许可证核发", "ecology", "construction", "licensing", "promised", 20, 15, ["safety"], ALL,
     [("排污许可证申请表", "required", []), ("自行监测方案", "required", [])], {}),
    ("城市建筑垃圾处置核准", "housing", "construction", "licensing", "promised", 20, 5, ["project"], ALL,
     [("建筑垃圾处置方案", "required", [])], {}),
    ("危险化学品经营许可", "emergency", "construction", "licensing", "promised", 30, 15, ["safety"], ALL,
     [("安全评价报告", "required", []), ("安全管理制度", "required", [])], {}),
    ("建设工程消防验收", "housing", "construction", "licensing", "promised", 15, 10, ["project", "safety"], ALL,
     [("工程竣工验收报告", "required", []), ("消防产品质量合格证明", "required", [])], {}),
    ("房屋建筑和市政基础设施工程竣工验收备案", "housing", "construction", "filing", "promised", 15, 5, ["project"], ALL,
     [("工程竣工验收报告", "required", []), ("规划、消防等部门出具的认可文件", "required", [])], {}),
    ("不动产首次登记", "natural-resources", "construction", "confirmation", "promised", 30, 5, ["property", "project"], ALL,
     [("不动产权籍调查成果", "required", []), ("竣工验收备案证明", "required", [])], {}),
    ("不动产转移登记", "natural-resources", "construction", "confirmation", "promised", 30, 3, ["property"], KIOSK,
     [("不动产权证书", "required", []), ("买卖合同", "required", []), ("完税凭证", "required", [])], {"object": "both"}),
    ("档案查询", "archives", "general", "public_service", "immediate", 1, 0, [], KIOSK,
     [("查询人身份证件", "required", [])], {"object": "both", "visits": 0}),
    ("就业登记", "hrss", "general", "public_service", "immediate", 1, 0, ["social", "talent"], KIOSK,
     [("劳动合同", "required", [])], {"object": "both", "visits": 0}),
    ("失业保险金申领", "hrss", "general", "payment", "promised", 20, 5, ["social"], ALL,
     [("身份证件", "required", [])], {"object": "natural", "visits": 0}),
    ("高校毕业生就业见习补贴申领", "hrss", "general", "payment", "promised", 20, 10, ["talent", "policy"], ALL,
     [("见习协议", "required", []), ("见习人员花名册", "required", [])], {}),
    ("职工基本养老保险个人参保登记", "hrss", "general", "public_service", "immediate", 1, 0, ["social"], KIOSK,
     [], {"object": "natural", "visits": 0}),
    ("住房公积金提取", "provident-fund", "general", "public_service", "immediate", 3, 0, ["housing-fund"], KIOSK,
     [("提取证明材料", "required", [])], {"object": "natural", "visits": 0}),
    ("住房公积金个人住房贷款申请", "provident-fund", "general", "public_service", "promised", 15, 5, ["housing-fund"], ALL,
     [("购房合同", "required", []), ("收入证明", "required", [])], {"object": "natural"}),
    ("人才引进落户", "public-security", "general", "public_service", "promised", 10, 3, ["talent"], ALL,
     [("学历或职称证书", "required", []), ("劳动合同", "required", [])], {"object": "natural"}),
    ("高新技术企业认定申报", "science", "general", "confirmation", "promised", 60, 30, ["tech", "policy"], ["web", "window", "proxy"],
     [("知识产权证明", "required", []), ("研发费用专项审计报告", "required", [])], {}),
    ("科技型中小企业评价入库", "science", "general", "confirmation", "promised", 20, 10, ["tech"], ["web", "window", "proxy"],
     [], {"visits": 0}),
    ("专精特新中小企业认定申报", "industry", "general", "confirmation", "promised", 60, 30, ["tech", "policy"], ["web", "window", "proxy"],
     [("近两年财务审计报告", "required", [])], {}),
    ("统计单位名录库信息变更", "statistics", "general", "other_power", "immediate", 1, 0, [], ALL, [], {"visits": 0}),
    ("惠企政策兑现申请", "economic", "general", "payment", "promised", 20, 10, ["policy"], ALL,
     [("政策兑现申请表", "required", []), ("相关证明材料", "required", [])], {}),
    ("亩产效益评价结果异议申请", "economic", "general", "other_power", "promised", 10, 5, ["policy"], ALL,
     [("异议说明及证明材料", "required", [])], {}),
]

# What people actually say at the counter and type into the search box (检索关键词), per item.
KEYWORDS = {
    "企业设立登记": "营业执照、开公司、注册公司、办执照、工商注册",
    "企业变更登记": "执照变更、公司改名、换法人、增资、迁址",
    "企业注销登记": "注销公司、关公司、公司注销",
    "企业名称自主申报": "核名、起名、公司名称",
    "个体工商户设立登记": "个体户、个体执照、开店、营业执照",
    "印章刻制备案": "刻章、公章、刻公章、印章",
    "发票申领": "领发票、开票、税控盘",
    "发票验旧": "发票缴销、验旧",
    "税务登记信息确认": "税务报到、税号、新办纳税人",
    "增值税专用发票最高开票限额审批": "专票、开票限额、增值税专票",
    "单位社会保险参保登记": "社保、社保开户、单位参保、交社保",
    "单位住房公积金缴存登记": "公积金开户、单位公积金、交公积金",
    "食品经营许可": "食品证、餐饮许可证、开饭店、开餐馆",
    "特种设备使用登记": "电梯登记、锅炉登记、叉车登记",
    "企业投资项目备案": "立项、投资备案",
    "节能审查": "能评、节能评估",
    "建设项目用地预审与选址意见书核发": "用地预审、选址意见书、选址",
    "建设用地规划许可证核发": "用地规划许可、规划证、拿地",
    "建设工程规划许可证核发": "工程规划许可、规划证、报规",
    "施工图设计文件审查备案": "施工图审查、图审",
    "建筑工程施工许可证核发": "施工许可、施工证、开工证、开工许可",
    "建设工程消防设计审查": "消防审查、消防设计",
    "建设项目环境影响报告表审批": "环评、环评审批、环境影响评价",
    "排污许可证核发": "排污证、排污许可",
    "城市建筑垃圾处置核准": "渣土、渣土运输、建筑垃圾",
    "危险化学品经营许可": "危化品、危险品经营、危化证",
    "建设工程消防验收": "消防验收、消防备案",
    "房屋建筑和市政基础设施工程竣工验收备案": "竣工验收、竣工备案、联合验收",
    "不动产首次登记": "房产证、土地证、首次登记、办证、产权证",
    "不动产转移登记": "过户、房产过户、房产证、产权转移",
    "档案查询": "查档案、人事档案、档案证明",
    "就业登记": "招工、用工备案、就业备案、招聘登记",
    "失业保险金申领": "失业金、失业补助、社保",
    "高校毕业生就业见习补贴申领": "见习补贴、毕业生补贴、实习补贴",
    "职工基本养老保险个人参保登记": "社保、个人参保、交社保、养老",
    "住房公积金提取": "公积金提取、取公积金、提公积金",
    "住房公积金个人住房贷款申请": "公积金贷款、房贷、买房贷款",
    "人才引进落户": "落户、人才落户、迁户口、户口",
    "高新技术企业认定申报": "高企、高新认定、高企认定",
    "科技型中小企业评价入库": "科小、科小入库、科技型中小企业入库",
    "专精特新中小企业认定申报": "专精特新、小巨人",
    "统计单位名录库信息变更": "统计名录、统计信息变更",
    "惠企政策兑现申请": "补贴、奖补、政策兑现、奖励资金",
    "亩产效益评价结果异议申请": "亩产评价、亩均效益、评价异议",
}

# code, name, zone, lead department, promised WD, items, 共享材料 (the guide's list: what the combined form marks
# 共享材料, one material several items use — a test keeps the two the same), description
BUNDLES = [
    ("startup-one", "企业开办一件事", "startup", "market", 1,
     ["企业设立登记", "印章刻制备案", "发票申领", "税务登记信息确认", "单位社会保险参保登记", "单位住房公积金缴存登记"],
     "营业执照（电子证照可免交）",
     "企业设立、印章刻制、发票申领、税务信息确认、社保和公积金登记一表申请、一窗受理、并联办理，1个工作日办结，"
     "营业执照、印章、发票一次领取，可选择免费邮寄。"),
    ("construction-start", "项目开工一件事", "construction", "housing", 15,
     ["企业投资项目备案", "建设用地规划许可证核发", "建设工程规划许可证核发", "施工图设计文件审查备案", "建筑工程施工许可证核发"],
     "营业执照（电子证照可免交）",
     "“拿地即开工”：土地出让合同签订后，用地规划、工程规划、施工许可并联审批，帮代办专员全程代办。"),
    ("handover-certificate", "交房即交证一件事", "construction", "natural-resources", 10,
     ["建设工程消防验收", "房屋建筑和市政基础设施工程竣工验收备案", "不动产首次登记", "不动产转移登记"],
     "营业执照（电子证照可免交）\n工程竣工验收报告",
     "竣工验收、首次登记与转移登记联动办理，购房人在交房当天领取不动产权证书。"),
]

WINDOWS = [
    ("startup", "1", "企业开办服务专窗", "specialist"), ("startup", "2", "综合窗口", "general"),
    ("construction", "5", "企业服务专区“帮代办”服务专窗", "specialist"), ("construction", "6", "工程建设综合窗口", "general"),
    ("general", "9", "“一件事一次办”政策兑现综合窗", "specialist"), ("general", "10", "综合窗口", "general"),
]


def _form_xlsx(title: str, sample: bool) -> bytes:
    """A blank application form (or a filled sample) as a small Excel file."""
    rows = [("申请人（单位名称）", "湖南示例科技有限公司"), ("统一社会信用代码", "91430300MA4L000020"),
            ("法定代表人", "张三"), ("联系人及电话", "李四 138****5678"), ("申请事项", title.removesuffix("申请表")),
            ("申请日期", "2026年11月1日"), ("申请人签章", "（盖章）")]
    buffer = io.BytesIO()
    write_workbook(buffer, [Table("申请表", ["项目", "填写内容"], [(label, example if sample else "") for label, example in rows],
                                  title=title + ("（样表）" if sample else ""), widths={"项目": 22, "填写内容": 46})])
    return buffer.getvalue()


def build_demo_catalog(*, actor) -> dict:
    """Zones, themes, windows, items with their search keywords (published through the service),
    bundles, and the search synonym list."""
    seed_default_synonyms(SearchSynonym)
    zones = {code: ServiceZone.objects.create(code=code, name=name, description=desc, sort_order=i)
             for i, (code, name, desc) in enumerate(ZONES)}
    themes = {code: Theme.objects.create(code=code, name=name, sort_order=i) for i, (code, name) in enumerate(THEMES)}
    departments = {u.code: u for u in OrgUnit.objects.all()}
    items = {}
    for n, (name, dept, zone, item_type, case_type, statutory, promised, theme_codes, channels, extra, opt) in enumerate(ITEMS, 1):
        department = departments[dept]
        code = f"430371{department.sort_order:02d}{'XK' if item_type == 'licensing' else 'GG'}{n:04d}"
        item = services.item_create(
            actor=actor, implementation_code=code, department=department, zone=zones[zone],
            themes=[themes[t] for t in theme_codes], keywords=KEYWORDS[name], name=name, basic_code=f"{code[:8]}{n:03d}000",
            item_type=item_type, case_type=case_type, statutory_limit=statutory, promised_limit=promised,
            service_object=opt.get("object", "legal"), channels=channels, visits=opt.get("visits", 1),
            online_depth=4 if "web" in channels and opt.get("visits", 1) == 0 else (3 if "web" in channels else 1),
            online_url="https://zwfw-new.hunan.gov.cn/" if "web" in channels else "",
            tolerance_allowed=opt.get("tolerance", False), commitment_allowed=opt.get("commitment", False),
            conditions=f"申请人符合《{name}》相关法律法规规定的条件，申请材料齐全、符合法定形式。",
            legal_basis="《中华人民共和国行政许可法》\n相关法律、法规及湖南省实施办法" if item_type == "licensing" else "相关法律、法规及规范性文件",
            process="申请\n受理\n审查\n决定\n送达" if case_type == "promised" else "申请\n受理并当场办结",
            location=f"湘潭高新区政务服务中心{zones[zone].name}专区", office_hours="工作日 9:00-12:00，13:30-17:30（夏季 14:30-17:30）",
            result_name=name.removesuffix("申请").removesuffix("申领") + ("决定书" if item_type == "licensing" else "结果"),
            delivery="窗口领取、免费邮寄", consult="0731-58580000（政务服务中心咨询台）",
            complain="12345 政务服务便民热线；政务服务中心“办不成事”反映窗口",
            faq="问：可以委托他人办理吗？\n答：可以，受托人携带授权委托书及本人身份证件办理；也可申请免费帮代办。",
        )
        version = item.versions.get()
        situations = {s: Situation.objects.create(version=version, name=s, sort_order=i)
                      for i, s in enumerate(opt.get("situations", []))}
        form_name = f"{name}申请表"
        form = Material.objects.create(version=version, name=form_name, necessity="required", originals=1, copies=0,
                                       notes="用黑色墨水笔填写，加盖单位公章", sort_order=0)
        form.blank_form.save("blank.xlsx", ContentFile(_form_xlsx(form_name, False)), save=False)
        form.sample_form.save("sample.xlsx", ContentFile(_form_xlsx(form_name, True)), save=False)
        form.save()
        # A firm's business licence is an 电子证照: issued electronically, shared, never to be uploaded (the item's
        # own "营业执照" is this one material, not a second one).
        if opt.get("object", "legal") == "legal":
            Material.objects.create(version=version, name="营业执照（电子证照可免交）", necessity="required", originals=0,
                                    copies=0, source="government", form="electronic", sort_order=1,
                                    notes="已领取电子营业执照的，通过电子证照共享获取，无需提交")
        else:
            Material.objects.create(version=version, name="申请人身份证件", necessity="required", originals=1,
                                    copies=1, source="government", sort_order=1)
        for i, (mname, necessity, sits) in enumerate(extra, start=2):
            material = Material.objects.create(version=version, name=mname, necessity=necessity, originals=1,
                                               copies=1, sort_order=i)
            material.situations.set([situations[s] for s in sits])
        services.version_publish(version=version, actor=actor)
        items[name] = item
    for zone_code, number, wname, kind in WINDOWS:
        window = Window.objects.create(zone=zones[zone_code], number=number, name=wname, kind=kind)
        window.items.set([i for i in items.values() if i.zone_id == zones[zone_code].pk])
    for code, name, zone, lead, limit, item_names, shared, description in BUNDLES:
        bundle = Bundle.objects.create(code=code, name=name, zone=zones[zone], lead_department=departments[lead],
                                       promised_limit=limit, shared_materials=shared, description=description)
        bundle.form.save(f"{code}.xlsx", ContentFile(_form_xlsx(f"{name}申请表", False)))
        BundleItem.objects.bulk_create([BundleItem(bundle=bundle, item=items[n], sort_order=i)
                                        for i, n in enumerate(item_names)])
    # One item with a later version, so the demo shows versioning and the "changed since print" notice.
    first = items["企业设立登记"]
    draft = services.version_create_draft(item=first, actor=actor)
    ItemVersion.objects.filter(pk=draft.pk).update(promise_note="材料齐全当场受理，1个工作日内办结；可选择免费邮寄执照")
    services.version_publish(version=ItemVersion.objects.get(pk=draft.pk), actor=actor)
    return {"items": len(items), "bundles": len(BUNDLES), "synonyms": SearchSynonym.objects.count()}
