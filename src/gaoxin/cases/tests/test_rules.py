"""Clock rules, 补正, 容缺, bundles, 好差评 and the daily sweep."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gaoxin.cases import services, tasks
from gaoxin.cases.models import Case, CreditRestriction, RectificationStatus, Status
from gaoxin.catalog.models import Bundle, BundleItem
from gaoxin.catalog.tests.factories import make_item
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.notify import MemoryBackend

D = dt.date
APPROVAL = {"opinion": "符合法定条件、标准", "licence_number": "湘高新许字〔2026〕第0001号"}


@pytest.fixture
def on(monkeypatch):
    """Freeze the case services' notion of today."""
    def set_day(day):
        monkeypatch.setattr(services, "today", lambda: day)
        monkeypatch.setattr(tasks.services, "today", lambda: day)
    return set_day


def test_deadline_counts_working_days_from_the_day_after_acceptance(item, submit, clerk_user, on):
    on(D(2026, 9, 28))
    case = submit(item)
    Case.objects.filter(pk=case.pk).update(promised_limit=20)
    case = services.case_transition(case=Case.objects.get(pk=case.pk), name="ACCEPT", actor=clerk_user)
    assert case.accepted_on == D(2026, 9, 28) and case.due_date == D(2026, 10, 30)  # National Day skipped


def test_suspension_moves_the_deadline_and_extension_adds_days(item, submit, clerk_user, officer, on):
    on(D(2025, 12, 1))
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)  # due Tue 12-02
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="SUSPEND", actor=officer, reason="专家评审")
    on(D(2025, 12, 5))
    case = services.case_transition(case=case, name="RESUME", actor=officer)
    assert case.suspended_days == 4 and case.due_date == D(2025, 12, 8)  # 12-02, 03, 04, 05 not counted
    case = services.case_transition(case=case, name="EXTEND", actor=officer, reason="情况复杂，经负责人批准", days=10)
    assert case.due_date == D(2025, 12, 22) and case.extension_days == 10
    on(D(2025, 12, 23))
    with pytest.raises(ValidationError, match="已超过办结期限"):
        services.case_transition(case=case, name="EXTEND", actor=officer, reason="太晚了")


def test_correction_notice_within_five_working_days_else_deemed_accepted(item, submit, clerk_user, on):
    on(D(2025, 9, 30))
    case = submit(item)
    assert case.correction_notice_due == D(2025, 10, 14)  # services.md §13.4
    on(D(2025, 10, 15))
    with pytest.raises(ValidationError, match="视为受理"):
        services.case_transition(case=case, name="REQUEST_CORRECTION", actor=clerk_user, reason="缺章程")
    counts = tasks.sweep()
    case.refresh_from_db()
    assert counts["deemed_accepted"] == 1
    assert case.status == Status.ACCEPTED and case.accepted_on == D(2025, 9, 30)  # the receipt date


def test_acceptance_after_correction_is_the_completion_day(item, submit, clerk_user, on):
    on(D(2026, 3, 2))
    case = submit(item, originals=set())
    with pytest.raises(ValidationError, match="必要材料尚未收到"):
        services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="REQUEST_CORRECTION", actor=clerk_user, reason="请补交申请表")
    case.materials.filter(material__necessity="required").update(original_seen=True)
    on(D(2026, 3, 10))
    case = services.case_transition(case=case, name="COMPLETE_CORRECTION", actor=clerk_user)
    assert case.accepted_on == D(2026, 3, 10) and case.due_date == D(2026, 3, 11)


def tolerance_kwargs(case, supply_days):
    owed = case.materials.get(material__necessity="tolerance").material_id
    return {"owed": [owed], "supply_days": supply_days, "commitment": True}


def test_tolerance_acceptance_rules(item, submit, clerk_user, own_enterprise, on):
    on(D(2026, 3, 2))
    case = submit(item)
    required = case.materials.filter(material__necessity="required").first().material_id
    with pytest.raises(ValidationError, match="主要材料"):
        services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk_user,
                                 owed=[required], supply_days=1, commitment=True)
    with pytest.raises(ValidationError, match="承诺书"):
        services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk_user,
                                 **(tolerance_kwargs(case, 1) | {"commitment": False}))
    with pytest.raises(ValidationError, match="补齐期限应为1至10个工作日"):
        services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk_user,
                                 **tolerance_kwargs(case, 11))  # beyond GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS
    CreditRestriction.objects.create(uscc=own_enterprise.uscc, reason="严重失信")
    with pytest.raises(ValidationError, match="信用限制"):
        services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk_user,
                                 **tolerance_kwargs(case, 1))
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


def test_tolerance_supply_and_approval(item, submit, clerk_user, officer, enterprise_user, on):
    on(D(2026, 3, 2))
    case = submit(item)
    case = services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk_user,
                                    **tolerance_kwargs(case, 1))
    assert case.tolerance and case.tolerance_due == D(2026, 3, 3)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="APPROVE", actor=officer, **APPROVAL)
    assert case.status == Status.DECIDED_OK_TOLERANCE  # 办结（容缺通过）
    owed = case.materials.get(owed=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.case_supply_owed(case=case, material_id=owed.material_id, actor=enterprise_user,
                              upload=SimpleUploadedFile("租赁合同.pdf", b"%PDF-1.4 lease"))
    case.refresh_from_db()
    assert case.status == Status.DECIDED_OK


def test_tolerance_default_terminates_and_reminders_are_sent_once(item, submit, clerk_user, on,
                                                                 django_capture_on_commit_callbacks):
    on(D(2026, 3, 2))
    case = submit(item)
    case = services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk_user,
                                    **tolerance_kwargs(case, 1))
    with django_capture_on_commit_callbacks(execute=True):  # reminders go out after commit
        counts = tasks.sweep()
    assert counts["tolerance_reminders"] == 1 and tasks.sweep()["tolerance_reminders"] == 0
    assert Notification.objects.filter(url=f"/cases/{case.number}/", kind="TOLERANCE_REMINDER").exists()
    on(D(2026, 3, 4))
    assert tasks.sweep()["terminated"] == 1
    case.refresh_from_db()
    assert case.status == Status.TERMINATED


