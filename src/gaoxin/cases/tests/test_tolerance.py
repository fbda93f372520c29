"""容缺受理 supply period (services.md §6): its own configurable limit in working days from the day
after acceptance, not capped by the decision deadline; the decision deadline is not moved; the last
day is inclusive in every message, the notice, the supply service and the daily sweep."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.cases import services, tasks
from gaoxin.cases.models import Case, Status
from gaoxin.core.models import AuditEvent, Notification

D = dt.date


@pytest.fixture
def on(monkeypatch):
    def set_day(day):
        monkeypatch.setattr(services, "today", lambda: day)
        monkeypatch.setattr(tasks.services, "today", lambda: day)
    return set_day


def accept(case, clerk, supply_days):
    owed = case.materials.get(material__necessity="tolerance").material_id
    return services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk, owed=[owed],
                                    supply_days=supply_days, commitment=True)


def supply(case, user):
    owed = case.materials.get(owed=True).material_id
    return services.case_supply_owed(case=case, material_id=owed, actor=user,
                                     upload=SimpleUploadedFile("租赁合同.pdf", b"%PDF-1.4 lease"))


def test_supply_period_is_not_capped_by_the_decision_deadline(item, submit, clerk_user, on):
    """The item promises a decision in 1 WD; the applicant still gets the 5 WD it committed to."""
    on(D(2026, 3, 2))  # Monday
    case = accept(submit(item), clerk_user, 5)
    assert case.due_date == D(2026, 3, 3)  # the promised limit from acceptance, not moved
    assert case.tolerance_due == D(2026, 3, 9) and case.tolerance_supply_days == 5
    assert case.tolerance_deadline_text == "2026年3月9日之前（含当日）"


def test_supply_days_are_working_days_on_the_calendar(item, submit, clerk_user, on):
    on(D(2026, 9, 28))  # National Day 10-01 … 10-07 skipped; make-up Saturday 10-10 counts (services.md §13.4)
    case = accept(submit(item), clerk_user, 5)
    assert case.tolerance_due == D(2026, 10, 10)


def test_the_longest_supply_period_is_a_setting(item, submit, clerk_user, on, settings):
    settings.GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS = 3
    on(D(2026, 3, 2))
    case = submit(item)
    audits = AuditEvent.objects.count()
    for days in (4, 0):
        with pytest.raises(ValidationError) as exc:
            accept(case, clerk_user, days)
        assert exc.value.message_dict == {"supply_days": ["补齐期限应为1至3个工作日"]}
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and not case.tolerance and AuditEvent.objects.count() == audits
    assert not case.materials.filter(owed=True).exists()
    assert accept(case, clerk_user, 3).tolerance_due == D(2026, 3, 5)


def test_the_last_day_still_counts_and_termination_comes_after_it(item, submit, clerk_user, enterprise_user, on,
                                                                  django_capture_on_commit_callbacks):
    on(D(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=True):
        case = accept(submit(item), clerk_user, 1)  # supply by Tuesday 03-03 inclusive
    told = Notification.objects.get(user=enterprise_user, kind="ACCEPT_TOLERANCE").message
    assert "请于2026年3月3日之前（含当日）补齐材料" in told and "办结期限为2026年3月3日之前（含当日）" in told
    with django_capture_on_commit_callbacks(execute=True):  # reminders go out after commit
        assert tasks.sweep()["tolerance_reminders"] == 1
    reminder = Notification.objects.get(user=enterprise_user, kind="TOLERANCE_REMINDER").message
    assert "请于2026年3月3日之前（含当日）补齐容缺材料" in reminder

    on(D(2026, 3, 3))  # the last day: no termination, and the system refuses to terminate early
    assert tasks.sweep()["terminated"] == 0
    with pytest.raises(ValidationError, match="期限未过"):
        services.case_transition(case=Case.objects.get(pk=case.pk), name="TERMINATE_TOLERANCE", actor=None)
    on(D(2026, 3, 4))
    assert tasks.sweep()["terminated"] == 1
    assert Case.objects.get(pk=case.pk).status == Status.TERMINATED


def test_supplying_on_the_last_day_is_on_time_and_the_day_after_is_late(item, submit, clerk_user, enterprise_user,
                                                                        on):
    on(D(2026, 3, 2))
    on_time = accept(submit(item), clerk_user, 1)
    late = accept(submit(item), clerk_user, 1)
    on(D(2026, 3, 3))
    supply(on_time, enterprise_user)
    assert tasks.sweep()["terminated"] == 0
    on(D(2026, 3, 4))
    with pytest.raises(ValidationError, match="已逾期"):
        supply(late, enterprise_user)
    assert tasks.sweep()["terminated"] == 1
    assert Case.objects.get(pk=on_time.pk).status == Status.ACCEPTED
    assert Case.objects.get(pk=late.pk).status == Status.TERMINATED


def test_notice_and_case_page_state_the_inclusive_deadline(item, submit, clerk_user, clerk_client, on):
    on(D(2026, 3, 2))
    case = accept(submit(item), clerk_user, 5)
    notice = clerk_client.get(f"/cases/{case.number}/notice/tolerance/").content.decode()
    assert "受理之日起5个工作日内，即" in notice and "2026年3月9日之前（含当日）" in notice
    assert "原承诺时限内，于2026年3月3日之前（含当日）作出决定" in notice
    page = clerk_client.get(f"/cases/{case.number}/").content.decode()
    assert "2026年3月9日之前（含当日）" in page and "办结期限不因容缺顺延" in page


def test_tolerance_form_keeps_what_was_typed_and_shows_the_error_beside_the_field(item, submit, clerk_client):
    case = submit(item)
    owed = case.materials.get(material__necessity="tolerance").material_id
    page = clerk_client.get(f"/cases/{case.number}/").content.decode()
    assert 'name="supply_days"' in page and 'value="10"' in page  # the longest period is offered
    response = clerk_client.post(f"/cases/{case.number}/tolerance/",
                                 {"owed": [str(owed)], "supply_days": "99", "commitment": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "补齐期限应为1至10个工作日" in html and 'value="99"' in html
    assert f'value="{owed}" class="form-check-input" id="id_owed_0" checked' in html
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED
    response = clerk_client.post(f"/cases/{case.number}/tolerance/", {"owed": [str(owed)], "supply_days": "3"})
    assert "申请人须签署《容缺受理承诺书》" in response.content.decode()
    response = clerk_client.post(f"/cases/{case.number}/tolerance/",
                                 {"owed": [str(owed)], "supply_days": "3", "commitment": "on"}, follow=True)
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.tolerance_supply_days == 3
    assert f"容缺材料须于{case.tolerance_deadline_text}补齐" in response.content.decode()
