"""Who sees and does what with policies, profile data and benefit applications (惠企政策). Scopers return
querysets, predicates booleans; everything defaults to deny (CONVENTIONS §5). Views, the API, services and
templates (through context flags) ask these, never a role."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role, is_staff_role

from .models import AppStatus, BenefitApplication, Policy, PolicyStatus

# The application's workflow roles (benefits/workflow.py).
APPLICANT, OFFICER, FINANCE = "applicant", "officer", "finance"


# --- policies ----------------------------------------------------------------------------------

def can_manage_policies(user) -> bool:
    """Write and publish policies: the administrator, and department officers for their department."""
    return has_role(user, Role.ZONE_ADMIN, Role.DEPT_OFFICER)


def can_manage_policy(user, policy: Policy | None = None) -> bool:
    """This policy (or, without one, a new policy): the administrator any, an officer their department's."""
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return has_role(user, Role.DEPT_OFFICER) and (policy is None or policy.issuer_id == user.org_unit_id)


def policy_issuers_for(user) -> QuerySet | None:
    """The departments a user may issue a policy for: an officer their own; the administrator any (None)."""
    from gaoxin.accounts.models import OrgUnit

    if has_role(user, Role.ZONE_ADMIN):
        return None
    if has_role(user, Role.DEPT_OFFICER):
        return OrgUnit.objects.filter(pk=user.org_unit_id)
    return OrgUnit.objects.none()


def policies_visible_to(user) -> QuerySet[Policy]:
    """Staff who write or oversee policies see drafts and expired ones too; everyone else the published."""
    if has_role(user, Role.ZONE_ADMIN, Role.DEPT_OFFICER, Role.LEADER):
        return Policy.objects.all()
    return Policy.objects.filter(status=PolicyStatus.PUBLISHED)


def can_view_policy_matches(user) -> bool:
    """How many firms a policy matched and were told: government staff."""
    return is_staff_role(user)


def can_view_matched_firms(user, policy: Policy) -> bool:
    """Which firms a policy matched, with each firm's estimate (its figures at one remove): the policy's own
    department and the administrator, who push and handle it (issue 15 §2: every member of staff read them)."""
    return has_role(user, Role.ZONE_ADMIN) or (
        has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id) and user.org_unit_id == policy.issuer_id)


def matches_visible_to(user) -> QuerySet:
    """Match results with their estimates, as `can_view_matched_firms` allows per policy: the administrator all, a
    department officer those of its own policies, an enterprise user its firms' (the 一户式 view reads this)."""
    from .models import MatchResult

    if has_role(user, Role.ZONE_ADMIN):
        return MatchResult.objects.all()
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return MatchResult.objects.filter(policy__issuer_id=user.org_unit_id)
    if has_role(user, Role.ENTERPRISE):
        return MatchResult.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return MatchResult.objects.none()


def can_view_benefit_statistics(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN, Role.DEPT_OFFICER, Role.LEADER)


# --- the enterprise's side ---------------------------------------------------------------------

def can_seek_benefits(user) -> bool:
    """My policies (我可享受的政策) and applying: users of an enterprise."""
    return has_role(user, Role.ENTERPRISE)


def firms_for_benefits(user) -> QuerySet:
    """The firms a user may see matches of and apply for: their own."""
    from gaoxin.enterprises.models import Enterprise

    if can_seek_benefits(user):
        return Enterprise.objects.filter(pk__in=sorted(firm_ids_of(user)))
    return Enterprise.objects.none()


def can_apply_for(user, enterprise) -> bool:
    return can_seek_benefits(user) and enterprise.pk in firm_ids_of(user)


def editable_facts(user, enterprise) -> list:
    """The profile fields a user may write for this firm: the firm's own users and the administrator every
    fact; a department's officers the facts it supplies (Field.supplier, e.g. 纳税信用等级 by the tax bureau)."""
    from .fields import FACT_FIELDS

    if has_role(user, Role.ZONE_ADMIN) or can_apply_for(user, enterprise):
        return list(FACT_FIELDS)
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return [f for f in FACT_FIELDS if f.supplier and f.supplier == user.org_unit.code]
    return []


def can_edit_profile(user, enterprise) -> bool:
    """企业画像 facts: the firm's own users, the administrator (部门核定), a supplying department its facts."""
    return bool(editable_facts(user, enterprise))