def test_immediate_item_completes_at_once(immediate_item, submit):
    case = submit(immediate_item, channel="kiosk")
    case = services.case_transition(case=case, name="COMPLETE_IMMEDIATE", actor=None)
    assert case.status == Status.DELIVERED and case.due_date == case.accepted_on == case.delivered_on


def test_bundle_package_completes_when_every_child_does(admin_user, item, clerk_user, officer, own_enterprise, market):
    second = make_item(admin_user, code="43037105XK0050", name="印章刻制备案", situations=())
    bundle = Bundle.objects.create(code="startup-one", name="企业开办一件事", zone=item.zone, lead_department=market,
                                   promised_limit=1)
    BundleItem.objects.bulk_create([BundleItem(bundle=bundle, item=item, sort_order=0),
                                    BundleItem(bundle=bundle, item=second, sort_order=1)])
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise, phone="13800000000")
    package = services.bundle_submit(bundle=bundle, applicant=applicant, channel="window", actor=clerk_user)
    children = list(package.children.all())
    assert len(children) == 2 and {c.version.name for c in children} == {"企业设立登记", "印章刻制备案"}
    for child in children:
        child.materials.update(original_seen=True)
    services.package_accept(package=package, actor=clerk_user)
    package.refresh_from_db()
    assert package.status == Status.ACCEPTED
    for child in package.children.all():
        child = services.case_transition(case=child, name="START_REVIEW", actor=officer)
        child = services.case_transition(case=child, name="APPROVE", actor=officer, **APPROVAL)
        package.refresh_from_db()
        assert package.status != Status.DELIVERED or all(c.status == Status.DELIVERED for c in package.children.all())
        services.case_transition(case=child, name="DELIVER", actor=clerk_user, method="post", postal_recipient="王磊",
                                 postal_phone="13812345678", postal_address="湖南省湘潭市岳塘区芙蓉中路9号", tracking_number="SF1400000001")
    package.refresh_from_db()
    assert package.status == Status.DELIVERED


def delivered(item, submit, clerk_user, officer):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="APPROVE", actor=officer, **APPROVAL)
    return services.case_transition(case=case, name="DELIVER", actor=clerk_user, method="window")


def test_bad_review_opens_a_rectification_with_a_deadline(item, submit, clerk_user, officer, enterprise_user, admin_user,
                                                          django_capture_on_commit_callbacks):
    case = delivered(item, submit, clerk_user, officer)
    with pytest.raises(ValidationError, match="原因"):
        services.review_submit(case=case, level=1, comment="", actor=enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_submit(case=case, level=2, comment="窗口等候时间太长", actor=enterprise_user)
    rect = review.rectification
    assert rect.department == case.department and rect.due_date > services.today()
    assert Notification.objects.filter(user=officer, kind="BAD_REVIEW").exists()
    with pytest.raises(ValidationError):
        services.review_submit(case=case, level=5, comment="", actor=enterprise_user)  # one review per case
    with pytest.raises(ValidationError):
        services.rectification_transition(rectification=rect, actor=officer, name="REVISIT")
    rect = services.rectification_transition(rectification=rect, actor=officer, name="RECTIFY",
                                             measures="增设综窗，实行预约")
    before = AuditEvent.objects.count()
    services.rectification_transition(rectification=rect, actor=admin_user, name="REVISIT",
                                      visit_note="电话回访，企业认可", visit_result=3)
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.REVISITED and AuditEvent.objects.count() == before + 1


def test_good_review_needs_no_rectification(item, submit, clerk_user, officer, enterprise_user):
    case = delivered(item, submit, clerk_user, officer)
    review = services.review_submit(case=case, level=5, comment="", actor=enterprise_user)
    assert not hasattr(review, "rectification")


def test_notifications_in_app_and_by_sms(item, submit, clerk_user, enterprise_user, django_capture_on_commit_callbacks):
    MemoryBackend.outbox.clear()
    case = submit(item)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
    note = Notification.objects.get(user=enterprise_user, kind="ACCEPT")
    assert case.number in note.message and "办结期限" in note.message
    assert MemoryBackend.outbox[-1][0] == "13812345678"


def test_citizen_application_needs_a_valid_id_number(item, clerk_user):
    bad = services.Applicant(type="citizen", name="王五", id_number="110105194912310021", phone="13800000000")
    with pytest.raises(ValidationError, match="校验码"):
        services.case_submit(item=item, applicant=bad, channel="window", actor=clerk_user)


def test_case_numbers_continue_the_days_counter(item, submit):
    """The day's sequence is the kernel's counter (carried over from the old per-day counter)."""
    from gaoxin.core.models import DocumentCounter

    day = services.today()
    DocumentCounter.objects.create(prefix="GX", period=f"{day:%Y%m%d}", last=41)
    assert [submit(item).number for _ in range(2)] == [f"GX{day:%Y%m%d}00042", f"GX{day:%Y%m%d}00043"]
