"""Scoring runs, enterprise verification, objections, re-grading and release (specs/evaluation.md
§12.2–§12.6): who may do what, in which state, and that each change writes one audit event."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits.models import ProfileFact
from gaoxin.core.models import AuditEvent, Job, JobStatus, Notification
from gaoxin.evaluation import objections, scoring, services
from gaoxin.evaluation.models import (
    Cycle,
    CycleStatus,
    CycleValue,
    Objection,
    ObjectionStage,
    Participant,
    Regrade,
    Release,
    RunStatus,
    ScoreResult,
    ScoreRun,
    TierHistory,
)
from gaoxin.evaluation.tests.conftest import OWN, own_participant
from gaoxin.evaluation.tests.helpers import DOC, close_notice, score, walk

S = CycleStatus


def evidence(name="申报表.pdf", content=b"%PDF-1.4 test"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def events(kind):
    return AuditEvent.objects.filter(event_type=kind).count()


def tiers(run):
    return dict(ScoreResult.objects.filter(run=run).values_list("participant__enterprise_id", "final_tier"))


# --- scoring runs -----------------------------------------------------------------------

def test_first_run_moves_to_scored_freezes_the_method_and_stores_hashes_and_results(admin_user, confirming, firms):
    before = {k: events(k) for k in ("evaluation.cycle.score", "evaluation.score.start", "evaluation.score.finish")}
    run = score(confirming, admin_user)
    cycle = Cycle.objects.get(pk=confirming.pk)
    assert cycle.status == S.SCORED and cycle.current_run == run and len(cycle.method_hash) == 64
    assert run.status == RunStatus.DONE and run.method_hash == cycle.method_hash and len(run.input_hash) == 64
    assert run.counts == {"ABOVE": {"A": 2, "B": 4, "C": 3, "D": 1}}
    by_firm = tiers(run)
    assert [by_firm[f.pk] for f in firms] == ["A", "A", "B", "B", "B", "B", "C", "C", "C", "D"]
    top = ScoreResult.objects.get(run=run, participant__enterprise=firms[0])
    assert top.rank == 1 and top.indicators["I1"]["value"] == pytest.approx(1000 / 15)
    assert {k: events(k) - n for k, n in before.items()} == dict.fromkeys(before, 1)
    assert set(Participant.objects.filter(cycle=cycle).values_list("record_status", flat=True)) == {"SCORED"}


def test_the_input_hash_follows_the_figures(admin_user, confirming, firms, tax_unit):
    first = score(confirming, admin_user)
    again = score(Cycle.objects.get(pk=confirming.pk), admin_user)
    assert again.input_hash == first.input_hash and again.number == 2
    CycleValue.objects.filter(participant__enterprise=firms[5], field="tax_wan").update(verified=Decimal("501"))
    third = score(Cycle.objects.get(pk=confirming.pk), admin_user)
    assert third.input_hash != first.input_hash


def test_input_uses_verified_over_reported_and_registry_land(admin_user, confirming, firms):
    row = CycleValue.objects.get(participant__enterprise=firms[0], field="tax_wan")
    row.reported = Decimal("5")
    row.save()
    CycleValue.objects.create(participant=own_participant(confirming, firms), field="rd_wan", reported=Decimal("7"))
    frame = scoring.input_frame(confirming)
    first = frame.filter(frame["uscc"] == firms[0].uscc).row(0, named=True)
    own = frame.filter(frame["uscc"] == firms[OWN].uscc).row(0, named=True)
    assert first["tax_wan"] == 1000 and first["own_land_m2"] == 10000 and own["rd_wan"] == 7


def test_natural_resources_correcting_one_kind_of_land_keeps_the_others_from_the_registry(confirming, firms):
    """QA walk of issue 14: natural resources corrected the own land; the leased-in land from the registry
    vanished from the area (27000 m² instead of 30895)."""
    from gaoxin.enterprises.models import LandKind
    from gaoxin.enterprises.tests.factories import LandParcelFactory

    LandParcelFactory(enterprise=firms[OWN], kind=LandKind.LEASED_IN, area_m2=Decimal("3895"))
    p = own_participant(confirming, firms)
    CycleValue.objects.create(participant=p, field="own_land_m2", verified=Decimal("27000"))
    row = scoring.input_frame(confirming, [p.pk]).row(0, named=True)
    assert (row["own_land_m2"], row["leased_in_m2"]) == (27000, 3895)
    land = scoring.land_of(p)
    assert land["m2"] == 30895 and [k["source"] for k in land["kinds"][:2]] == ["自然资源部门核定", "企业档案地块"]


@pytest.mark.parametrize("status", [S.COLLECTING, S.DEPT_REVIEW, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.RELEASED])
def test_scoring_is_refused_outside_its_states(admin_user, confirming, status):
    Cycle.objects.filter(pk=confirming.pk).update(status=status)
    with pytest.raises(ValidationError, match="不能发起测算"):
        scoring.score_start(actor=admin_user, cycle=confirming)
    assert not ScoreRun.objects.exists()


def test_only_the_bureau_scores_and_one_run_at_a_time(admin_user, confirming, tax_officer, leader_user):
    for user in (tax_officer, leader_user):
        with pytest.raises(PermissionDenied):
            scoring.score_start(actor=user, cycle=confirming)
    scoring.score_start(actor=admin_user, cycle=confirming)  # queued, not yet computed
    with pytest.raises(ValidationError, match="正在进行"):
        scoring.score_start(actor=admin_user, cycle=Cycle.objects.get(pk=confirming.pk))


def test_the_task_reports_progress_and_a_failed_run_is_marked(admin_user, confirming, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = scoring.score_start(actor=admin_user, cycle=confirming)
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.SUCCEEDED and job.result["counts"]["A"] == 2 and "A类2家" in job.message
    assert run.status == RunStatus.DONE
    Participant.objects.filter(cycle=confirming).update(group="NOPE")  # nothing the method can rate
    with django_capture_on_commit_callbacks(execute=True):
        failed = scoring.score_start(actor=admin_user, cycle=Cycle.objects.get(pk=confirming.pk))
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED and Job.objects.get(pk=failed.job_id).status == JobStatus.FAILED
    assert Cycle.objects.get(pk=confirming.pk).current_run == run
    assert not ScoreResult.objects.filter(run=failed).exists()


# --- enterprise verification ----------------------------------------------------------------

def test_enterprise_confirms_its_figures_once(enterprise_user, confirming, firms):
    p = own_participant(confirming, firms)
    n = events("evaluation.data.enterprise_confirm")
    objections.enterprise_confirm(actor=enterprise_user, participant=p)
    assert Participant.objects.get(pk=p.pk).record_status == "CONFIRMED"
    assert events("evaluation.data.enterprise_confirm") == n + 1
    with pytest.raises(ValidationError, match="已确认"):
        objections.enterprise_confirm(actor=enterprise_user, participant=p)


def test_an_enterprise_cannot_confirm_or_dispute_another_firm(enterprise_user, confirming, firms):
    other = confirming.participants.get(enterprise=firms[0])
    with pytest.raises(PermissionDenied):
        objections.enterprise_confirm(actor=enterprise_user, participant=other)
    with pytest.raises(PermissionDenied):
        objections.objection_file(actor=enterprise_user, participant=other, field="tax_wan", claimed="1",
                                  reason="x", evidence=evidence())


def test_a_dispute_goes_to_the_owning_department_which_corrects_it(enterprise_user, confirming, firms, tax_officer,
                                                                   stats_officer, admin_user,
                                                                   django_capture_on_commit_callbacks):
    p = own_participant(confirming, firms)
    o = objections.objection_file(actor=enterprise_user, participant=p, field="tax_wan", claimed="850",
                                  reason="漏计12月入库税款", evidence=evidence())
    assert (o.stage, o.owner_code, o.current, o.status) == (ObjectionStage.VERIFY, "tax", Decimal("800"), "OPEN")
    assert Participant.objects.get(pk=p.pk).record_status == "UNDER_REVIEW"
    with pytest.raises(ValidationError, match="核实异议"):
        scoring.score_start(actor=admin_user, cycle=confirming)
    with pytest.raises(PermissionDenied):
        objections.objection_decide(actor=stats_officer, objection=o, correct=True, reason="同意")
    with pytest.raises(ValidationError, match="处理意见"):
        objections.objection_decide(actor=tax_officer, objection=o, correct=True, reason=" ")
    n = events("evaluation.objection.decide")
    with django_capture_on_commit_callbacks(execute=True):  # the firm is told after commit
        objections.objection_decide(actor=tax_officer, objection=o, correct=True, reason="经核对金税系统，予以更正")
    value = CycleValue.objects.get(participant=p, field="tax_wan")
    assert value.verified == Decimal("850") and value.verified_by.code == "tax"
    assert events("evaluation.objection.decide") == n + 1
    assert Participant.objects.get(pk=p.pk).record_status == "REVIEWED"
    told = Notification.objects.get(kind="EVALUATION_OBJECTION", user=enterprise_user)
    assert "采纳，更正为850" in told.message and "实缴税收" in told.message
    with pytest.raises(ValidationError, match="已处理"):
        objections.objection_decide(actor=tax_officer, objection=o, correct=False, reason="再次处理")


def test_a_rejected_dispute_keeps_the_figure(enterprise_user, confirming, firms, tax_officer):
    p = own_participant(confirming, firms)
    o = objections.objection_file(actor=enterprise_user, participant=p, field="sales_wan", claimed="17000",
                                  reason="含出口销售", evidence=evidence())
    objections.objection_decide(actor=tax_officer, objection=o, correct=False, reason="出口销售已计入，不予更正")
    assert Objection.objects.get(pk=o.pk).decision_label == "不予采纳"
    assert CycleValue.objects.get(participant=p, field="sales_wan").verified == Decimal("16000")


@pytest.mark.parametrize("kwargs, message", [
    ({"field": "water_t"}, "数据项"),
    ({"claimed": "很多"}, "不是数字"),
    ({"field": "sales_wan", "claimed": "-1"}, "负数"),
    ({"reason": " "}, "理由"),
    ({"evidence": None}, "证明材料"),
    ({"evidence": evidence("x.exe", b"MZ")}, "文件类型 .exe 不支持"),
])
def test_a_dispute_is_validated_and_nothing_is_written(enterprise_user, confirming, firms, kwargs, message):
    p = own_participant(confirming, firms)
    args = {"field": "tax_wan", "claimed": "850", "reason": "漏计", "evidence": evidence()} | kwargs
    with pytest.raises(ValidationError, match=message):
        objections.objection_file(actor=enterprise_user, participant=p, **args)
    assert not Objection.objects.exists()


def test_disputes_are_closed_outside_confirmation_and_notice(enterprise_user, confirming, firms):
    Cycle.objects.filter(pk=confirming.pk).update(status=S.SCORED)
    with pytest.raises(ValidationError, match="不能提出异议"):
        objections.objection_file(actor=enterprise_user, participant=own_participant(confirming, firms),
                                  field="tax_wan", claimed="1", reason="x", evidence=evidence())


# --- notice, objections that move tiers, release ----------------------------------------------

@pytest.fixture
def in_notice(admin_user, confirming):
    return walk(confirming, admin_user, S.SCORED, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE)


def test_the_notice_window_counts_configured_days(admin_user, in_notice):
    today = timezone.localdate()
    assert (in_notice.notice_start, in_notice.notice_end) == (today, today + dt.timedelta(days=4))
    cycle = Cycle(notice_length=5, notice_unit="working")
    # 30 Sep, then the National Day holiday (1–8 Oct), 9, 10, 11 (a make-up Saturday) and 13 Oct.
    start, end = services.notice_window(cycle, dt.date(2025, 9, 30))
    assert (start, end) == (dt.date(2025, 9, 30), dt.date(2025, 10, 13))
    assert services.notice_window(cycle, dt.date(2025, 10, 4))[0] == dt.date(2025, 10, 9)
    with pytest.raises(ValidationError, match="期满后"):
        services.cycle_transition(actor=admin_user, cycle=in_notice, name="RESOLVE_OBJECTIONS")


def test_a_late_objection_is_refused(enterprise_user, in_notice, firms):
    close_notice(in_notice)
    with pytest.raises(ValidationError, match="逾期不再受理"):
        objections.objection_file(actor=enterprise_user, participant=own_participant(in_notice, firms),
                                  field="tax_wan", claimed="1100", reason="x", evidence=evidence())


def test_an_upheld_objection_rescoring_the_group_moves_two_firms_and_tells_both(
        admin_user, enterprise_user, tax_officer, in_notice, firms, django_capture_on_commit_callbacks):
    from gaoxin.accounts.models import EnterpriseMembership

    displaced_user = UserFactory(role=Role.ENTERPRISE)
    EnterpriseMembership.objects.create(user=displaced_user, enterprise=firms[1])
    first = in_notice.current_run
    o = objections.objection_file(actor=enterprise_user, participant=own_participant(in_notice, firms),
                                  field="tax_wan", claimed="1100", reason="汇算清缴补缴税款未计入", evidence=evidence())
    assert o.stage == ObjectionStage.NOTICE
    objections.objection_decide(actor=tax_officer, objection=o, correct=True, reason="核实属实")
    cycle = walk(Cycle.objects.get(pk=in_notice.pk), admin_user, S.OBJECTION_RESOLUTION)
    with pytest.raises(ValidationError, match="尚未重新测算"):
        services.cycle_transition(actor=admin_user, cycle=cycle, name="RELEASE", doc_no=DOC)
    with django_capture_on_commit_callbacks(execute=True):  # every firm whose tier moved is told after commit
        second = score(cycle, admin_user, note="异议更正后重新测算")
    changes = list(scoring.tier_changes(second, first))
    assert {(c.participant.enterprise_id, c.old_tier, c.final_tier) for c in changes} == {
        (firms[OWN].pk, "B", "A"), (firms[1].pk, "A", "B")}
    reasons = {c.participant.enterprise_id: scoring.change_reason(c, scoring.corrections_between(second, first))
               for c in changes}
    assert "本企业异议更正：实缴税收（万元） 800 → 1100" in reasons[firms[OWN].pk]
    assert "第2名 → 第3名" in reasons[firms[1].pk]
    told = Notification.objects.filter(kind="EVALUATION_TIER")
    assert set(told.values_list("user", flat=True)) == {enterprise_user.pk, displaced_user.pk}
    cycle = walk(Cycle.objects.get(pk=cycle.pk), admin_user, S.RELEASED)
    release = Release.objects.get(cycle=cycle)
    assert (release.version, release.run, release.doc_no) == (1, second, DOC)
    assert TierHistory.objects.get(enterprise=firms[OWN], year=2025).tier == "A"
    assert set(Participant.objects.filter(cycle=cycle).values_list("record_status", flat=True)) == {"PUBLISHED"}
    fact = ProfileFact.objects.get(enterprise=firms[OWN], field="evaluation_tier")
    assert (fact.text, fact.source) == ("A", f"亩产效益评价 {DOC}")


def test_a_trial_release_is_not_handed_to_the_enterprise_profile(admin_user, in_notice):
    Cycle.objects.filter(pk=in_notice.pk).update(trial=True)
    walk(Cycle.objects.get(pk=in_notice.pk), admin_user, S.OBJECTION_RESOLUTION, S.RELEASED)
    assert TierHistory.objects.filter(year=2025).count() == 10
    assert not ProfileFact.objects.filter(field="evaluation_tier").exists()


def test_release_waits_for_open_objections(admin_user, enterprise_user, in_notice, firms):
    objections.objection_file(actor=enterprise_user, participant=own_participant(in_notice, firms),
                              field="tax_wan", claimed="1100", reason="x", evidence=evidence())
    cycle = walk(Cycle.objects.get(pk=in_notice.pk), admin_user, S.OBJECTION_RESOLUTION)
    with pytest.raises(ValidationError, match="异议待部门处理"):
        services.cycle_transition(actor=admin_user, cycle=cycle, name="RELEASE", doc_no=DOC)


def test_an_amendment_releases_version_two_and_keeps_version_one(admin_user, in_notice, firms, tax_unit):
    cycle = walk(in_notice, admin_user, S.OBJECTION_RESOLUTION, S.RELEASED, S.AMENDED)
    assert cycle.amendment_reason
    CycleValue.objects.filter(participant__enterprise=firms[9], field="tax_wan").update(verified=Decimal("1500"))
    score(cycle, admin_user, note="更正后重新测算")
    cycle = walk(Cycle.objects.get(pk=cycle.pk), admin_user, S.RELEASED)
    v1, v2 = Release.objects.filter(cycle=cycle).order_by("version")
    assert (v1.version, v2.version, v2.reason) == (1, 2, cycle.amendment_reason)
    assert tiers(v1.run)[firms[9].pk] == "D" and tiers(v2.run)[firms[9].pk] == "B"
    assert TierHistory.objects.get(enterprise=firms[9], year=2025).release_version == 2


# --- manual re-grading ----------------------------------------------------------------------

def test_a_regrade_needs_a_reason_and_a_leaders_approval_and_survives_rescoring(admin_user, leader_user, confirming,
                                                                               firms):
    run = score(confirming, admin_user)
    p = confirming.participants.get(enterprise=firms[9])
    with pytest.raises(ValidationError, match="理由"):
        scoring.regrade_request(actor=admin_user, participant=p, to_tier="C", reason="")
    regrade = scoring.regrade_request(actor=admin_user, participant=p, to_tier="C", reason="受疫情停产三个月，经领导小组研究")
    with pytest.raises(ValidationError, match="待领导审批"):
        services.cycle_transition(actor=admin_user, cycle=Cycle.objects.get(pk=confirming.pk),
                                  name="APPROVE", doc_no=DOC)
    with pytest.raises(PermissionDenied):
        scoring.regrade_decide(actor=admin_user, regrade=regrade, approve=True)
    assert tiers(run)[firms[9].pk] == "D"
    n = events("evaluation.regrade.decide")
    scoring.regrade_decide(actor=leader_user, regrade=regrade, approve=True, note="同意")
    assert events("evaluation.regrade.decide") == n + 1
    result = ScoreResult.objects.get(run=run, participant=p)
    assert (result.tier, result.final_tier) == ("D", "C")
    assert ScoreRun.objects.get(pk=run.pk).counts["ABOVE"] == {"A": 2, "B": 4, "C": 4}
    again = score(Cycle.objects.get(pk=confirming.pk), admin_user)
    assert tiers(again)[firms[9].pk] == "C"
    assert Regrade.objects.get(pk=regrade.pk).approver == leader_user


def test_a_leader_may_not_approve_their_own_request_and_rejection_needs_a_note(admin_user, leader_user, confirming,
                                                                               firms):
    score(confirming, admin_user)
    p = confirming.participants.get(enterprise=firms[9])
    regrade = scoring.regrade_request(actor=admin_user, participant=p, to_tier="C", reason="停产")
    with pytest.raises(ValidationError, match="理由"):
        scoring.regrade_decide(actor=leader_user, regrade=regrade, approve=False)
    scoring.regrade_decide(actor=leader_user, regrade=regrade, approve=False, note="依据不足")
    assert Regrade.objects.get(pk=regrade.pk).status == "REJECTED"
    with pytest.raises(ValidationError, match="已未批准"):
        scoring.regrade_decide(actor=leader_user, regrade=regrade, approve=True)


def test_next_year_benchmarks_come_from_the_released_year(admin_user, in_notice, firms, tax_unit):
    from gaoxin.evaluation.tests.conftest import supply

    walk(in_notice, admin_user, S.OBJECTION_RESOLUTION, S.RELEASED)
    later = services.cycle_create(actor=admin_user, data_year=2026, name="2026年度评价")
    services.participants_populate(actor=admin_user, cycle=later)
    later = walk(later, admin_user, S.SCOPE_CONFIRMED, S.COLLECTING)
    supply(later, admin_user, tax_unit, firms, taxes=[t * 2 for t in (1000, 900, 800, 700, 600, 500, 400, 300, 200, 100)])
    later = walk(later, admin_user, S.DEPT_REVIEW, S.ENTERPRISE_CONFIRM, S.SCORED)
    i1 = next(b for b in later.current_run.benchmarks if b["indicator"] == "I1")
    assert i1["source"] == "prior_year" and i1["benchmark"] == pytest.approx(2 * 5500 / 10 / 15)


# --- bonus, penalty and veto ----------------------------------------------------------------

def test_recorded_events_and_registry_qualifications_move_scores(admin_user, confirming, firms):
    from gaoxin.enterprises.models import Qualification, QualificationKind
    from gaoxin.evaluation import adjustments

    Qualification.objects.create(enterprise=firms[5], kind=QualificationKind.HNTE, valid_from=dt.date(2024, 1, 1),
                                 valid_to=dt.date(2026, 12, 31))
    Qualification.objects.create(enterprise=firms[6], kind=QualificationKind.HNTE, valid_from=dt.date(2020, 1, 1),
                                 valid_to=dt.date(2023, 12, 31))  # expired before the data year ended
    n = events("evaluation.adjustment.set")
    adjustments.adjustment_set(actor=admin_user, participant=confirming.participants.get(enterprise=firms[4]),
                               rule_id="ENV_PENALTY", count=2, evidence="湘潭环罚〔2025〕12号、15号")
    adjustments.adjustment_set(actor=admin_user, participant=confirming.participants.get(enterprise=firms[0]),
                               rule_id="MAJOR_SAFETY", count=1, evidence="湘潭应急〔2025〕3号事故调查报告")
    assert events("evaluation.adjustment.set") == n + 2
    run = score(confirming, admin_user)
    rows = {r.participant.enterprise_id: r for r in ScoreResult.objects.filter(run=run).select_related("participant")}
    assert (rows[firms[5].pk].bonus, rows[firms[6].pk].bonus) == (2, 0)
    assert rows[firms[4].pk].penalty == 6 and rows[firms[0].pk].final_tier == "D"
    assert any("一票否决" in r for r in rows[firms[0].pk].reasons)


def test_events_are_validated_guarded_and_removed_with_count_zero(admin_user, eco_officer, leader_user, confirming,
                                                                  firms):
    from gaoxin.evaluation import adjustments
    from gaoxin.evaluation.models import CycleAdjustment

    p = confirming.participants.get(enterprise=firms[4])
    with pytest.raises(PermissionDenied):
        adjustments.adjustment_set(actor=leader_user, participant=p, rule_id="ENV_PENALTY", count=1, evidence="x")
    for kwargs, message in (({"rule_id": "HNTE"}, "规则"), ({"evidence": " "}, "依据"), ({"count": -1}, "次数")):
        args = {"rule_id": "ENV_PENALTY", "count": 1, "evidence": "湘潭环罚〔2025〕12号"} | kwargs
        with pytest.raises(ValidationError, match=message):
            adjustments.adjustment_set(actor=eco_officer, participant=p, **args)
    adjustments.adjustment_set(actor=eco_officer, participant=p, rule_id="ENV_PENALTY", count=1, evidence="湘潭环罚〔2025〕12号")
    before = scoring.input_hash(scoring.input_frame(confirming), adjustments.adjustments_frame(confirming))
    adjustments.adjustment_set(actor=eco_officer, participant=p, rule_id="ENV_PENALTY", count=0, evidence="")
    assert not CycleAdjustment.objects.exists()
    assert scoring.input_hash(scoring.input_frame(confirming), adjustments.adjustments_frame(confirming)) != before
    Cycle.objects.filter(pk=confirming.pk).update(status=S.PUBLIC_NOTICE)
    with pytest.raises(ValidationError, match="不能录入"):
        adjustments.adjustment_set(actor=admin_user, participant=p, rule_id="ENV_PENALTY", count=1, evidence="x")


def test_a_land_dispute_goes_to_natural_resources(enterprise_user, confirming, firms, django_capture_on_commit_callbacks):
    """Issue 14 §2: land objections route to the natural-resources department, which is told."""
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
    from gaoxin.core.models import Notification

    officer = UserFactory(role=Role.DEPT_OFFICER,
                          org_unit=OrgUnitFactory(code="natural-resources", name="自然资源和规划分局"))
    with django_capture_on_commit_callbacks(execute=True):
        o = objections.objection_file(actor=enterprise_user, participant=own_participant(confirming, firms),
                                      field="own_land_m2", claimed="12000", reason="新增宗地已取得不动产权证",
                                      evidence=evidence())
    assert o.owner_code == "natural-resources"
    assert Notification.objects.filter(user=officer).exists()
    assert o.current == Decimal("10000")  # the registry's parcel in use, shown beside the claim (it showed —)


def test_the_bureau_does_not_decide_another_departments_data(enterprise_user, confirming, firms, tax_officer):
    """QA walk of issue 14: 经发局 rejected an objection to 税务局's 销售收入; the owning department decides."""
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory

    bureau = UserFactory(role=Role.DEPT_OFFICER, org_unit=OrgUnitFactory(code="economic", name="经济发展局"))
    o = objections.objection_file(actor=enterprise_user, participant=own_participant(confirming, firms),
                                  field="sales_wan", claimed="17000", reason="含出口销售", evidence=evidence())
    with pytest.raises(PermissionDenied):
        objections.objection_decide(actor=bureau, objection=o, correct=False, reason="不予更正")
    objections.objection_decide(actor=tax_officer, objection=o, correct=False, reason="出口销售已计入")
