"""Who is told of what about a case, through the kernel's notifier: in the inbox with a link to the page it
is about, by SMS to the applicant's contact phone, after commit; the inbox page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services, tasks
from gaoxin.cases.models import Case
from gaoxin.core.models import Notification
from gaoxin.core.notify import MemoryBackend

APPROVAL = {"opinion": "符合法定条件、标准", "licence_number": "湘高新许字〔2026〕第0001号"}


@pytest.fixture
def told(django_capture_on_commit_callbacks):
    """Run a service and deliver what it tells after commit."""
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()
    return run


def test_an_accepted_case_arrives_in_the_departments_review_queue(item, submit, clerk_user, officer, other_officer,
                                                                told):
    case = submit(item)
    told(lambda: services.case_transition(case=case, name="ACCEPT", actor=clerk_user))
    note = Notification.objects.get(user=officer, kind="CASE_ARRIVED")
    assert case.number in note.message and "待审查" in note.message and note.url == f"/cases/{case.number}/"
    assert not Notification.objects.filter(user=other_officer).exists()
    assert not Notification.objects.filter(user=clerk_user).exists()


def test_an_online_application_arrives_at_the_window(enterprise_user, own_enterprise, item, clerk_user, admin_user,
                                                    officer, told):
    files = {m.pk: SimpleUploadedFile("申请表.pdf", b"%PDF-1.4 form")
             for m in item.current_version.materials.filter(necessity="required")}
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise,
                                   phone="13812345678")
    case = told(lambda: services.case_submit(item=item, applicant=applicant, channel="web", actor=enterprise_user,
                                             files=files))
    for user in (clerk_user, admin_user):
        note = Notification.objects.get(user=user, kind="CASE_ONLINE")
        assert "网上申请待受理" in note.message and note.url == f"/cases/{case.number}/"
    assert not Notification.objects.filter(user=officer).exists()
    assert Notification.objects.get(user=enterprise_user, kind="SUBMIT").url == f"/cases/{case.number}/"


def test_a_window_registration_tells_nobody_at_the_window(item, submit, clerk_user, told):
    told(lambda: submit(item))
    assert not Notification.objects.filter(kind="CASE_ONLINE").exists()


def test_the_decision_reaches_the_applicant_in_the_app_and_by_sms(item, submit, clerk_user, officer, enterprise_user,
                                                                 told):
    MemoryBackend.outbox.clear()
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    told(lambda: services.case_transition(case=case, name="APPROVE", actor=officer, **APPROVAL))
    note = Notification.objects.get(user=enterprise_user, kind="APPROVE")
    assert "已审批通过" in note.message and note.url == f"/cases/{case.number}/" and "APPROVE" not in note.message
    sms = Notification.objects.get(phone="13812345678", kind="APPROVE")
    assert sms.delivered and sms.user is None
    assert MemoryBackend.outbox[-1] == ("13812345678", note.message)


def test_a_rolled_back_step_tells_nobody(item, submit, clerk_user, officer, told):
    from django.core.exceptions import ValidationError

    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    with pytest.raises(ValidationError):
        told(lambda: services.case_transition(case=case, name="APPROVE", actor=officer, opinion="", licence_number=""))
    assert not Notification.objects.filter(kind="APPROVE").exists()


def test_a_withdrawal_request_asks_the_department_to_confirm(item, submit, clerk_user, officer, enterprise_user, told):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    told(lambda: services.case_transition(case=case, name="REQUEST_WITHDRAWAL", actor=enterprise_user,
                                          reason="项目调整"))
    assert "申请撤回" in Notification.objects.get(user=officer, kind="WITHDRAWAL_REQUESTED").message


def test_deadline_reminders_go_to_the_department_once_a_day(item, submit, clerk_user, officer, told):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)  # 1 WD left: at risk
    assert told(tasks.sweep)["due_soon"] == 1
    assert tasks.sweep()["due_soon"] == 0  # the day's key is taken
    note = Notification.objects.get(user=officer, kind="DUE_SOON")
    assert note.key == f"{services.today():%Y%m%d}:{case.number}" and note.url == f"/cases/{case.number}/"


def test_the_applicant_hears_the_answer_to_a_bad_review(item, submit, clerk_user, officer, enterprise_user, told):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="APPROVE", actor=officer, **APPROVAL)
    case = services.case_transition(case=case, name="DELIVER", actor=clerk_user, method="window")
    review = told(lambda: services.review_submit(case=case, level=1, comment="等候太久", actor=enterprise_user))
    bad = Notification.objects.get(user=officer, kind="BAD_REVIEW")
    assert bad.url == "/cases/rectifications/" and "/cases/" not in bad.message
    told(lambda: services.rectification_transition(rectification=review.rectification, name="RECTIFY", actor=officer,
                                                   measures="增设综窗，实行预约"))
    answer = Notification.objects.get(user=enterprise_user, kind="RECTIFICATION")
    assert "增设综窗，实行预约" in answer.message and answer.url == f"/cases/{case.number}/"


# --- the inbox page ------------------------------------------------------------------------------------

def test_the_inbox_lists_messages_as_links_and_opening_one_marks_it_read(item, submit, clerk_user, enterprise_user,
                                                                        enterprise_client, told):
    case = submit(item)
    told(lambda: services.case_transition(case=case, name="ACCEPT", actor=clerk_user))
    note = Notification.objects.get(user=enterprise_user, kind="ACCEPT")
    home = enterprise_client.get("/").content.decode()
    assert 'data-testid="unread">1<' in home
    page = enterprise_client.get("/notifications/").content.decode()
    assert note.message in page and f'href="/notifications/{note.pk}/"' in page and "ACCEPT" not in page
    opened = enterprise_client.get(f"/notifications/{note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/cases/{case.number}/"
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert 'data-testid="unread"' not in enterprise_client.get("/").content.decode()


def test_no_one_opens_anothers_message_and_mark_all_read(item, submit, clerk_user, enterprise_user, enterprise_client,
                                                        clerk_client, told):
    case = submit(item)
    told(lambda: services.case_transition(case=case, name="ACCEPT", actor=clerk_user))
    note = Notification.objects.get(user=enterprise_user, kind="ACCEPT")
    assert clerk_client.get(f"/notifications/{note.pk}/").status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None
    assert enterprise_client.post("/notifications/").status_code == 302
    assert not Notification.objects.filter(user=enterprise_user, read_at__isnull=True).exists()


def test_a_message_never_sends_the_reader_off_site(enterprise_user, enterprise_client):
    note = Notification.objects.create(user=enterprise_user, kind="X", message="外链", url="https://example.com/")
    assert enterprise_client.get(f"/notifications/{note.pk}/")["Location"] == "/notifications/"


def test_the_inbox_keeps_its_query_budget(enterprise_user, enterprise_client, django_assert_max_num_queries):
    for i in range(30):
        Notification.objects.create(user=enterprise_user, kind="ACCEPT", message=f"消息{i}", url="/cases/")
    enterprise_client.get("/")  # the session's first write after log-in is not the page's
    with django_assert_max_num_queries(7):
        assert enterprise_client.get("/notifications/").status_code == 200


def test_a_case_filed_by_an_agent_tells_the_firm_not_the_agent(item, own_enterprise, enterprise_user, told):
    agent = UserFactory(role=Role.AGENT)
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise)
    required = set(item.current_version.materials.filter(necessity="required").values_list("pk", flat=True))
    case = services.case_submit(item=item, applicant=applicant, channel="proxy", actor=agent, originals_seen=required)
    clerk = UserFactory(role=Role.WINDOW_CLERK)
    told(lambda: services.case_transition(case=Case.objects.get(pk=case.pk), name="ACCEPT", actor=clerk))
    assert Notification.objects.filter(user=enterprise_user, kind="ACCEPT").exists()
    assert not Notification.objects.filter(user=agent).exists()