def profile_source(user) -> str:
    """Where a profile fact came from, as the firm's profile shows it."""
    if can_seek_benefits(user):
        return "企业填报"
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return (user.org_unit.short_name or user.org_unit.name)[:40]
    return "部门核定"


def fact_supplier(user):
    """The department a fact written by this user belongs to (None: the firm's own, or the administrator's)."""
    return user.org_unit if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id else None


# --- disputes of department facts -------------------------------------------------------------------

SUPPLIER = "supplier"


def disputes_visible_to(user) -> QuerySet:
    """The administrator all; a department those on the facts it supplied; a firm's users their firm's."""
    from .models import FactDispute

    rows = FactDispute.objects.select_related("enterprise", "supplier", "raised_by", "decided_by")
    if has_role(user, Role.ZONE_ADMIN):
        return rows
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return rows.filter(supplier_id=user.org_unit_id)
    if can_seek_benefits(user):
        return rows.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return rows.none()


def dispute_roles(actor, dispute) -> set[str]:
    """The supplying department (and the administrator) decides a dispute."""
    if has_role(actor, Role.ZONE_ADMIN) or (has_role(actor, Role.DEPT_OFFICER)
                                            and actor.org_unit_id == dispute.supplier_id):
        return {SUPPLIER}
    return set()


def can_view_disputes(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN, Role.DEPT_OFFICER)


# --- applications ------------------------------------------------------------------------------

def can_read_bank_account(user, application) -> bool:
    """The whole account number: the firm itself, finance (who pays) and the administrator; the policy's
    department and leaders see it masked (issue 15 §2)."""
    if has_role(user, Role.ZONE_ADMIN) or _finance_officer(user):
        return True
    return has_role(user, Role.ENTERPRISE) and application.enterprise_id in firm_ids_of(user)


def _finance_officer(user) -> bool:
    return has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id) and \
        user.org_unit.code == settings.GAOXIN_FINANCE_DEPARTMENT_CODE


def applications_visible_to(user) -> QuerySet[BenefitApplication]:
    """The administrator and leaders see all; a department the applications for its policies (finance also
    every application approved for payment); an enterprise user its firms' applications."""
    qs = BenefitApplication.objects.select_related("policy", "policy__issuer", "enterprise")
    if has_role(user, Role.ZONE_ADMIN, Role.LEADER):
        return qs
    if _finance_officer(user):
        return qs.filter(Q(policy__issuer_id=user.org_unit_id)
                         | Q(status__in=[AppStatus.APPROVED, AppStatus.PAID, AppStatus.ARCHIVED]))
    if has_role(user, Role.DEPT_OFFICER):
        return qs.filter(policy__issuer_id=user.org_unit_id)
    if has_role(user, Role.ENTERPRISE):
        return qs.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return qs.none()


def application_roles(actor, application: BenefitApplication) -> set[str]:
    """The actor's roles in the application's workflow: the applying firm's users, the officers of the
    policy's department (and the administrator), finance (and the administrator)."""
    roles = set()
    if has_role(actor, Role.ENTERPRISE) and application.enterprise_id in firm_ids_of(actor):
        roles.add(APPLICANT)
    if has_role(actor, Role.ZONE_ADMIN) or \
            (has_role(actor, Role.DEPT_OFFICER) and actor.org_unit_id == application.policy.issuer_id):
        roles.add(OFFICER)
    if has_role(actor, Role.ZONE_ADMIN) or _finance_officer(actor):
        roles.add(FINANCE)
    return roles


# --- talent benefits (人才待遇, benefits.md §6.2) -------------------------------------------------------------------
# The talent office (talent.permissions.is_talent_office: the human-resources bureau and the administrator) keeps the
# ledger, claims on a person's behalf, approves claims and instalments and settles clawbacks; finance pays approved
# instalments; leaders read; a talent (role 人才, bound to the registry row through Talent.user) sees and files their
# own claims; an employer files for the people it employs and sees the claims it filed. ID numbers are shown in full
# to the talent office and the person only.

OFFICE, CLAIMANT = "office", "claimant"


def talent_of(user):
    """The registry row of a talent's own log-in (one query, kept on the user object), or None."""
    from gaoxin.talent.permissions import own_talent

    return own_talent(user)  # the same row the talent rooms keep on the user: one query per request for all


def is_talent_office(user) -> bool:
    from gaoxin.talent.permissions import is_talent_office as office

    return office(user)


