"""Two clerks act on the same case at the same moment: exactly one action wins and the other
gets a clear message; fifty applications filed at the same moment get fifty different numbers. Needs real
row locks, so it runs on PostgreSQL (CI runs the suite there)."""

import threading

import pytest
from django.db import connection, connections

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services
from gaoxin.cases.models import Case, CaseEvent, Status
from gaoxin.catalog.tests.factories import make_item
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.concurrency import at_once
from gaoxin.enterprises.tests.factories import EnterpriseFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row-level locks (SELECT … FOR UPDATE) exist only on PostgreSQL; CI runs this there"),
]


def test_two_clerks_at_the_same_moment():
    admin = UserFactory(role=Role.ZONE_ADMIN)
    item = make_item(admin)
    first, second = UserFactory(role=Role.WINDOW_CLERK), UserFactory(role=Role.WINDOW_CLERK)
    enterprise = EnterpriseFactory()
    required = set(item.current_version.materials.filter(necessity="required").values_list("pk", flat=True))
    case = services.case_submit(item=item, channel="window", actor=first, originals_seen=required,
                                applicant=services.Applicant(type="enterprise", name=enterprise.name, enterprise=enterprise))
    audits = AuditEvent.objects.count()
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(user, name, reason):
        stale = Case.objects.get(pk=case.pk)  # both read the case before either acts
        barrier.wait()
        try:
            services.case_transition(case=stale, name=name, actor=user, reason=reason)
            outcomes[name] = "ok"
        except services.CaseConflict as exc:
            outcomes[name] = str(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(first, "ACCEPT", "")),
               threading.Thread(target=act, args=(second, "NOT_ACCEPT", "材料不全"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "办件状态已变为" in loser and "请刷新后再操作" in loser
    case.refresh_from_db()
    assert case.status in (Status.ACCEPTED, Status.NOT_ACCEPTED)
    assert AuditEvent.objects.count() == audits + 1
    assert CaseEvent.objects.filter(case=case).exclude(transition="SUBMIT").count() == 1


def test_fifty_submissions_at_once_get_fifty_different_numbers():
    """Case numbers come from the kernel's locked counter, not `count() + 1`: fifty clerks filing at the
    same moment (each thread its own connection) get fifty distinct numbers of today's sequence."""
    from gaoxin.core.models import DocumentCounter

    admin = UserFactory(role=Role.ZONE_ADMIN)
    item = make_item(admin)
    clerks = [UserFactory(role=Role.WINDOW_CLERK) for _ in range(50)]
    enterprise = EnterpriseFactory()
    required = set(item.current_version.materials.filter(necessity="required").values_list("pk", flat=True))

    def submit(clerk):
        return services.case_submit(
            item=item, channel="window", actor=clerk, originals_seen=required,
            applicant=services.Applicant(type="enterprise", name=enterprise.name, enterprise=enterprise)).number

    numbers, failures = at_once(submit, [(clerk,) for clerk in clerks])  # the shared harness (core/tests)
    assert failures == []
    assert len(numbers) == len(set(numbers)) == 50
    day = services.today()
    assert sorted(numbers) == [f"GX{day:%Y%m%d}{n:05d}" for n in range(1, 51)]
    assert DocumentCounter.objects.get(prefix="GX", period=f"{day:%Y%m%d}").last == 50


def test_accepting_a_package_while_a_clerk_accepts_one_of_its_parts_never_deadlocks(file_package, clerk_user,
                                                                                     enterprise_user):
    """Issue 15 §5: this deadlocked PostgreSQL in 7 of 11 runs (the package locked its parts, a part's acceptance
    locked its package). Locks are now taken package first, then parts by id, on both paths."""

    other_clerk = UserFactory(role=Role.WINDOW_CLERK)
    for _ in range(8):
        package = file_package(actor=enterprise_user, channel="web")  # online, every material uploaded
        part = package.children.order_by("-id").first()  # the later part: the one a package locks last

        def act(kind, package, part):
            try:
                if kind == "package":
                    services.package_accept(package=Case.objects.get(pk=package.pk), actor=clerk_user)
                else:
                    services.case_transition(case=Case.objects.get(pk=part.pk), name="ACCEPT", actor=other_clerk)
            except services.CaseConflict:
                pass  # the part was accepted first by the other: a clear message, no harm
            return kind

        done, errors = at_once(act, [("package", package, part), ("part", package, part)])
        assert not errors, errors  # a deadlock is an OperationalError here
        assert set(package.children.values_list("status", flat=True)) == {Status.ACCEPTED}
        assert Case.objects.get(pk=package.pk).status == Status.ACCEPTED
        # The next round files the same 一件事 again: this one ends (withdrawn) so it is no duplicate.
        Case.objects.filter(pk__in=[package.pk, *package.children.values_list("pk", flat=True)]) \
            .update(status=Status.WITHDRAWN)
