"""«Min arbeidsdag»: one section per role the user has, built from the same
gated lists and selectors the apps' own pages use (helhet.access.gate), so
the start page never shows more than the page it links to."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Min, OuterRef, Subquery
from django.utils import timezone

from helhet.access import gate, roles
from helhet.access import services as access_services
from helhet.access.models import Action
from helhet.audit import services as audit_services
from helhet.audit.criteria import CRITERIA
from helhet.audit.models import Campaign, ComplianceSnapshot
from helhet.consent import rules as consent_rules
from helhet.consent.models import Consent
from helhet.consent.services import valid_q
from helhet.cooperation.models import ActionItem, Meeting, Message
from helhet.coordination.models import CoordinatorAssignment
from helhet.intake import access as intake_access
from helhet.intake import services as intake_services
from helhet.intake.models import Decision
from helhet.intake.services import WorkItem
from helhet.organisation.models import Membership, Role
from helhet.organisation.services import roles_of
from helhet.people.models import Person
from helhet.plans.models import IndividualPlan
from helhet.quality import rules as quality_rules
from helhet.quality import services as quality_services
from helhet.quality.models import Deviation
from helhet.workday import rules

NEW_MESSAGES = dt.timedelta(days=7)
ROWS = 50


@dataclass
class MyPerson:
    person: Person
    plan_status: str
    plan_id: int | None
    revision_due: dt.date | None
    next_meeting: dt.datetime | None
    consent_ends: dt.date | None
    new_messages: int
    items_due: int
    first_item_due: dt.date | None
    urgency: int = 2


@dataclass
class Workday:
    roles: set[str]
    my_persons: list[MyPerson] = field(default_factory=list)
    my_persons_total: int = 0
    work_items: list[WorkItem] = field(default_factory=list)
    signatures: list[WorkItem] = field(default_factory=list)
    awaiting_signature: list[Decision] = field(default_factory=list)
    coordinator_requests: list[WorkItem] = field(default_factory=list)
    plan_counts: dict[str, Any] = field(default_factory=dict)
    emergency_to_review: int = 0
    refusals_to_review: int = 0
    others_to_review: int = 0
    overdue_deviations: list[Deviation] = field(default_factory=list)
    unread_procedures: list[dict[str, Any]] = field(default_factory=list)
    compliance: list[dict[str, Any]] = field(default_factory=list)
    compliance_at: dt.datetime | None = None
    campaigns: list[Campaign] = field(default_factory=list)
    is_admin: bool = False


def _my_persons(user: User, today: dt.date) -> tuple[list[MyPerson], int]:
    """Persons the user coordinates, through the gate's list, most urgent first.
    One query for the rows whatever their number: everything is a subquery."""
    now = timezone.now()
    coordinated = CoordinatorAssignment.objects.filter(coordinator=user, ended_on__isnull=True)
    persons = gate.accessible_persons(user).filter(pk__in=coordinated.values("person_id"))
    open_plan = IndividualPlan.objects.open().filter(person=OuterRef("pk")).order_by("-pk")
    next_meeting = Meeting.objects.filter(
        group__person=OuterRef("pk"), status=Meeting.Status.PLANNED, starts_at__gte=now
    ).order_by("starts_at")
    ending = Consent.objects.filter(
        valid_q(), person=OuterRef("pk"), valid_to__lte=today + consent_rules.EXPIRY_WARNING
    ).order_by("valid_to")
    new_messages = (
        Message.objects.filter(person=OuterRef("pk"), created_at__gte=now - NEW_MESSAGES)
        .exclude(author=user)
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_items = ActionItem.objects.filter(
        group__person=OuterRef("pk"),
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.ONGOING],
        due_on__lte=today + dt.timedelta(days=7),
    ).order_by()
    items_due = open_items.values("group__person").annotate(n=Count("pk")).values("n")
    first_due = open_items.values("group__person").annotate(d=Min("due_on")).values("d")
    rows = persons.annotate(
        plan_status=Subquery(open_plan.values("status")[:1]),
        plan_id=Subquery(open_plan.values("pk")[:1]),
        revision_due=Subquery(open_plan.values("revision_due")[:1]),
        next_meeting=Subquery(next_meeting.values("starts_at")[:1]),
        consent_ends=Subquery(ending.values("valid_to")[:1]),
        new_messages=Subquery(new_messages[:1]),
        items_due=Subquery(items_due[:1]),
        first_item_due=Subquery(first_due[:1]),
    )
    found = []
    for p in rows:
        row = MyPerson(
            p,
            p.plan_status or "",
            p.plan_id,
            p.revision_due,
            p.next_meeting,
            p.consent_ends,
            p.new_messages or 0,
            p.items_due or 0,
            p.first_item_due,
        )
        row.urgency = rules.urgency([p.revision_due, p.consent_ends, p.first_item_due], today)
        found.append(row)
    found.sort(
        key=lambda r: (
            r.urgency,
            min(
                [d for d in (r.revision_due, r.consent_ends, r.first_item_due) if d]
                or [dt.date.max]
            ),
            r.person.family_name,
            r.person.given_name,
            r.person.pk,
        )
    )
    return found[:ROWS], len(found)


def _compliance(municipality_id: int) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """The latest stored compliance snapshot for the whole municipality: the
    figures the «Etterlevelse» page showed, not a new computation."""
    snapshot = (
        ComplianceSnapshot.objects.filter(municipality_id=municipality_id, unit_id__isnull=True)
        .order_by("-day", "-computed_at")
        .first()
    )
    if snapshot is None:
        return [], None
    rows: list[dict[str, Any]] = []
    for criterion in CRITERIA:
        if criterion.id not in snapshot.results:
            continue
        total = audit_services.Tally(*snapshot.results[criterion.id]["total"])
        if total.met + total.not_met:
            rows.append({"criterion": criterion, "tally": total})
    rows.sort(
        key=lambda r: (r["tally"].rate if r["tally"].rate is not None else 1, r["criterion"].id)
    )
    return rows[:8], snapshot.computed_at


def _name_signers(decisions: list[Decision], caseworker: User) -> None:
    """Who is to co-sign each of the caseworker's waiting decisions: the heads
    of the deciding unit (as ``intake.access.expected_signers``), in one query."""
    if not decisions:
        return
    heads: dict[int, list[str]] = {}
    leaders = (
        Membership.objects.confirmed()
        .filter(
            unit_id__in={d.application.unit_id for d in decisions},
            role=Role.LEADER,
            staff__user__is_active=True,
        )
        .exclude(staff__user=caseworker)
        .select_related("staff__user")
        .order_by("staff__user__last_name", "staff__user__first_name", "pk")
    )
    for m in leaders:
        user = m.staff.user
        heads.setdefault(m.unit_id, []).append(user.get_full_name() or user.get_username())
    for d in decisions:
        d.signers = heads.get(d.application.unit_id, [])


def workday(*, user: User, today: dt.date) -> Workday:
    """Everything on the user's start page; every list shown is logged."""
    staff = user.staff
    user_roles = roles_of(user=user)
    day = Workday(roles=user_roles, is_admin=user.is_staff and Role.SYSTEM_ADMIN in user_roles)
    shown: set[Person] = set()
    work_list: gate.Listed | None = None
    if gate.has_case_role(user):
        day.my_persons, day.my_persons_total = _my_persons(user, today)
        shown |= {r.person for r in day.my_persons}
        items = intake_services.work_items(user=user, today=today)
        day.signatures = [i for i in items if i.key.endswith(":signer")]
        day.coordinator_requests = [i for i in items if i.key.startswith("koordinator:")]
        day.work_items = [
            i for i in items if i not in day.signatures and i not in day.coordinator_requests
        ][:ROWS]
        day.signatures = day.signatures[:ROWS]
        day.coordinator_requests = day.coordinator_requests[:ROWS]
        day.awaiting_signature = list(
            Decision.objects.filter(caseworker=user, approved_by__isnull=True)
            .filter(application__person_id__in=gate.accessible_persons(user).values("pk"))
            .select_related("application__person", "application__unit")
            .order_by("decided_on", "pk")[:ROWS]
        )
        _name_signers(day.awaiting_signature, user)
        work_list = intake_access.listed(
            {i.person for i in (*day.work_items, *day.signatures, *day.coordinator_requests)}
            | {d.application.person for d in day.awaiting_signature},
            "min arbeidsdag",
        )
    if Role.COORDINATING_UNIT in user_roles:
        plans = gate.accessible_plans(user, IndividualPlan.objects.all())
        counts = dict(plans.values_list("status").annotate(n=Count("pk")).order_by())
        day.plan_counts = {
            str(label): counts.get(value, 0) for value, label in IndividualPlan.Status.choices
        }
    if user_roles & roles.REVIEWERS:
        flagged = access_services.flagged(
            municipality_id=staff.municipality_id, since=access_services.review_since(days=None)[1]
        )
        day.emergency_to_review = flagged.filter(emergency=True).count()
        day.refusals_to_review = flagged.filter(granted=False).count()
        # The rest of what is flagged for the leader: acts that widen access, such as
        # consent registered by staff (docs/consent.md: privileged, visible to leaders).
        day.others_to_review = flagged.filter(granted=True, emergency=False).count()
    if user_roles & {Role.LEADER, Role.QUALITY, Role.SECTOR_HEAD}:
        deviations = quality_services.visible_deviations(user=user).filter(
            closed_on__isnull=True, deadline__lt=today
        )
        day.overdue_deviations = [
            d
            for d in deviations.select_related("unit").order_by("deadline")[:ROWS]
            if quality_rules.is_overdue(d.deadline, d.closed_on, today)
        ]
    if user_roles - {Role.SYSTEM_ADMIN}:
        day.unread_procedures = [
            r
            for r in quality_services.procedure_rows(
                municipality_id=staff.municipality_id, user=user
            )
            if r["version"] is not None and not r["read"]
        ][:ROWS]
    if audit_services.may_see_report(user=user) and user_roles & {
        Role.AUDITOR,
        Role.SECTOR_HEAD,
        Role.QUALITY,
    }:
        day.compliance, day.compliance_at = _compliance(staff.municipality_id)
        day.campaigns = list(
            Campaign.objects.filter(municipality_id=staff.municipality_id).order_by(
                "-answer_deadline"
            )[:10]
        )
    # One statement for both lists, whichever is empty: the page's queries do
    # not depend on whether the user has case work today.
    gate.log_lists(
        user,
        [
            *([work_list] if work_list else []),
            gate.Listed(shown, Action.LIST, "min arbeidsdag"),
        ],
    )
    return day