def can_view_talent_ledger(user) -> bool:
    """The ledger of every claim with its totals: the talent office, finance (who pays) and leaders."""
    return is_talent_office(user) or _finance_officer(user) or has_role(user, Role.LEADER)


def can_claim_talent_benefits(user) -> bool:
    """Who may file a claim at all: the office (for anyone), a bound talent (for themself), an employer's user."""
    return is_talent_office(user) or talent_of(user) is not None or (
        has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user)))


def can_claim_for(user, talent) -> bool:
    if is_talent_office(user):
        return True
    own = talent_of(user)
    if own is not None:
        return own.pk == talent.pk
    return has_role(user, Role.ENTERPRISE) and talent.employer_id is not None and talent.employer_id in firm_ids_of(user)


def claim_channel(user) -> str:
    from .models import ClaimChannel

    if is_talent_office(user):
        return ClaimChannel.OFFICE
    return ClaimChannel.SELF if talent_of(user) is not None else ClaimChannel.ENTERPRISE


def claimable_talents(user) -> QuerySet:
    """The people a user may file for: anyone (the office), themself (a talent), the firm's employees."""
    from gaoxin.talent.models import Talent

    if is_talent_office(user):
        return Talent.objects.all()
    own = talent_of(user)
    if own is not None:
        return Talent.objects.filter(pk=own.pk)
    if has_role(user, Role.ENTERPRISE):
        return Talent.objects.filter(employer_id__in=sorted(firm_ids_of(user)))
    return Talent.objects.none()


def talent_claims_visible_to(user) -> QuerySet:
    from .models import ClaimChannel, TalentClaim

    qs = TalentClaim.objects.select_related("talent", "item", "enterprise")
    if is_talent_office(user) or has_role(user, Role.LEADER):
        return qs
    if _finance_officer(user):  # what it pays: approved claims and those whose payments are over
        return qs.filter(status__in=["approved", "completed", "stopped"])
    own = talent_of(user)
    if own is not None:
        return qs.filter(talent_id=own.pk)
    if has_role(user, Role.ENTERPRISE):
        return qs.filter(channel=ClaimChannel.ENTERPRISE, enterprise_id__in=sorted(firm_ids_of(user)))
    return qs.none()


def can_view_person_id_numbers(user, talent=None) -> bool:
    """An ID number in full: the talent office, and the person themself; masked for everyone else."""
    if is_talent_office(user):
        return True
    own = talent_of(user)
    return own is not None and talent is not None and own.pk == talent.pk


def can_edit_person_facts(user) -> bool:
    """The person facts rules read that the registry does not hold (IIT paid, …): the talent office."""
    return is_talent_office(user)


def can_manage_talent_items(user) -> bool:
    """The items' parameters and tier amounts: the talent office."""
    return is_talent_office(user)


def talent_claim_roles(actor, claim) -> set[str]:
    """The actor's roles in a claim's workflow (and its instalments' and clawback's)."""
    from .models import ClaimChannel

    roles = set()
    if is_talent_office(actor):
        roles.add(OFFICE)
    if has_role(actor, Role.ZONE_ADMIN) or _finance_officer(actor):
        roles.add(FINANCE)
    own = talent_of(actor)
    if (own is not None and own.pk == claim.talent_id) or (
            has_role(actor, Role.ENTERPRISE) and claim.channel == ClaimChannel.ENTERPRISE
            and claim.enterprise_id in firm_ids_of(actor)):
        roles.add(CLAIMANT)
    return roles


def benefit_people_visible_to(user) -> QuerySet:
    """The people whose benefit page a user may open: everyone (the talent office, leaders), themself (a talent), the
    firm's employees (an employer)."""
    from gaoxin.talent.models import Talent

    if is_talent_office(user) or has_role(user, Role.LEADER):
        return Talent.objects.all()
    return claimable_talents(user)


def can_read_talent_account(user, claim) -> bool:
    """A claim's account number in full: the talent office, finance (who pays), the person themself."""
    if is_talent_office(user) or _finance_officer(user):
        return True
    own = talent_of(user)
    return own is not None and own.pk == claim.talent_id


def can_use_talent_benefits(user) -> bool:
    """The 人才待遇 pages at all: who reads the ledger or may file a claim."""
    return can_view_talent_ledger(user) or can_claim_talent_benefits(user)
