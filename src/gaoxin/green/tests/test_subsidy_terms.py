"""Interest-subsidy terms set by the zone (issue 21 item 5, 贴息标准): the configured defaults until the finance office
sets a version from a date on (one audit event); each loan is subsidised on the terms in force on its disbursement
date, so a change never alters a loan already made; a version in force is never changed, a future one may be
replaced; every refusal writes nothing; the page keeps what was typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gaoxin.core.models import AuditEvent
from gaoxin.green import services
from gaoxin.green.models import SubsidyTermsVersion

pytestmark = pytest.mark.django_db


def _lend(need, banker, *, on, amount="2000000", rate="2.80", months=24):
    response = need.responses.get(bank=banker.org_unit)
    response = services.response_transition(response=response, name="GRANT", actor=banker, credit_amount=amount,
                                             rate=rate)
    return services.response_transition(response=response, name="DISBURSE", actor=banker, disbursed_amount=amount,
                                        disbursed_on=on, loan_term_months=months)


def _terms(finance, on, **kw):
    values = {"share": Decimal("0.4"), "rate_ceiling": "2.50", "months": 24, "cap": "20000", "note": "区财政〔2026〕8号"}
    return services.subsidy_terms_set(actor=finance, effective_from=on, **{**values, **kw})


def test_the_configured_defaults_until_the_zone_sets_its_own(settings):
    settings.GAOXIN_GREEN_SUBSIDY_SHARE = "0.5"
    terms = services.subsidy_terms()
    assert (terms.share, terms.rate_ceiling, terms.months, terms.cap) == (
        Decimal("0.5"), Decimal("3.00"), 12, Decimal("500000"))


def test_a_loan_keeps_the_terms_of_its_disbursement_day(need, banker_a, banker_b, finance):
    today = timezone.localdate()
    earlier = _lend(need, banker_a, on=today - dt.timedelta(days=3))  # on the defaults
    before = AuditEvent.objects.count()
    version = _terms(finance, today)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.event_type == "green.subsidy_terms.set" and event.before["share"] == "0.5"
    assert event.after["share"] == "0.4000" and event.after["cap"] == "20000.00"
    later = _lend(need, banker_b, on=today)
    # 2,000,000 × 2.80 % × 12/12 × 50 % = 28,000.00 (defaults); 2,000,000 × 2.50 % × 24/12 × 40 % = 40,000 → cap 20,000
    assert services.subsidy_quote(earlier).amount == Decimal("28000.00")
    quote = services.subsidy_quote(later)
    assert (quote.amount, quote.capped, quote.rate, quote.months) == (Decimal("20000.00"), True, Decimal("2.50"), 24)
    assert services.subsidy_terms(today - dt.timedelta(days=1)).share == Decimal("0.5")
    assert services.subsidy_terms(today).share == version.share == Decimal("0.4000")


def test_refused_terms_write_nothing(finance, banker_a, leader_user):
    today = timezone.localdate()
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        _terms(finance, today - dt.timedelta(days=1), share=Decimal("1.5"), months=0, cap="-1", rate_ceiling="x")
    assert set(exc.value.message_dict) == {"effective_from", "share", "months", "cap", "rate_ceiling"}
    assert "不能追溯调整" in exc.value.message_dict["effective_from"][0]
    for who in (banker_a, leader_user):
        with pytest.raises(PermissionDenied):
            _terms(who, today)
    _terms(finance, today)
    with pytest.raises(ValidationError, match="已生效，不能修改"):  # in force: never changed
        _terms(finance, today, share=Decimal("0.3"))
    assert SubsidyTermsVersion.objects.count() == 1 and AuditEvent.objects.count() == before + 1


def test_a_future_version_may_be_replaced(finance):
    later = timezone.localdate() + dt.timedelta(days=30)
    _terms(finance, later)
    _terms(finance, later, share=Decimal("0.6"), note="更正")
    v = SubsidyTermsVersion.objects.get()
    assert v.share == Decimal("0.6000") and v.note == "更正"
    assert AuditEvent.objects.latest("pk").after["replaced"] is True
    assert services.subsidy_terms().share == Decimal("0.5")  # not yet in force


def test_the_page_sets_terms_and_keeps_input_on_error(finance, leader_user, banker_a, enterprise_user,
                                                      django_assert_max_num_queries):
    c = Client()
    c.force_login(finance)
    url = reverse("green_subsidy_terms")
    page = c.get(url).content.decode()
    assert "贴息比例 <strong>50%</strong>" in page and 'data-testid="terms-form"' in page
    assert 'name="share" value="50"' in page  # not 5E+1 (the QA walk saw it in the field)
    bad = c.post(url, {"effective_from": "2020-01-01", "share": "150", "rate_ceiling": "2.5", "months": "24",
                       "cap": "30000", "note": "区财政〔2026〕8号"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "不能追溯调整" in text and "贴息比例应大于 0%、不超过 100%" in text
    assert "区财政〔2026〕8号" in text and not SubsidyTermsVersion.objects.exists()
    today = timezone.localdate()
    ok = c.post(url, {"effective_from": today.isoformat(), "share": "40", "rate_ceiling": "2.5", "months": "24",
                      "cap": "30000"})
    assert ok.status_code == 302 and SubsidyTermsVersion.objects.get().share == Decimal("0.4000")
    for n in range(1, 15):
        SubsidyTermsVersion.objects.create(effective_from=today + dt.timedelta(days=n), share="0.5", rate_ceiling="3",
                                           months=12, cap="1000", created_by=finance)
    with django_assert_max_num_queries(12):
        assert c.get(url).status_code == 200
    c.force_login(leader_user)  # leaders read the terms, no form; posting is refused
    page = c.get(url).content.decode()
    assert "贴息比例 <strong>40%</strong>" in page and 'data-testid="terms-form"' not in page
    assert c.post(url, {"share": "10"}).status_code == 403
    for who in (banker_a, enterprise_user):
        c.force_login(who)
        assert c.get(url).status_code == 403


def test_the_api_lists_the_versions_to_whoever_reads_the_page(finance, leader_user, banker_a, enterprise_user):
    today = timezone.localdate()
    _terms(finance, today)
    _terms(finance, today + dt.timedelta(days=30), share=Decimal("0.3"))
    c = Client()
    for who in (finance, leader_user):
        c.force_login(who)
        rows = c.get("/api/v1/green-subsidy-terms/").json()["results"]
        assert [(r["effective_from"], r["share"]) for r in rows] == [
            ((today + dt.timedelta(days=30)).isoformat(), "0.3000"), (today.isoformat(), "0.4000")]
        assert rows[1]["note"] == "区财政〔2026〕8号"
    for who in (banker_a, enterprise_user):  # as the page: not theirs
        c.force_login(who)
        assert c.get("/api/v1/green-subsidy-terms/").json()["results"] == []
