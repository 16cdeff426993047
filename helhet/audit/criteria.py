"""The criteria catalogue (docs/compliance.md: "criteria as code").

Each ``Criterion`` is data — a stable id, a title, its legal basis (a key into
``helhet.core.legal.REFERENCES``) and the report it comes from — plus an
``evaluate`` function that loads the facts *in bulk* and asks the pure rule in
``helhet.audit.rules`` once per person, case or unit. Loading takes a constant
number of queries per criterion, whatever the number of persons: an audit of a
large municipality must not become a query per person.

Facts shared by several criteria are loaded once per report by ``Scope``; each
criterion declares the shared facts it uses (``needs``), and may read only those
(``Scope.declared``), so a criterion never pays for facts it does not judge
(docs/performance.md: the revision date needs no § 19 facts of every plan).

What the period means: persons are "active" when they had a service valid at
some point in the period; event criteria (applications, decisions, coordinator
assignments, meetings, deviations) count the events of the period; state
criteria (plan content, consents, directory, routines) are read as the data
stands now, because plan content and consents are not kept "as of" a past day.
The trend over time comes from the stored snapshots (``helhet
compliance-snapshot``, nightly).
"""

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhet.audit import criterion_texts, rules
from helhet.audit.results import Result
from helhet.consent.models import Category
from helhet.coordination.models import CoordinatorAssignment, naming_routine
from helhet.core.legal import REFERENCES, AppealRoute, appeal_route
from helhet.intake import rules as intake_rules
from helhet.intake.models import Application, Decision
from helhet.organisation.models import ExternalPartner, Membership, StaffMember, Unit
from helhet.people import identity
from helhet.people.models import Service
from helhet.plans import rules as plan_rules
from helhet.plans import services as plan_services
from helhet.plans.models import IndividualPlan
from helhet.plans.rules import crisis_plan_missing

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Outcome:
    """One checked subject. ``person_id`` is set when the subject is a person's
    case (shown by name only through the gate); ``subject`` names a subject
    that is not a person (a unit, a unit pair, a staff member)."""

    result: Result
    evidence: str
    person_id: int | None = None
    unit_ids: frozenset = frozenset()
    subject: str = ""
    subject_is_staff: bool = False


@dataclass
class Scope:
    """One municipality, one period; loads shared by several criteria are memoised."""

    municipality_id: int
    start: dt.date
    end: dt.date
    today: dt.date

    @property
    def as_of(self) -> dt.date:
        return min(self.end, self.today)

    @cached_property
    def service_spans(self) -> dict[int, list[rules.ServiceSpan]]:
        """Services valid in the period, per person: who is active, and where."""
        spans = defaultdict(list)
        for person_id, unit_id, valid_from, valid_to in self.services_in_period().values_list(
            "person_id", "unit_id", "valid_from", "valid_to"
        ):
            spans[person_id].append(rules.ServiceSpan(unit_id, valid_from, valid_to))
        return dict(spans)

    def services_in_period(self):
        """Services valid at some point in the period (a queryset; not memoised)."""
        return Service.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.start),
            person__municipality_id=self.municipality_id,
            valid_from__lte=self.end,
        )

    @cached_property
    def need_facts(self) -> dict[int, rules.Need]:
        """Per person: the need for long-term and coordinated services (hol. § 7-1)
        — the latest assessment, or for persons never assessed the proxy over
        every service they get, in the municipality's units and outside them."""
        from helhet.around.models import ExternalService, NeedAssessment

        latest = {}
        for person_id, needs, assessed_on in (
            NeedAssessment.objects.filter(
                person__municipality_id=self.municipality_id, assessed_on__lte=self.as_of
            )
            .order_by("assessed_on", "pk")
            .values_list("person_id", "needs_coordinated", "assessed_on")
        ):
            latest[person_id] = (needs, assessed_on)
        spans = defaultdict(list)
        for person_id, unit_id, valid_from, valid_to in self.services_in_period().values_list(
            "person_id", "unit_id", "valid_from", "valid_to"
        ):
            spans[person_id].append(rules.ServiceSpan(unit_id, valid_from, valid_to))
        # The GP is left out of the proxy: nearly everyone has one, so counting
        # it would turn every long-term municipal service into a "need" the
        # law does not presume. The assessment counts the GP; the proxy does not.
        for pk, person_id, valid_from, valid_to in (
            ExternalService.objects.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=self.start),
                person__municipality_id=self.municipality_id,
                valid_from__lte=self.end,
            )
            .exclude(kind=ExternalService.Kind.GP)
            .values_list("pk", "person_id", "valid_from", "valid_to")
        ):
            spans[person_id].append(rules.ServiceSpan(("ekstern", pk), valid_from, valid_to))
        people = set(spans) | set(latest)
        return {
            person_id: rules.need_for(latest.get(person_id), spans.get(person_id, []), self.as_of)
            for person_id in people
        }

    @cached_property
    def involved(self) -> dict[int, frozenset]:
        """Units involved with each person: services in the period and the unit
        with open coordinator responsibility (one query, pairs only)."""
        open_units = CoordinatorAssignment.objects.filter(
            person__municipality_id=self.municipality_id,
            unit__isnull=False,
            ended_on__isnull=True,
        ).values_list("person_id", "unit_id")
        services = self.services_in_period().values_list("person_id", "unit_id")
        units = defaultdict(set)
        # No ORDER BY inside a UNION (SQLite refuses it); the models have default
        # orderings. UNION ALL: the sets below remove duplicates more cheaply than SQL.
        for person_id, unit_id in services.order_by().union(open_units.order_by(), all=True):
            units[person_id].add(unit_id)
        return {person_id: frozenset(found) for person_id, found in units.items()}

    @cached_property
    def assignments(self) -> dict[int, list[Mapping[str, Any]]]:
        found: defaultdict[int, list[Mapping[str, Any]]] = defaultdict(list)
        for row in (
            CoordinatorAssignment.objects.filter(person__municipality_id=self.municipality_id)
            .order_by("offered_on", "pk")
            .values(
                "pk",
                "person_id",
                "offered_on",
                "unit_id",
                "assigned_on",
                "coordinator_id",
                "named_on",
                "ended_on",
            )
        ):
            found[row["person_id"]].append(row)
        return dict(found)

    @cached_property
    def plans(self) -> list[Mapping[str, Any]]:
        """Every plan, oldest offer first: the columns the rules read, no plan text."""
        return list(
            IndividualPlan.objects.filter(person__municipality_id=self.municipality_id)
            .order_by("offered_on", "pk")
            .values("pk", "person_id", "status", "offered_on", "revision_due")
        )

    @cached_property
    def plan_facts(self) -> dict:
        """§ 19 facts (content, goals, measures, participants, consents) of active plans."""
        active = IndividualPlan.objects.filter(
            person__municipality_id=self.municipality_id, status=IndividualPlan.Status.ACTIVE
        )
        rows = list(active.values(*plan_services.PLAN_FACT_FIELDS))
        return plan_services.facts_for_rows(rows=rows, plans=active)

    @cached_property
    def party_names(self) -> dict[tuple[str, int], str]:
        units = Unit.objects.filter(municipality_id=self.municipality_id).values_list("pk", "name")
        partners = ExternalPartner.objects.filter(municipality_id=self.municipality_id).values_list(
            "pk", "name"
        )
        return {("u", pk): name for pk, name in units} | {("p", pk): name for pk, name in partners}

    def person_units(self, person_id: int) -> frozenset:
        return self.involved.get(person_id, frozenset())

    def declared(self, needs: frozenset[str]) -> "Scope":
        # A proxy that answers as the scope does, for the declared facts only.
        return cast(Scope, Declared(self, needs))


# The shared facts a criterion may declare; ``person_units`` reads ``involved``.
FACTS = {
    "service_spans": "service_spans",
    "involved": "involved",
    "person_units": "involved",
    "assignments": "assignments",
    "plans": "plans",
    "plan_facts": "plan_facts",
    "party_names": "party_names",
    "need_facts": "need_facts",
}


class UndeclaredFact(AttributeError):
    """A criterion read a shared fact it did not declare in ``needs``."""


class Declared:
    """The scope as one criterion sees it: only the shared facts it declared."""

    def __init__(self, scope: Scope, needs: frozenset):
        unknown = needs - set(FACTS.values())
        if unknown:
            raise ValueError(f"Unknown facts: {sorted(unknown)}")
        self._scope, self._needs = scope, needs

    def __getattr__(self, name):
        fact = FACTS.get(name)
        if fact is not None and fact not in self._needs:
            raise UndeclaredFact(f"{name} needs the fact {fact!r}, not declared")
        return getattr(self._scope, name)


@dataclass(frozen=True)
class Criterion:
    id: str
    title: "StrOrPromise"
    legal_basis: str  # key into helhet.core.legal.REFERENCES
    source: str
    evaluate: Callable[[Scope], list[Outcome]] = field(repr=False)
    # The shared facts of ``Scope`` the rule reads (keys of ``FACTS``).
    needs: frozenset = frozenset()
    # What an auditor puts in a report's method chapter (docs/compliance.md):
    # what is checked, over whom, what counts as met, and what the data cannot show.
    definition: "StrOrPromise" = ""
    population: "StrOrPromise" = ""
    met_when: "StrOrPromise" = ""
    blind_spots: "StrOrPromise" = ""
    # The category of the data a failing case's evidence shows (plan status,
    # a decision, a mapping): a person's name is listed only to users the gate
    # lets read that category, as the page behind it would (docs/consent.md).
    evidence_category: str = Category.PLAN

    @property
    def legal_text(self) -> str:
        return REFERENCES[self.legal_basis]


# --- loaders: a constant number of queries each ------------------------------------


def _first_plan(scope: Scope) -> dict[int, Mapping[str, Any]]:
    first: dict[int, Mapping[str, Any]] = {}
    for row in scope.plans:
        first.setdefault(row["person_id"], row)
    return first


def _population(scope: Scope) -> list[int]:
    """Persons active in the period, and everyone the need facts know (assessed,
    or receiving services outside the municipality's units)."""
    return sorted(set(scope.service_spans) | set(scope.need_facts))


def _no_need() -> rules.Need:
    return rules.Need(False)


def _ip_offered(scope: Scope) -> list[Outcome]:
    plans, judge = _first_plan(scope), _memo(rules.ip_offered)
    outcomes = []
    for person_id in _population(scope):
        need = scope.need_facts.get(person_id, _no_need())
        plan = plans.get(person_id)
        verdict = judge(need, plan["offered_on"] if plan else None)
        outcomes.append(_person(scope, person_id, verdict))
    return outcomes


def _coordinator_offered(scope: Scope) -> list[Outcome]:
    plans = _first_plan(scope)
    latest_status = {row["person_id"]: row["status"] for row in scope.plans}
    judge = _memo(rules.coordinator_offered)
    outcomes = []
    for person_id in _population(scope):
        need = scope.need_facts.get(person_id, _no_need())
        assignments = scope.assignments.get(person_id, [])
        offered = assignments[0]["offered_on"] if assignments else None
        status = latest_status.get(person_id) if person_id in plans else None
        verdict = judge(need, status, offered)
        outcomes.append(_person(scope, person_id, verdict))
    return outcomes


def _plan_outcomes(scope: Scope, judge) -> list[Outcome]:
    """One outcome per active or offered plan; ``judge(row)`` reads only the plan's row
    and whatever facts the criterion itself loaded."""
    return [
        _person(scope, row["person_id"], judge(row))
        for row in scope.plans
        if plan_rules.is_open(row["status"])
    ]


def _memo(rule: Callable[..., rules.Verdict]) -> Callable[..., rules.Verdict]:
    """The rule asked once per distinct set of facts within one report: it is pure,
    and thousands of cases share a few hundred (e.g. plans and their revision
    dates), so the evidence is translated and formatted once per distinct verdict,
    not once per case (docs/performance.md)."""
    return functools.cache(rule)


def _plan_complete(scope: Scope) -> list[Outcome]:
    facts = scope.plan_facts
    return _plan_outcomes(
        scope, lambda row: rules.plan_complete(row["status"], facts.get(row["pk"]))
    )


def _revision(scope: Scope) -> list[Outcome]:
    judge, today = _memo(rules.revision_not_passed), scope.today
    return _plan_outcomes(scope, lambda row: judge(row["status"], row["revision_due"], today))


def _participants_consented(scope: Scope) -> list[Outcome]:
    facts, names = scope.plan_facts, scope.party_names
    return _plan_outcomes(
        scope,
        lambda row: rules.participants_consented(row["status"], facts.get(row["pk"]), names),
    )


def _coordinator_named(scope: Scope) -> list[Outcome]:
    # The municipality's own routine, if it has set one (never another's).
    routine = naming_routine(scope.municipality_id)
    days, name = (routine.days, routine.name) if routine else (None, "")
    outcomes = []
    for person_id, assignments in scope.assignments.items():
        for a in assignments:
            if not scope.start <= (a["assigned_on"] or a["offered_on"]) <= scope.end:
                continue
            verdict = rules.coordinator_named_in_time(
                a["assigned_on"], a["named_on"], scope.today, days, name
            )
            units = frozenset({a["unit_id"]}) if a["unit_id"] else scope.person_units(person_id)
            outcomes.append(Outcome(verdict.result, verdict.evidence, person_id, units))
    return outcomes


def _coordinator_trained(scope: Scope) -> list[Outcome]:
    coordinates: defaultdict[int, int] = defaultdict(int)
    units: defaultdict[int, set[int]] = defaultdict(set)
    for assignments in scope.assignments.values():
        for a in assignments:
            if a["coordinator_id"] and a["ended_on"] is None:
                coordinates[a["coordinator_id"]] += 1
                if a["unit_id"]:
                    units[a["coordinator_id"]].add(a["unit_id"])
    for user_id, unit_id in Membership.objects.filter(
        staff__municipality_id=scope.municipality_id
    ).values_list("staff__user_id", "unit_id"):
        units[user_id].add(unit_id)
    outcomes = []
    for user_id, first, last, username, trained_on in StaffMember.objects.filter(
        municipality_id=scope.municipality_id
    ).values_list(
        "user_id",
        "user__first_name",
        "user__last_name",
        "user__username",
        "coordinator_trained_on",
    ):
        verdict = rules.coordinator_trained(coordinates[user_id], trained_on)
        outcomes.append(
            Outcome(
                verdict.result,
                verdict.evidence,
                unit_ids=frozenset(units[user_id]),
                subject=f"{first} {last}".strip() or username,
                subject_is_staff=True,
            )
        )
    return outcomes


def _applications(scope: Scope):
    return Application.objects.filter(
        person__municipality_id=scope.municipality_id,
        received_on__gte=scope.start,
        received_on__lte=scope.end,
    )


def _preliminary(scope: Scope) -> list[Outcome]:
    rows = _applications(scope).values_list(
        "person_id", "unit_id", "received_on", "decision__decided_on", "preliminary_sent_on"
    )
    outcomes = []
    for person_id, unit_id, received, decided, sent in rows:
        verdict = rules.preliminary_answer(received, decided, sent, scope.today)
        outcomes.append(Outcome(verdict.result, verdict.evidence, person_id, frozenset({unit_id})))
    return outcomes


def _decisions(scope: Scope):
    return Decision.objects.filter(
        application__person__municipality_id=scope.municipality_id,
        decided_on__gte=scope.start,
        decided_on__lte=scope.end,
    )


def _decision_units(row) -> frozenset:
    return frozenset(u for u in (row["application__unit_id"], row["provider_id"]) if u)


def _decision_reasons(scope: Scope) -> list[Outcome]:
    outcomes = []
    for row in _decisions(scope).values(
        "application__person_id",
        "application__unit_id",
        "provider_id",
        "application__kind",
        "outcome",
        "reasons",
        "decided_on",
        "letter_sent_on",
    ):
        verdict = rules.decision_reasons_and_appeal(
            row["outcome"] == Decision.Outcome.GRANTED,
            row["reasons"],
            row["decided_on"],
            row["letter_sent_on"],
            scope.today,
            route=appeal_route(row["application__kind"]),
        )
        outcomes.append(
            Outcome(
                verdict.result,
                verdict.evidence,
                row["application__person_id"],
                _decision_units(row),
            )
        )
    return outcomes


def _decision_started(scope: Scope) -> list[Outcome]:
    outcomes = []
    for row in _decisions(scope).values(
        "application__person_id",
        "application__unit_id",
        "provider_id",
        "application__kind",
        "outcome",
        "period_from",
        "started_on",
    ):
        verdict = rules.decision_started(
            row["outcome"] == Decision.Outcome.GRANTED,
            row["period_from"],
            row["started_on"],
            scope.today,
            kind=row["application__kind"],
        )
        outcomes.append(
            Outcome(
                verdict.result,
                verdict.evidence,
                row["application__person_id"],
                _decision_units(row),
            )
        )
    return outcomes


def _service_on_decision(scope: Scope) -> list[Outcome]:
    rows = scope.services_in_period().values_list(
        "person_id",
        "unit_id",
        "type__name",
        "type__needs_decision",
        "basis",
        "valid_from",
        "valid_to",
    )
    outcomes, judge = [], _memo(rules.service_on_decision)
    for person_id, unit_id, type_name, needs_decision, basis, valid_from, valid_to in rows:
        verdict = judge(type_name, needs_decision, basis, valid_from, valid_to)
        outcomes.append(Outcome(verdict.result, verdict.evidence, person_id, frozenset({unit_id})))
    return outcomes


_SOCIAL = "application__social_facts__"
_NAV_FIELDS = (
    "guidance_informed",
    "guidance_wish",
    "guidance_given",
    "guidance_decided_on",
    "activity_condition",
    "weighty_reasons",
    "kvp_criteria",
    "kvp_assessed_on",
    "covers_child_17",
    "child_heard_on",
    "best_interests",
)


def _nav_facts(row: dict) -> intake_rules.NavFacts:
    """The same NavFacts intake.services.nav_facts builds, from one values() row."""
    social = {name: row[_SOCIAL + name] for name in _NAV_FIELDS}
    return intake_rules.NavFacts(
        age=identity.age_on(row["application__person__birth_date"], row["decided_on"]),
        granted=row["outcome"] == Decision.Outcome.GRANTED,
        decided_on=row["decided_on"],
        guidance_informed=bool(social["guidance_informed"]),
        guidance_wish=social["guidance_wish"] or "",
        guidance_given=bool(social["guidance_given"]),
        guidance_decided_on=social["guidance_decided_on"],
        activity_condition=bool((social["activity_condition"] or "").strip()),
        weighty_reasons=bool((social["weighty_reasons"] or "").strip()),
        kvp_criteria=social["kvp_criteria"] or "",
        kvp_assessed_on=social["kvp_assessed_on"],
        covers_child_17=bool(social["covers_child_17"]),
        child_heard_on=social["child_heard_on"],
        best_interests=bool((social["best_interests"] or "").strip()),
    )


def _nav(judge) -> Callable[[Scope], list[Outcome]]:
    def evaluate(scope: Scope) -> list[Outcome]:
        rows = (
            _decisions(scope)
            .filter(application__unit__kind=Unit.Kind.NAV)
            .values(
                "application__person_id",
                "application__person__birth_date",
                "application__unit_id",
                "application__kind",
                "provider_id",
                "outcome",
                "decided_on",
                *(_SOCIAL + name for name in _NAV_FIELDS),
            )
        )
        outcomes = []
        for row in rows:
            verdict = judge(_nav_facts(row), row["application__kind"])
            outcomes.append(
                Outcome(
                    verdict.result,
                    verdict.evidence,
                    row["application__person_id"],
                    _decision_units(row),
                )
            )
        return outcomes

    return evaluate


def _routines(scope: Scope) -> list[Outcome]:
    from helhet.cooperation import services as cooperation

    names = scope.party_names
    shared = cooperation.shared_unit_pairs(municipality=scope.municipality_id, today=scope.as_of)
    covered = cooperation.covered_unit_pairs(municipality=scope.municipality_id)
    unit_ids = sorted(pk for kind, pk in names if kind == "u")
    outcomes = []
    for i, a in enumerate(unit_ids):
        for b in unit_ids[i + 1 :]:
            verdict = rules.routine_between(shared.get((a, b), 0), (a, b) in covered)
            outcomes.append(
                Outcome(
                    verdict.result,
                    verdict.evidence,
                    unit_ids=frozenset({a, b}),
                    subject=f"{names[('u', a)]} – {names[('u', b)]}",
                )
            )
    return outcomes


def _directory(scope: Scope) -> list[Outcome]:
    from helhet.cooperation.models import DirectoryEntry

    verified = dict(
        DirectoryEntry.objects.filter(
            municipality_id=scope.municipality_id, unit__isnull=False
        ).values_list("unit_id", "last_verified")
    )
    outcomes = []
    for pk, name in Unit.objects.filter(municipality_id=scope.municipality_id).values_list(
        "pk", "name"
    ):
        verdict = rules.directory_verified(verified.get(pk), scope.today)
        outcomes.append(
            Outcome(verdict.result, verdict.evidence, unit_ids=frozenset({pk}), subject=name)
        )
    return outcomes


def _group_meetings(scope: Scope) -> list[Outcome]:
    from helhet.cooperation.models import GroupMember, Meeting, ResponsibilityGroup

    groups = ResponsibilityGroup.objects.filter(person__municipality_id=scope.municipality_id)
    held: defaultdict[int, list[dt.date]] = defaultdict(list)
    without_minutes: defaultdict[int, int] = defaultdict(int)
    for group_id, starts_at, minutes in Meeting.objects.filter(
        group__in=groups, status=Meeting.Status.HELD
    ).values_list("group_id", "starts_at", "minutes"):
        day = starts_at.date()
        if scope.start <= day <= scope.end:
            held[group_id].append(day)
            without_minutes[group_id] += not minutes.strip()
    member_units = defaultdict(set)
    for group_id, unit_id in GroupMember.objects.filter(
        group__in=groups, unit__isnull=False
    ).values_list("group_id", "unit_id"):
        member_units[group_id].add(unit_id)
    outcomes = []
    for pk, person_id, created_on, weeks in groups.values_list(
        "pk", "person_id", "created_on", "frequency_weeks"
    ):
        verdict = rules.group_meetings(
            held[pk], without_minutes[pk], max(created_on, scope.start), scope.as_of, weeks
        )
        units = frozenset(member_units[pk]) | scope.person_units(person_id)
        outcomes.append(Outcome(verdict.result, verdict.evidence, person_id, units))
    return outcomes


def _deviations(scope: Scope) -> list[Outcome]:
    from helhet.quality.models import Deviation

    rows = Deviation.objects.filter(
        municipality_id=scope.municipality_id,
        reported_on__gte=scope.start,
        reported_on__lte=scope.end,
    ).values_list("pk", "unit_id", "deadline", "closed_on")
    outcomes = []
    for pk, unit_id, deadline, closed_on in rows:
        verdict = rules.deviation_in_time(deadline, closed_on, scope.today)
        outcomes.append(
            Outcome(
                verdict.result,
                verdict.evidence,
                unit_ids=frozenset({unit_id}),
                subject=str(_("Avvik %(n)s") % {"n": pk}),
            )
        )
    return outcomes


def _mapping_tables_exist() -> bool:
    from helhet.mapping.models import Mapping

    return Mapping._meta.db_table in connection.introspection.table_names()


def _mapping(scope: Scope) -> list[Outcome]:
    with_plan = {row["person_id"] for row in scope.plans if row["status"] == "aktiv"}
    assessed = {
        person_id for person_id, need in scope.need_facts.items() if need.needs and need.assessed
    }
    population = sorted(with_plan | assessed | set(scope.service_spans))
    if not _mapping_tables_exist():
        verdict = rules.no_data(str(_("kartleggingsmodulen har ingen registreringer ennå")))
        return [_person(scope, person_id, verdict) for person_id in population]
    from helhet.mapping.models import Mapping

    last = {}
    for person_id, mapped_on in (
        Mapping.objects.filter(person__municipality_id=scope.municipality_id)
        .order_by("mapped_on")
        .values_list("person_id", "mapped_on")
    ):
        last[person_id] = mapped_on
    judge = _memo(rules.mapping_done)
    plan_why, need_why = (
        str(_("har aktiv plan")),
        str(_("vurdert å ha behov for langvarige tjenester")),
    )
    return [
        _person(
            scope,
            person_id,
            judge(
                person_id in with_plan or person_id in assessed,
                last.get(person_id),
                scope.today,
                plan_why if person_id in with_plan else need_why if person_id in assessed else "",
            ),
        )
        for person_id in population
    ]


def _latest_mappings(scope: Scope) -> dict[int, dict[str, Any]]:
    """Per person, the latest mapping's crisis-risk flag and domain levels (two queries)."""
    from helhet.mapping.models import DomainScore, Mapping

    latest: dict[int, dict[str, Any]] = {}
    for pk, person_id, risk in (
        Mapping.objects.filter(
            person__municipality_id=scope.municipality_id, mapped_on__lte=scope.as_of
        )
        .order_by("mapped_on", "pk")
        .values_list("pk", "person_id", "crisis_risk")
    ):
        latest[person_id] = {"pk": pk, "risk": risk, "levels": {}}
    by_mapping = {facts["pk"]: facts for facts in latest.values()}
    # The scores of every mapping up to the day, the earlier ones skipped here: not
    # ``mapping_id IN (the latest ids)``, which SQLite evaluated once per joined row
    # (a 5,000-id list took a minute, the 44,000 of a 50,000-person municipality
    # hours) and which would pass its limit of 32,766 parameters (docs/performance.md).
    for mapping_id, domain, level in DomainScore.objects.filter(
        mapping__person__municipality_id=scope.municipality_id,
        mapping__mapped_on__lte=scope.as_of,
    ).values_list("mapping_id", "domain", "level"):
        facts = by_mapping.get(mapping_id)
        if facts is not None:
            facts["levels"][domain] = level
    return latest


def _crisis_plan(scope: Scope) -> list[Outcome]:
    from helhet.plans.models import CrisisPlan

    mappings = _latest_mappings(scope)
    plan_risk = set(
        IndividualPlan.objects.filter(
            person__municipality_id=scope.municipality_id,
            status=IndividualPlan.Status.ACTIVE,
            crisis_risk=True,
        ).values_list("person_id", flat=True)
    )
    crisis = {
        person_id: tuple(crisis_plan_missing(signs, helps, contacts or []))
        for person_id, signs, helps, contacts in CrisisPlan.objects.filter(
            person__municipality_id=scope.municipality_id
        ).values_list("person_id", "warning_signs", "what_helps", "contacts")
    }
    in_plan, in_mapping = str(_("Planen")), str(_("Kartleggingen"))
    judge = _memo(rules.crisis_plan)
    population = sorted(set(scope.service_spans) | plan_risk | set(mappings))
    outcomes = []
    for person_id in population:
        where = (
            in_plan
            if person_id in plan_risk
            else in_mapping
            if mappings.get(person_id, {}).get("risk")
            else ""
        )
        verdict = judge(where, person_id in crisis, crisis.get(person_id, ()))
        outcomes.append(_person(scope, person_id, verdict))
    return outcomes


def _somatic(scope: Scope) -> list[Outcome]:
    from helhet.around.models import SomaticFollowUp

    mappings = _latest_mappings(scope)
    checks, informed = {}, {}
    for person_id, kind, done_on, by_gp in (
        SomaticFollowUp.objects.filter(
            person__municipality_id=scope.municipality_id, done_on__lte=scope.as_of
        )
        .order_by("done_on", "pk")
        .values_list("person_id", "kind", "done_on", "by_gp")
    ):
        if kind == SomaticFollowUp.Kind.CHECK:
            checks[person_id] = (done_on, by_gp)
        else:
            informed[person_id] = done_on
    judge = _memo(rules.somatic_followed)
    outcomes = []
    for person_id in sorted(set(scope.service_spans) | set(mappings)):
        rop = rules.is_rop(mappings.get(person_id, {}).get("levels", {}))
        last, by_gp = checks.get(person_id, (None, False))
        verdict = judge(rop, last, by_gp, informed.get(person_id), scope.as_of)
        outcomes.append(_person(scope, person_id, verdict))
    return outcomes


def _cooperation_agreement(scope: Scope) -> list[Outcome]:
    from helhet.cooperation import rules as cooperation_rules
    from helhet.cooperation.models import AgreementTopic, CooperationAgreement, SubAgreement

    agreement = (
        CooperationAgreement.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=scope.as_of),
            municipality_id=scope.municipality_id,
            signed_on__lte=scope.as_of,
        )
        .order_by("-signed_on", "-pk")
        .values("pk", "title", "health_trust", "revision_due")
        .first()
    )
    if agreement is None:
        verdict = rules.cooperation_agreement(False, [], [])
        return [Outcome(verdict.result, verdict.evidence, subject=str(_("Kommunen")))]
    subs = list(
        SubAgreement.objects.filter(agreement_id=agreement["pk"]).values_list(
            "title", "topics", "revision_due"
        )
    )
    labels = dict(AgreementTopic.choices)
    covered = {topic for _title, topics, _due in subs for topic in topics}
    missing = [str(labels[t]) for t in cooperation_rules.REQUIRED_TOPICS if t not in covered]
    overdue = [
        title
        for title, due in [(agreement["title"], agreement["revision_due"])]
        + [(title, due) for title, _topics, due in subs]
        if due < scope.today
    ]
    verdict = rules.cooperation_agreement(True, missing, overdue)
    return [
        Outcome(
            verdict.result,
            verdict.evidence,
            subject=f"{agreement['title']} ({agreement['health_trust']})",
        )
    ]


def _discharge_aftercare(scope: Scope) -> list[Outcome]:
    """One outcome per discharge or release in the period (two queries, also
    when there are none: the units are loaded up front)."""
    from helhet.around.models import DischargeNotice

    scope.involved  # noqa: B018 — a constant number of queries, rows or not

    rows = DischargeNotice.objects.filter(
        person__municipality_id=scope.municipality_id,
        discharge_on__gte=scope.start,
        discharge_on__lte=scope.as_of,
    ).values_list(
        "person_id",
        "discharge_on",
        "cancelled",
        "aftercare__made_on",
        "aftercare__housing_ready_on",
        "aftercare__follow_up_ready_on",
    )
    outcomes = []
    for person_id, day, cancelled, made, housing, follow_up in rows.order_by("discharge_on", "pk"):
        verdict = rules.aftercare_in_place(day, cancelled, made, housing, follow_up, scope.as_of)
        outcomes.append(_person(scope, person_id, verdict))
    return outcomes


def _gp_informed(scope: Scope) -> list[Outcome]:
    """Persons with an active plan: the latest message to the GP about the plan,
    against the plan's start and latest change (four queries)."""
    from helhet.around.models import ExternalService, GpMessage
    from helhet.plans.models import PlanVersion

    scope.involved  # noqa: B018 — a constant number of queries, plans or not
    active = IndividualPlan.objects.filter(
        person__municipality_id=scope.municipality_id,
        status=IndividualPlan.Status.ACTIVE,
        offered_on__lte=scope.as_of,
    )
    plans = {}
    for pk, person_id, offered, answered in active.order_by("offered_on", "pk").values_list(
        "pk", "person_id", "offered_on", "answered_on"
    ):
        plans[person_id] = (pk, answered or offered)
    # Subqueries, not id lists: an empty list would skip the query, and the
    # number of queries must not depend on the data.
    changed: dict[int, dt.date] = {}
    for plan_id, created in PlanVersion.objects.filter(plan_id__in=active.values("pk")).values_list(
        "plan_id", "created_at"
    ):
        day = created.date()
        if day <= scope.as_of:
            changed[plan_id] = max(changed.get(plan_id, day), day)
    with_gp = set(
        ExternalService.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=scope.as_of),
            person_id__in=active.values("person_id"),
            kind=ExternalService.Kind.GP,
            valid_from__lte=scope.as_of,
        ).values_list("person_id", flat=True)
    )
    told: dict[int, dt.date] = {}
    for person_id, day in GpMessage.objects.filter(
        person_id__in=active.values("person_id"),
        direction=GpMessage.Direction.TO_GP,
        about_plan=True,
        sent_on__lte=scope.as_of,
    ).values_list("person_id", "sent_on"):
        told[person_id] = max(told.get(person_id, day), day)
    return [
        _person(
            scope,
            person_id,
            rules.gp_informed_of_plan(
                person_id in with_gp, since, changed.get(plan_id), told.get(person_id)
            ),
        )
        for person_id, (plan_id, since) in sorted(plans.items())
    ]


def _children(scope: Scope) -> list[Outcome]:
    """Patients by the latest mapping (mental health or substance use at least
    moderate), and anyone with children registered (three queries + mappings)."""
    from helhet.around.models import ChildRelative, ChildrenCheck
    from helhet.around.rules import is_minor
    from helhet.mapping.models import Mapping

    scope.involved  # noqa: B018 — a constant number of queries, rows or not
    mappings = _latest_mappings(scope)
    # The latest clarification counts, whether recorded on its own or answered
    # in a needs mapping («omsorg for barn under 18 år»; «ikke kjent» is no answer).
    answers = [
        (day, pk, person_id, has_children)
        for pk, person_id, day, has_children in ChildrenCheck.objects.filter(
            person__municipality_id=scope.municipality_id, checked_on__lte=scope.as_of
        ).values_list("pk", "person_id", "checked_on", "has_minor_children")
    ] + [
        (day, 0, person_id, answer == Mapping.Children.YES)
        for person_id, day, answer in Mapping.objects.filter(
            person__municipality_id=scope.municipality_id,
            mapped_on__lte=scope.as_of,
            cares_for_children__in=[Mapping.Children.YES, Mapping.Children.NO],
        ).values_list("person_id", "mapped_on", "cares_for_children")
    ]
    checked = {}
    for _day, _pk, person_id, has_children in sorted(answers, key=lambda a: (a[0], a[1])):
        checked[person_id] = has_children
    children = defaultdict(list)
    for person_id, born, assessed in ChildRelative.objects.filter(
        person__municipality_id=scope.municipality_id
    ).values_list("person_id", "birth_year", "assessed_on"):
        if is_minor(born, scope.as_of):
            children[person_id].append(assessed is not None and assessed <= scope.as_of)
    level = rules.ROP_LEVEL
    patients = {
        person_id
        for person_id, facts in mappings.items()
        if facts["levels"].get("psykisk", 0) >= level or facts["levels"].get("rus", 0) >= level
    }
    population = sorted((set(scope.service_spans) & patients) | set(children))
    return [
        _person(
            scope,
            person_id,
            rules.children_as_relatives(
                person_id in patients, checked.get(person_id), children.get(person_id, [])
            ),
        )
        for person_id in population
    ]


def _user_involvement(scope: Scope) -> list[Outcome]:
    """The municipality: one verdict from counts (four queries)."""
    from helhet.voice.models import Consultation, UserBody, UserSurvey

    muni = scope.municipality_id
    consultations = Consultation.objects.filter(
        body__municipality_id=muni, held_on__gte=scope.start, held_on__lte=scope.as_of
    )
    verdict = rules.user_involvement(
        UserBody.objects.filter(municipality_id=muni, active_from__lte=scope.as_of).count(),
        consultations.count(),
        consultations.exclude(outcome="").count(),
        UserSurvey.objects.filter(
            municipality_id=muni,
            carried_out_on__gte=scope.start,
            carried_out_on__lte=scope.as_of,
        ).count(),
    )
    return [Outcome(verdict.result, verdict.evidence, subject=str(_("Kommunen")))]


def _staff_competence(scope: Scope) -> list[Outcome]:
    """Per unit: staff × required training, valid on the day (four queries)."""
    from helhet.workforce.models import TrainingRecord, TrainingRequirement
    from helhet.workforce.rules import training_valid

    units = dict(
        Unit.objects.filter(municipality_id=scope.municipality_id).values_list("pk", "name")
    )
    requirements = defaultdict(list)
    for pk, unit_id, name, role, months in TrainingRequirement.objects.filter(
        unit__municipality_id=scope.municipality_id
    ).values_list("pk", "unit_id", "name", "role", "valid_months"):
        requirements[unit_id].append((pk, name, role, months))
    staff = defaultdict(list)
    for staff_id, unit_id, role, name, family in (
        Membership.objects.confirmed()
        .filter(unit__municipality_id=scope.municipality_id)
        .values_list(
            "staff_id", "unit_id", "role", "staff__user__first_name", "staff__user__last_name"
        )
    ):
        staff[unit_id].append((staff_id, role, f"{name} {family}".strip()))
    latest: dict[tuple[int, int], dt.date] = {}
    for requirement_id, staff_id, day in TrainingRecord.objects.filter(
        requirement__unit__municipality_id=scope.municipality_id, completed_on__lte=scope.as_of
    ).values_list("requirement_id", "staff_id", "completed_on"):
        key = (requirement_id, staff_id)
        latest[key] = max(latest.get(key, day), day)
    outcomes = []
    for unit_id, name in sorted(units.items(), key=lambda u: u[1]):
        valid = total = 0
        missing = []
        for pk, title, role, months in requirements.get(unit_id, []):
            for staff_id, staff_role, staff_name in staff.get(unit_id, []):
                if role and staff_role != role:
                    continue
                total += 1
                if training_valid(latest.get((pk, staff_id)), months, scope.as_of):
                    valid += 1
                else:
                    missing.append(f"{staff_name}: {title}")
        verdict = rules.staff_competence(
            len(requirements.get(unit_id, [])), valid, total, sorted(set(missing))
        )
        outcomes.append(
            Outcome(verdict.result, verdict.evidence, unit_ids=frozenset({unit_id}), subject=name)
        )
    return outcomes


def _staff_safety(scope: Scope) -> list[Outcome]:
    """Per unit with home visits or known risk of violence (two queries)."""
    from helhet.workforce.models import SafetyAssessment
    from helhet.workforce.rules import AT_RISK_KINDS

    latest: dict[int, tuple[dt.date | None, bool]] = {}
    for unit_id, review_due, measures in (
        SafetyAssessment.objects.filter(
            unit__municipality_id=scope.municipality_id, assessed_on__lte=scope.as_of
        )
        .order_by("assessed_on", "pk")
        .values_list("unit_id", "review_due", "measures")
    ):
        latest[unit_id] = (review_due, bool(measures.strip()))
    if not latest:
        # The register is not in use: «Ingen data», not a breach per unit (the
        # assessments may be kept elsewhere; the page says so).
        return []
    outcomes = []
    for unit_id, name in (
        Unit.objects.filter(municipality_id=scope.municipality_id, kind__in=AT_RISK_KINDS)
        .order_by("name")
        .values_list("pk", "name")
    ):
        due, has_measures = latest.get(unit_id, (None, False))
        verdict = rules.staff_safety(unit_id in latest, due, has_measures, scope.as_of)
        outcomes.append(
            Outcome(verdict.result, verdict.evidence, unit_ids=frozenset({unit_id}), subject=name)
        )
    return outcomes


def _person(scope: Scope, person_id: int, verdict: rules.Verdict) -> Outcome:
    return Outcome(verdict.result, verdict.evidence, person_id, scope.person_units(person_id))


# --- the catalogue -----------------------------------------------------------------

SPANS, UNITS, ASSIGNMENTS = "service_spans", "involved", "assignments"
NEEDS = "need_facts"
PLANS, PLAN_FACTS, NAMES = "plans", "plan_facts", "party_names"

EIDSKOG, NES, SELBU = "Eidskog 2015", "Nes 2018", "Selbu 2021"
ROP, INNLANDET = (
    "ROP-tilsynet (Statsforvalteren i Trøndelag) 2019",
    "Statsforvalteren i Innlandet 2022",
)

CRITERIA: list[Criterion] = [
    Criterion(
        "ip_offered",
        _("IP tilbudt personer med langvarige og koordinerte behov"),
        "ip_need",
        EIDSKOG,
        _ip_offered,
        needs=frozenset({SPANS, PLANS, UNITS, NEEDS}),
        definition=_(
            "Personer med behov for langvarige og koordinerte tjenester skal tilbys "
            "individuell plan (helse- og omsorgstjenesteloven § 7-1 første ledd, pasient- og "
            "brukerrettighetsloven § 2-5). Alle tjenester personen får teller, også fra "
            "fastlege, DPS, TSB og NAV."
        ),
        population=_(
            "Personer med tjeneste i perioden, personer med tjeneste utenfor kommunens enheter "
            "i perioden og personer med registrert behovsvurdering. Behovet avgjøres av "
            "kommunens siste vurdering. For personer som aldri er vurdert, brukes et anslag: "
            "tjenester fra minst to tjenesteytere samtidig (kommunens enheter og tjenester "
            "utenfor kommunen, som DPS, TSB og NAV, men ikke fastlegen, som nesten alle har), "
            "der minst én har vart i 90 dager. Loven sier ikke noe antall "
            "dager eller tjenesteytere; anslaget er vårt, og en revisor kan være uenig i det."
        ),
        met_when=_("Personen med behov har fått tilbud om individuell plan (dato registrert)."),
        blind_spots=_(
            "Ser bare tjenester som er registrert. Anslaget for personer uten vurdering kan "
            "både overse behov (én tjenesteyter, men sammensatte behov) og finne behov som "
            "ikke er der. Et tilbud gitt muntlig uten registrering telles ikke."
        ),
    ),
    Criterion(
        "coordinator_offered",
        _("Koordinator tilbudt (også når IP er avslått)"),
        "coordinator",
        NES,
        _coordinator_offered,
        needs=frozenset({SPANS, ASSIGNMENTS, PLANS, UNITS, NEEDS}),
        definition=_(
            "Personer med behov for langvarige og koordinerte tjenester skal tilbys "
            "koordinator, også når de takker nei til individuell plan (helse- og "
            "omsorgstjenesteloven § 7-2)."
        ),
        population=_(
            "Som for «IP tilbudt»: behovet fra kommunens siste vurdering, ellers anslaget "
            "(minst to tjenesteytere samtidig, én i minst 90 dager), pluss alle som har fått "
            "tilbud om IP."
        ),
        met_when=_("Et koordinatortilbud er registrert for personen."),
        blind_spots=_(
            "Anslaget for personer uten vurdering er vårt, ikke lovens. Koordinator tilbudt "
            "uten registrering telles ikke."
        ),
    ),
    Criterion(
        "ip_content_complete",
        _("Aktive planer inneholder § 19 a–i"),
        "ip_content",
        EIDSKOG,
        _plan_complete,
        needs=frozenset({PLANS, PLAN_FACTS, UNITS}),
        definition=_(
            "Om den individuelle planen inneholder hvert av punktene i forskriften § 19 "
            "bokstav a–i. Hver bokstav vurderes for seg, slik at en plan som mangler én "
            "bokstav, bare får den bokstaven som mangel. Bokstav d vurderes ut fra bidragene "
            "til dem som faktisk deltar (personen og hver deltaker som ikke er pårørende); "
            "bokstav g krever at planen angir planperiode og når den skal revideres."
        ),
        population=_("Alle aktive individuelle planer i kommunen, slik de står i dag."),
        met_when=_(
            "Alle bokstavene a–i er fylt ut etter regelen i plans.rules.missing_items, den "
            "samme regelen som planens side og koordinerende enhets oversikt bruker."
        ),
        blind_spots=_(
            "Kriteriet ser om feltene er fylt ut, ikke om innholdet er godt eller er "
            "personens egne ord. Om en revisjonsdato er passert, er et eget kriterium. "
            "Pårørendes bidrag kreves ikke («eventuelt pårørende»)."
        ),
    ),
    Criterion(
        "ip_revision_kept",
        _("Revisjonsdatoen for planen er ikke passert"),
        "ip_revision",
        EIDSKOG,
        _revision,
        needs=frozenset({PLANS, UNITS}),
        definition=_(
            "Om planen er revidert innen den datoen planen selv sier (forskriften § 19 g: "
            "når planen skal justeres/revideres)."
        ),
        population=_(
            "Aktive individuelle planer med en revisjonsdato. Planer uten revisjonsdato "
            "mangler § 19 g og telles der, ikke her."
        ),
        met_when=_("Neste revisjonsdato er i dag eller senere."),
        blind_spots=_(
            "Kriteriet ser datoen, ikke om revisjonen faktisk ble gjort med personen; en "
            "dato som er flyttet fram uten revisjon, ser ut som oppfylt."
        ),
    ),
    Criterion(
        "ip_consent_participants",
        _("Samtykket dekker hver deltaker i planen"),
        "confidentiality",
        SELBU,
        _participants_consented,
        needs=frozenset({PLANS, PLAN_FACTS, NAMES, UNITS}),
    ),
    Criterion(
        "coordinator_named_14_days",
        _("Koordinator oppnevnt innen kommunens egen frist"),
        "coordinator_naming",
        NES,
        _coordinator_named,
        needs=frozenset({ASSIGNMENTS, UNITS}),
        definition=_(
            "Om enheten som fikk koordinatoransvaret, oppnevnte koordinator innen fristen i "
            "kommunens egen rutine. Loven (hol. §§ 7-2 og 7-3) setter ingen frist i dager; "
            "fristen og rutinens navn er kommunens egne opplysninger."
        ),
        population=_("Koordinatoransvar tildelt en enhet i perioden."),
        met_when=_(
            "Koordinator er oppnevnt senest på fristens siste dag. Har kommunen ikke satt "
            "en egen frist, vurderes ingen frist, og hver sak står som ikke aktuell med "
            "den begrunnelsen."
        ),
        blind_spots=_(
            "Kriteriet kjenner bare fristen kommunen har registrert, og ser ikke om "
            "personen ønsket å vente med koordinator."
        ),
    ),
    Criterion(
        "coordinator_trained",
        _("Koordinatorer har fått opplæring"),
        "coordinator_training",
        NES,
        _coordinator_trained,
        needs=frozenset({ASSIGNMENTS}),
    ),
    Criterion(
        "preliminary_answer",
        _("Foreløpig svar når saken tar mer enn en måned"),
        "preliminary_answer",
        NES,
        _preliminary,
        evidence_category=Category.HEALTH,
    ),
    Criterion(
        "decision_reasons_appeal",
        _("Vedtak er begrunnet og har klageopplysninger"),
        "decision_reasons",
        NES,
        _decision_reasons,
        definition=_(
            "Om vedtaket er begrunnet (fvl. §§ 24–25) og vedtaksbrevet med "
            "klageopplysninger er sendt (fvl. § 27). Klagefristen i brevet hentes fra én "
            "tabell over vedtakstyper: fire uker for helse- og omsorgstjenester, "
            "individuell plan og koordinator (pbrl. § 7-5), tre uker for sosiale tjenester "
            "og andre vedtak (fvl. § 29)."
        ),
        population=_("Vedtak fattet i perioden."),
        met_when=_(
            "Et avslag har begrunnelse, og vedtaksbrevet er registrert sendt. Et brev som "
            "ikke er sendt innen en uke etter vedtaket, teller som ikke oppfylt."
        ),
        blind_spots=_(
            "Kriteriet ser at brevet er sendt, ikke hvordan begrunnelsen er skrevet. "
            "Klagefristen løper fra brevet kom fram; for brev sendt med post vet systemet "
            "det bare når saksbehandleren har registrert dagen."
        ),
        evidence_category=Category.HEALTH,
    ),
    Criterion(
        "decision_started",
        _("Innvilget vedtak er satt i gang av utførende enhet"),
        "decision_started",
        NES,
        _decision_started,
        definition=_(
            "Om utførende enhet har bekreftet at en innvilget tjeneste er startet. Bare "
            "vedtak om tjenester telles: vedtak om individuell plan eller koordinator "
            "følges opp ved at koordinator oppnevnes (eget kriterium), ikke ved oppstart "
            "hos en utførende enhet."
        ),
        population=_("Innvilgede vedtak om tjenester fattet i perioden."),
        met_when=_(
            "Oppstart er bekreftet. Et vedtak som skulle ha startet for mer enn en uke "
            "siden uten bekreftet oppstart, teller som ikke oppfylt."
        ),
        blind_spots=_(
            "Kriteriet ser bekreftelsen i systemet, ikke om tjenesten faktisk gis i det "
            "omfanget vedtaket sier."
        ),
        evidence_category=Category.HEALTH,
    ),
    Criterion(
        "service_on_decision",
        _("Tjenester som varer mer enn to uker bygger på vedtak"),
        "decision_required",
        EIDSKOG,
        _service_on_decision,
        definition=_(
            "Helse- og omsorgstjenester etter helse- og omsorgstjenesteloven § 3-2 første ledd "
            "nr. 6, §§ 3-6 og 3-8 (blant annet hjemmesykepleie, praktisk bistand, "
            "støttekontakt, avlastning, institusjonsopphold, omsorgsstønad og BPA) som "
            "forventes å vare mer enn to uker, skal bygge på enkeltvedtak (pasient- og "
            "brukerrettighetsloven § 2-7)."
        ),
        population=_(
            "Tjenester som gjelder i perioden, med en tjenestetype som krever vedtak. "
            "Lavterskeltilbud og dagaktivitet gis uten vedtak, og NAVs tjenester følger "
            "sosialtjenesteloven (egne kriterier); de er ikke med. Tjenester uten "
            "tjenestetype vurderes som om de krever vedtak, med mindre de er registrert "
            "som lavterskeltilbud."
        ),
        met_when=_(
            "Tjenesten har grunnlag «enkeltvedtak», eller varer (forventet) ikke mer enn to uker."
        ),
        blind_spots=_(
            "Bygger på tjenestetypen som er registrert; en feil type gir feil svar. Ser ikke "
            "om vedtaket dekker omfanget som faktisk gis."
        ),
        evidence_category=Category.HEALTH,
    ),
    Criterion(
        "nav_guidance_informed",
        _("NAV: informert om opplysning, råd og veiledning (§ 17)"),
        "nav_guidance",
        INNLANDET,
        _nav(lambda facts, kind: rules.nav_rule(intake_rules.guidance_recorded, kind, facts)),
        definition=_(
            "Kommunen skal gi opplysning, råd og veiledning som kan bidra til å løse eller "
            "forebygge sosiale problemer (sosialtjenesteloven § 17). Innlandet: søkere om "
            "økonomisk stønad skal informeres om og oppfordres til å søke veiledning, og det "
            "skal dokumenteres."
        ),
        population=_("Vedtak om økonomisk stønad i perioden fra NAV-kontoret."),
        met_when=_("Saken viser at søkeren er informert, og hva søkeren ønsket."),
        blind_spots=_("Informasjon som er gitt uten å bli registrert i saken, ses ikke."),
        evidence_category=Category.SOCIAL,
    ),
    Criterion(
        "nav_activity_condition",
        _("NAV: aktivitetsvilkår for mottakere under 30 år (§ 20 a)"),
        "nav_activity_condition",
        INNLANDET,
        _nav(
            lambda facts, kind: rules.nav_rule(
                intake_rules.activity_condition_under_30, kind, facts
            )
        ),
        evidence_category=Category.SOCIAL,
    ),
    Criterion(
        "nav_kvp_assessed",
        _("NAV: vurdert for kvalifiseringsprogrammet før vilkår (§ 29)"),
        "nav_kvp",
        INNLANDET,
        _nav(lambda facts, kind: rules.nav_rule(intake_rules.kvp_assessed_first, kind, facts)),
        evidence_category=Category.SOCIAL,
    ),
    Criterion(
        "nav_child_heard",
        _("NAV: 17-åringer er hørt og barnets beste vurdert"),
        "nav_child_heard",
        INNLANDET,
        _nav(lambda facts, kind: rules.nav_child(facts, kind)),
        evidence_category=Category.SOCIAL,
    ),
    Criterion(
        "cooperation_routine",
        _("Samarbeidsrutine mellom enheter som har felles personer"),
        "cooperation_routine",
        SELBU,
        _routines,
        needs=frozenset({NAMES}),
        definition=_(
            "Kommunen skal legge til rette for samhandling mellom sine egne deltjenester "
            "(helse- og omsorgstjenesteloven § 3-4 første ledd) og beskrive hvem som gjør hva "
            "og ha de rutinene som trengs (forskrift om ledelse og kvalitetsforbedring i "
            "helse- og omsorgstjenesten § 6 bokstav a og e). Avtalen med helseforetaket "
            "(§ 6-1) er et eget kriterium."
        ),
        population=_("Alle par av kommunens enheter som har felles personer nå."),
        met_when=_("Det finnes en skriftlig samarbeidsrutine der begge enhetene er parter."),
        blind_spots=_(
            "Ser om rutinen finnes, ikke om den følges. Samarbeid uten felles registrerte "
            "personer telles ikke."
        ),
    ),
    Criterion(
        "directory_verified",
        _("Tjenesteoversikten er bekreftet siste 12 måneder"),
        "service_directory",
        SELBU,
        _directory,
    ),
    Criterion(
        "group_meetings_minutes",
        _("Ansvarsgruppen møtes som avtalt, med referat"),
        "responsibility_group",
        NES,
        _group_meetings,
        needs=frozenset({UNITS}),
        evidence_category=Category.COOPERATION,
    ),
    Criterion(
        "deviations_in_time",
        _("Avvik er behandlet innen fristen"),
        "internal_control",
        ROP,
        _deviations,
    ),
    Criterion(
        "needs_mapping",
        _("Behovene er kartlagt siste 12 måneder (aktiv IP eller vurdert langvarig behov)"),
        "needs_mapping_long_term",
        SELBU,
        _mapping,
        needs=frozenset({SPANS, PLANS, UNITS, NEEDS}),
        definition=_(
            "Forsvarlige tjenester forutsetter at behovene er kartlagt (helse- og "
            "omsorgstjenesteloven §§ 3-2 og 4-1), og planen skal beskrive behovene "
            "(forskrift om habilitering mv. § 19 bokstav a). Selbu og Innlandet: kartlegging "
            "for alle med langvarige behov, ikke bare dem med IP."
        ),
        population=_(
            "Personer med aktiv individuell plan, og personer som etter kommunens siste "
            "vurdering har behov for langvarige og koordinerte tjenester."
        ),
        met_when=_("En kartlegging er registrert, høyst 12 måneder gammel."),
        blind_spots=_(
            "Personer med langvarige behov som verken har plan eller registrert vurdering, "
            "er ikke med. Kartlegginger gjort utenfor Helhet telles ikke."
        ),
        evidence_category=Category.MAPPING,
    ),
    Criterion(
        "crisis_plan",
        _("Kriseplan der planen eller kartleggingen viser risiko for krise"),
        "crisis_plan",
        ROP,
        _crisis_plan,
        needs=frozenset({SPANS, UNITS}),
        definition=_(
            "Tjenestene skal være forsvarlige (helse- og omsorgstjenesteloven § 4-1 første "
            "ledd). Nasjonal faglig retningslinje for ROP-lidelser: personer med risiko for "
            "tilbakevendende kriser skal ha en kriseplan med varselsignaler, tiltak og hvem "
            "som kontaktes. ROP-tilsynet fant at kriseplaner ikke ble brukt som anbefalt."
        ),
        population=_(
            "Personer med tjeneste i perioden, aktiv plan eller kartlegging. Gjelder dem der "
            "den aktive planen eller siste kartlegging er merket med risiko for krise."
        ),
        met_when=_(
            "Personen har en kriseplan med varselsignaler, hva som hjelper og hvem som "
            "kontaktes på dagtid og kveld/natt, med telefonnummer."
        ),
        blind_spots=_(
            "Risiko som ikke er merket i plan eller kartlegging, ses ikke. Ser ikke om "
            "kriseplanen er kjent for personen og tjenesteyterne."
        ),
    ),
    Criterion(
        "somatic_health",
        _("ROP: somatisk helse fulgt opp og fastlegen informert"),
        "somatic_health",
        ROP,
        _somatic,
        needs=frozenset({SPANS, UNITS}),
        definition=_(
            "Forsvarlige tjenester (helse- og omsorgstjenesteloven § 4-1 første ledd) til "
            "personer med både psykiske lidelser og rusproblemer omfatter å kartlegge og "
            "følge opp somatisk helse og å informere fastlegen om helsehjelp som gis "
            "(ROP-tilsynet)."
        ),
        population=_(
            "Personer med tjeneste i perioden eller kartlegging, der siste kartlegging "
            "viser minst moderat problem både for rusmiddelbruk og psykisk helse."
        ),
        met_when=_(
            "Somatisk helse er undersøkt siste 12 måneder, og fastlegen er informert etter "
            "undersøkelsen (eller gjorde den selv)."
        ),
        blind_spots=_(
            "Personer med ROP-lidelser uten kartlegging i Helhet er ikke med. Ser ikke "
            "innholdet i undersøkelsen eller det fastlegen fikk vite."
        ),
        evidence_category=Category.HEALTH,
    ),
    Criterion(
        "nav_guidance_decided",
        _("NAV: vedtak om opplysning, råd og veiledning når veiledning gis (§ 17)"),
        "nav_guidance_decision",
        INNLANDET,
        _nav(lambda facts, kind: rules.nav_rule(intake_rules.guidance_decided, kind, facts)),
        definition=_(
            "Opplysning, råd og veiledning etter sosialtjenesteloven § 17 er en individuell "
            "tjeneste; tildeling er et enkeltvedtak (§ 41 andre ledd). Innlandet fant at "
            "veiledning ble gitt uten vedtak."
        ),
        population=_(
            "Vedtak om økonomisk stønad i perioden fra NAV-kontoret, der saken viser at "
            "veiledning etter § 17 er gitt."
        ),
        met_when=_("Et vedtak etter § 17 er registrert i saken."),
        blind_spots=_(
            "Veiledning som er gitt uten at det er registrert i saken, ses ikke. Skillet mot "
            "den alminnelige veiledningsplikten (forvaltningsloven § 11) er saksbehandlerens."
        ),
        evidence_category=Category.SOCIAL,
    ),
    Criterion(
        "cooperation_agreement",
        _("Samarbeidsavtale med helseforetaket og delavtaler er på plass og oppdatert"),
        "cooperation_agreement",
        ROP,
        _cooperation_agreement,
        definition=_(
            "Kommunen skal ha samarbeidsavtale med det regionale helseforetaket (helse- og "
            "omsorgstjenesteloven § 6-1), som minst omfatter punktene i § 6-2, blant annet "
            "innleggelse, utskrivning og tjenester til personer med psykiske lidelser og "
            "rusproblemer."
        ),
        population=_("Kommunen: én vurdering av avtalen som gjelder."),
        met_when=_(
            "En avtale gjelder, delavtalene dekker hvert tema i § 6-2 (og ROP), og ingen "
            "revisjonsdato er passert. Er ingen avtale registrert, vises «Ingen data»."
        ),
        blind_spots=_(
            "Ser at avtalene er registrert og holdt oppdatert, ikke hva de inneholder eller "
            "om de følges. En kommune som ikke bruker registeret, får «Ingen data», ikke "
            "et brudd."
        ),
    ),
    Criterion(
        "discharge_aftercare",
        _("Bolig og oppfølging på plass ved utskrivning og løslatelse"),
        "discharge_aftercare",
        EIDSKOG,
        _discharge_aftercare,
        needs=frozenset({UNITS}),
        definition=_(
            "Samarbeidsavtalen med helseforetaket skal ha retningslinjer for samarbeid om "
            "utskrivningsklare pasienter (helse- og omsorgstjenesteloven § 6-2 første ledd "
            "nr. 5), og kommunen får melding om utskrivningsklar pasient etter forskrift om "
            "kommunal betaling for utskrivningsklare pasienter. Nasjonal faglig retningslinje "
            "for ROP-lidelser og Eidskog-revisjonen: ettervern med bolig og oppfølging skal "
            "være på plass i god tid før utskrivning fra spesialisthelsetjenesten eller "
            "løslatelse fra fengsel."
        ),
        population=_(
            "Varsler om utskrivning eller løslatelse der dagen var i perioden og ikke senere "
            "enn i dag. Avlyste utskrivninger står som ikke aktuelle."
        ),
        met_when=_(
            "En ettervernsplan er laget senest på utskrivningsdagen, bolig er klar og "
            "oppfølging avtalt fra den dagen eller tidligere."
        ),
        blind_spots=_(
            "Ser bare utskrivninger kommunen har fått varsel om og registrert. Ser at bolig "
            "og oppfølging er registrert som på plass, ikke om personen faktisk flyttet inn "
            "eller møtte til oppfølging. Loven setter ingen frist i dager for planen; «i god "
            "tid» vurderes ikke, bare at den fantes på dagen."
        ),
        evidence_category=Category.HEALTH,
    ),
    Criterion(
        "gp_informed_of_plan",
        _("ROP: fastlegen informert om planen og endringer i den"),
        "gp_informed",
        ROP,
        _gp_informed,
        needs=frozenset({UNITS}),
        definition=_(
            "Forsvarlige og samordnede tjenester (helse- og omsorgstjenesteloven §§ 4-1 og "
            "7-2) krever at fastlegen kjenner planen. ROP-tilsynet: fastlegen skal informeres "
            "om planen og om endringer i den. Opplysningene går til fastlegen innenfor "
            "personens samtykke (helsepersonelloven § 22)."
        ),
        population=_(
            "Personer med aktiv individuell plan. Personer uten registrert fastlege står som "
            "ikke aktuelle, med den begrunnelsen."
        ),
        met_when=_(
            "En melding til fastlegen om planen er registrert samme dag som eller etter at "
            "planen ble aktiv og etter siste lagrede endring av planen."
        ),
        blind_spots=_(
            "Ser meldinger registrert i Helhet, ikke meldinger sendt bare i journalsystemet. "
            "Ser ikke om endringen var så liten at fastlegen ikke trengte å vite om den."
        ),
    ),
    Criterion(
        "children_as_relatives",
        _("Barn som pårørende: avklart, og barnas behov vurdert"),
        "children_as_relatives",
        ROP,
        _children,
        needs=frozenset({SPANS, UNITS}),
        definition=_(
            "Helsepersonell skal bidra til å ivareta det behovet for informasjon og "
            "oppfølging mindreårige barn kan ha når forelderen er pasient med psykisk sykdom, "
            "rusmiddelavhengighet eller alvorlig somatisk sykdom eller skade, og skal avklare "
            "om pasienten har mindreårige barn (helsepersonelloven § 10 a). Det samme gjelder "
            "når forelderen dør (§ 10 b). Vurderingen skal dokumenteres."
        ),
        population=_(
            "Personer med tjeneste i perioden der siste kartlegging viser minst moderat "
            "problem for psykisk helse eller rusmiddelbruk, og alle personer med registrerte "
            "mindreårige barn."
        ),
        met_when=_(
            "Det er avklart om personen har mindreårige barn (egen avklaring eller svaret i "
            "siste kartlegging); har personen det, er hvert barn registrert med dato for "
            "vurdering av behovet for informasjon og oppfølging."
        ),
        blind_spots=_(
            "Alvorlig somatisk sykdom ses bare når barn er registrert; kartleggingen har "
            "ikke et eget felt for det. Barn registreres med fødselsår, så et barn regnes som "
            "mindreårig ut det året det fyller 17 (på den sikre siden). Ser at vurderingen er "
            "dokumentert, ikke hva barnet fikk."
        ),
        evidence_category=Category.HEALTH,
    ),
    Criterion(
        "user_involvement_system",
        _("Brukermedvirkning på systemnivå er vist"),
        "user_involvement",
        ROP,
        _user_involvement,
        definition=_(
            "Kommunen skal ha systemer for å hente inn brukernes erfaringer og synspunkter, og "
            "sørge for at representanter for brukerne blir hørt når tjenestene utformes "
            "(helse- og omsorgstjenesteloven § 3-10). ROP-tilsynet spurte om medvirkning på "
            "systemnivå kunne vises."
        ),
        population=_("Kommunen: én vurdering for perioden."),
        met_when=_(
            "Minst én registrert medvirkning fra brukerråd, brukerorganisasjon eller "
            "erfaringskonsulenter i perioden. Hvor mange som har registrert resultat, og "
            "antall brukerundersøkelser, står i begrunnelsen. Er ingenting registrert, vises "
            "«Ingen data», ikke et brudd."
        ),
        blind_spots=_(
            "Ser at brukerne ble hørt, ikke om det de sa ble tatt hensyn til. Medvirkning som "
            "ikke er registrert, ses ikke. Loven sier ikke hvor ofte brukerne skal høres."
        ),
    ),
    Criterion(
        "staff_competence",
        _("Ansatte har opplæringen enhetens kompetanseplan krever"),
        "staff_competence",
        EIDSKOG,
        _staff_competence,
        definition=_(
            "Ledelsen skal ha oversikt over medarbeidernes kompetanse og behov for opplæring, "
            "og sørge for at de har nødvendig kunnskap og kompetanse (forskrift om ledelse og "
            "kvalitetsforbedring i helse- og omsorgstjenesten §§ 6 bokstav d og 7 bokstav b). "
            "Eidskog fant at kompetanseplan manglet."
        ),
        population=_("Kommunens enheter. Enheter uten registrert kompetanseplan: «Ingen data»."),
        met_when=_(
            "Hver ansatt med bekreftet tilknytning til enheten (og rollen kravet gjelder) har "
            "gjennomført hver påkrevd opplæring, og den er ikke utløpt."
        ),
        blind_spots=_(
            "Hvilke opplæringer som kreves, er enhetens egen vurdering; loven sier ikke hvilke. "
            "Ser at opplæringen er registrert, ikke hva den inneholdt."
        ),
    ),
    Criterion(
        "staff_safety",
        _("Risikovurdering av ansattes sikkerhet ved hjemmebesøk og voldsrisiko"),
        "staff_safety",
        EIDSKOG,
        _staff_safety,
        definition=_(
            "Arbeidsgiver skal kartlegge farer og vurdere risiko (arbeidsmiljøloven § 3-1 "
            "andre ledd bokstav c), og arbeidstakere skal så langt mulig vernes mot vold og "
            "trusler (§ 4-3 fjerde ledd; forskrift om utførelse av arbeid kapittel 23 A). "
            "Eidskog fant at risikovurderinger av ansattes sikkerhet manglet."
        ),
        population=_(
            "Enheter der ansatte gjør hjemmebesøk eller møter kjent risiko for vold: psykisk "
            "helse og rus, hjemmetjeneste, miljøarbeid og NAV."
        ),
        met_when=_(
            "Siste risikovurdering har tiltak, og datoen for neste gjennomgang er ikke passert."
        ),
        blind_spots=_(
            "Hvilke enheter som har slik risiko, er avgjort ut fra enhetstypen; en annen enhet "
            "med hjemmebesøk er ikke med. Ser ikke om tiltakene er gjennomført. En kommune "
            "som ikke har registrert noen risikovurdering i Helhet, får «Ingen data», ikke brudd."
        ),
    ),
]


def with_texts(criterion: Criterion) -> Criterion:
    """The criterion with its method-chapter texts: a text written on the
    criterion itself wins; empty fields are filled from ``criterion_texts``."""
    texts = criterion_texts.TEXTS.get(criterion.id)
    if not texts:
        return criterion
    # Named one by one (not **texts) so the type checker sees each field's type.
    return dataclasses.replace(
        criterion,
        definition=criterion.definition or texts.get("definition", ""),
        population=criterion.population or texts.get("population", ""),
        met_when=criterion.met_when or texts.get("met_when", ""),
        blind_spots=criterion.blind_spots or texts.get("blind_spots", ""),
    )


# --- Housing (docs/housing.md) ----------------------------------------------------


def _housing_criteria_exist(scope: Scope) -> list[Outcome]:
    from helhet.housing.models import CriteriaVersion, Dwelling, DwellingType

    # Emergency flats are the NAV office's temporary places (sotjl. § 27), not
    # allocated on the waiting list.
    kinds = set(
        Dwelling.objects.filter(municipality_id=scope.municipality_id)
        .exclude(kind=DwellingType.EMERGENCY)
        .values_list("kind", flat=True)
        .distinct()
    )
    latest: dict[str, int] = {}
    for kind, number in CriteriaVersion.objects.filter(
        criteria__municipality_id=scope.municipality_id, approved_on__lte=scope.as_of
    ).values_list("criteria__kind", "number"):
        latest[kind] = max(number, latest.get(kind, 0))
    labels = dict(DwellingType.choices)
    outcomes = []
    for kind in sorted(kinds):
        verdict = rules.allocation_criteria_exist(str(labels[kind]), latest.get(kind))
        outcomes.append(Outcome(verdict.result, verdict.evidence, subject=str(labels[kind])))
    return outcomes


def _housing_decisions(scope: Scope) -> list[Outcome]:
    from helhet.housing.models import ALLOCATION_DECISION, HousingDecision

    route = appeal_route(ALLOCATION_DECISION)
    outcomes = []
    for row in HousingDecision.objects.filter(
        application__person__municipality_id=scope.municipality_id,
        decided_on__gte=scope.start,
        decided_on__lte=scope.end,
    ).values(
        "application__person_id",
        "application__unit_id",
        "outcome",
        "reasons",
        "decided_on",
        "criteria_version__approved_on",
        "criteria_version__number",
        "appeal_body",
        "appeal_weeks",
    ):
        verdict = rules.allocation_decision(
            granted=row["outcome"] == HousingDecision.Outcome.GRANTED,
            reasons=row["reasons"],
            decided_on=row["decided_on"],
            criteria_approved_on=row["criteria_version__approved_on"],
            criteria_number=row["criteria_version__number"],
            appeal_body=row["appeal_body"],
            appeal_weeks=row["appeal_weeks"],
            route=route,
        )
        outcomes.append(
            Outcome(
                verdict.result,
                verdict.evidence,
                row["application__person_id"],
                frozenset({row["application__unit_id"]}),
            )
        )
    return outcomes


def _emergency_stays(scope: Scope) -> list[Outcome]:
    from helhet.housing import rules as housing_rules
    from helhet.housing.models import EmergencyStay, HousingRoutine

    routine = HousingRoutine.objects.filter(municipality_id=scope.municipality_id).first()
    limit = routine.emergency_stay_days if routine else None
    places = dict(EmergencyStay.Place.choices)
    outcomes = []
    for row in EmergencyStay.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=scope.start),
        person__municipality_id=scope.municipality_id,
        started_on__lte=scope.end,
    ).values(
        "person_id", "unit_id", "started_on", "ended_on", "place", "follow_up", "application_id"
    ):
        state = housing_rules.stay_state(
            started_on=row["started_on"],
            ended_on=row["ended_on"],
            today=scope.as_of,
            place=row["place"],
            limit_days=limit,
        )
        verdict = rules.emergency_stay(
            days=state.days,
            over_limit=state.over_limit,
            limit_days=limit,
            routine_name=routine.name if routine else "",
            place_label=str(places[row["place"]]).lower(),
            follow_up_missing=housing_rules.follow_up_missing(
                over_limit=state.over_limit,
                follow_up=row["follow_up"],
                has_application=row["application_id"] is not None,
            ),
        )
        outcomes.append(
            Outcome(verdict.result, verdict.evidence, row["person_id"], frozenset({row["unit_id"]}))
        )
    return outcomes


def _housing_need(scope: Scope) -> list[Outcome]:
    from helhet.housing.statistics import housing_need_without_application

    return [
        _person(scope, person_id, rules.housing_need_followed(since, followed))
        for person_id, (since, followed) in sorted(
            housing_need_without_application(scope.municipality_id).items()
        )
    ]


CRITERIA += [
    Criterion(
        "housing_criteria_written",
        _("Skriftlige tildelingskriterier for hver boligtype kommunen tildeler"),
        "housing_allocation",
        EIDSKOG,
        _housing_criteria_exist,
        definition=_(
            "Om kommunen har godkjente, skriftlige tildelingskriterier for hver boligtype den "
            "tildeler. Eidskog-revisjonen fant tildeling uten andre skriftlige kriterier enn "
            "boligstiftelsens vedtekter."
        ),
        population=_(
            "Hver boligtype kommunen har boliger av, unntatt akuttboliger (midlertidig "
            "botilbud etter sosialtjenesteloven § 27 tildeles ikke fra ventelisten)."
        ),
        met_when=_("Det finnes en versjon av kriteriene godkjent senest ved periodens slutt."),
        blind_spots=_(
            "Kriteriet ser at kriteriene finnes, ikke om innholdet er godt eller likebehandler. "
            "Boliger kommunen ikke har registrert, er ikke med."
        ),
    ),
    Criterion(
        "housing_decisions_appeal",
        _("Boligvedtak bygger på kriteriene, er begrunnet og har riktige klageopplysninger"),
        "housing_allocation",
        EIDSKOG,
        _housing_decisions,
        definition=_(
            "Om hvert vedtak om kommunal bolig viser hvilken versjon av tildelingskriteriene "
            "det bygger på, er begrunnet, og oppgir riktig klageinstans og klagefrist "
            "(kommunens klagenemnd, tre uker, forvaltningsloven §§ 28–29)."
        ),
        population=_("Alle vedtak om tildeling av kommunal bolig fattet i perioden."),
        met_when=_(
            "Avslag er begrunnet, kriteriene var godkjent da vedtaket ble fattet, og "
            "klageinstans og frist stemmer med klagetabellen i core/legal.py."
        ),
        blind_spots=_(
            "Kriteriet vurderer ikke om begrunnelsen er god, eller om saken ble avgjort uten "
            "ugrunnet opphold; foreløpig svar registreres ikke for boligsøknader."
        ),
        evidence_category=Category.SOCIAL,
    ),
    Criterion(
        "emergency_housing_followed",
        _("Midlertidig botilbud er kortvarig og fulgt opp mot varig bolig"),
        "emergency_housing",
        EIDSKOG,
        _emergency_stays,
        definition=_(
            "Om opphold i midlertidig botilbud (sosialtjenesteloven § 27) varer lenger enn "
            "kommunens egen grense uten at personen følges opp mot en varig bolig. Grensen "
            "er kommunens egen rutine, ikke lov. Hotell og campingplass vises som sted."
        ),
        population=_("Opphold som pågikk i perioden, registrert av NAV-kontoret."),
        met_when=_(
            "Oppholdet er innenfor grensen, eller det er skrevet oppfølging mot varig bolig "
            "eller søkt om bolig. Uten kommunal grense vurderes ikke varigheten."
        ),
        blind_spots=_(
            "Personer som trengte midlertidig botilbud, men ikke fikk det, er ikke registrert "
            "og vises ikke. Kvaliteten på stedet vurderes ikke utover stedstypen."
        ),
        evidence_category=Category.SOCIAL,
    ),
    Criterion(
        "housing_need_in_plan",
        _("Boligbehov i individuell plan er fulgt opp med søknad om bolig"),
        "housing_in_plan",
        EIDSKOG,
        _housing_need,
        needs=frozenset({UNITS}),
        definition=_(
            "Om personer med aktiv individuell plan og registrert boligbehov – siste "
            "kartlegging viser moderat eller alvorlig problem med bolig, eller et mål i planen "
            "gjelder bolig – har søkt om bolig eller fått midlertidig botilbud."
        ),
        population=_("Personer med aktiv individuell plan og registrert boligbehov, i dag."),
        met_when=_("Det finnes en søknad om bolig (ikke trukket) eller et midlertidig botilbud."),
        blind_spots=_(
            "Boligbehov som løses i det private leiemarkedet, med startlån eller bostøtte, "
            "vises som ikke fulgt opp hvis ingen søknad er registrert i Helhet."
        ),
    ),
]


def _activity_conditions(scope: Scope) -> list[Outcome]:
    from helhet.nav.models import ActivityCondition, Evaluation

    rows = {
        pk: (person_view, person_id, unit_id)
        for pk, person_view, person_id, unit_id in ActivityCondition.objects.filter(
            person__municipality_id=scope.municipality_id,
            status=ActivityCondition.Status.ACTIVE,
            set_on__lte=scope.end,
        ).values_list("pk", "person_view", "person_id", "unit_id")
    }
    next_due: dict[int, dt.date] = {}
    done: defaultdict[int, int] = defaultdict(int)
    for condition_id, due_on, done_on in Evaluation.objects.filter(
        condition_id__in=list(rows)
    ).values_list("condition_id", "due_on", "done_on"):
        if done_on is not None:
            done[condition_id] += 1
        elif condition_id not in next_due or due_on < next_due[condition_id]:
            next_due[condition_id] = due_on
    outcomes = []
    for condition_id, (person_view, person_id, unit_id) in sorted(rows.items()):
        verdict = rules.activity_condition_followed(
            next_due=next_due.get(condition_id),
            done=done[condition_id],
            today=scope.as_of,
            view_recorded=bool(person_view.strip()),
        )
        outcomes.append(
            Outcome(
                verdict.result,
                verdict.evidence,
                person_id,
                frozenset({unit_id}),
            )
        )
    return outcomes


def _housing_preliminary(scope: Scope) -> list[Outcome]:
    from helhet.housing.models import HousingApplication

    outcomes = []
    for row in HousingApplication.objects.filter(
        person__municipality_id=scope.municipality_id,
        received_on__gte=scope.start,
        received_on__lte=scope.end,
    ).values("person_id", "unit_id", "received_on", "decision__decided_on", "preliminary_sent_on"):
        verdict = rules.preliminary_answer(
            row["received_on"],
            row["decision__decided_on"],
            row["preliminary_sent_on"],
            scope.as_of,
        )
        outcomes.append(
            Outcome(verdict.result, verdict.evidence, row["person_id"], frozenset({row["unit_id"]}))
        )
    return outcomes


CRITERIA.append(
    Criterion(
        "housing_preliminary_answer",
        _("Boligsøknader er avgjort innen en måned eller har fått foreløpig svar"),
        "preliminary_answer",
        EIDSKOG,
        _housing_preliminary,
        definition=_(
            "Om hver søknad om kommunal bolig er avgjort innen en måned, eller søkeren har fått "
            "foreløpig svar med grunnen og når svar kan ventes (forvaltningsloven § 11 a)."
        ),
        population=_("Søknader om bolig mottatt i perioden."),
        met_when=_(
            "Vedtak innen en måned (ikke aktuelt), eller foreløpig svar sendt innen en måned "
            "etter at søknaden kom inn. Søknader der måneden ikke er ute, er ikke aktuelle."
        ),
        blind_spots=_(
            "Kriteriet ser datoen for foreløpig svar, ikke innholdet. Om saken ellers er "
            "avgjort «uten ugrunnet opphold», kan ikke tallene avgjøre."
        ),
        evidence_category=Category.SOCIAL,
    )
)

CRITERIA.append(
    Criterion(
        "activity_conditions_followed",
        _("Aktivitetsvilkår følges opp og evalueres, med den unges eget syn"),
        "nav_activity_condition",
        INNLANDET,
        _activity_conditions,
        definition=_(
            "Om hvert aktive aktivitetsvilkår (sosialtjenesteloven § 20 a) har en dato for "
            "evaluering, om evalueringene er gjort til datoen NAV satte, og om den unges eget "
            "syn på vilkåret er registrert."
        ),
        population=_("Aktive aktivitetsvilkår registrert i NAV-oppfølgingen, slik de står i dag."),
        met_when=_(
            "Ingen evaluering er forfalt uten å være gjort, minst én evaluering er planlagt "
            "eller gjort, og den unges syn er skrevet ned."
        ),
        blind_spots=_(
            "Vilkår som bare står i vedtaksbrevet og ikke er registrert i oppfølgingen, vises "
            "ikke. Kriteriet ser om oppfølgingen er gjort, ikke om den var god."
        ),
        evidence_category=Category.SOCIAL,
    )
)


def _written_decisions(
    rows: Iterable[Mapping[str, Any]], route: AppealRoute, person: str, unit: str
) -> list[Outcome]:
    """One outcome per decision row: reasons written and the appeal route printed as
    the table in core/legal.py gives it (``rules.written_decision``)."""
    outcomes = []
    for row in rows:
        verdict = rules.written_decision(
            reasons=row["reasons"],
            appeal_body=row["appeal_body"],
            appeal_weeks=row["appeal_weeks"],
            route=route,
        )
        outcomes.append(
            Outcome(verdict.result, verdict.evidence, row[person], frozenset({row[unit]}))
        )
    return outcomes


def _emergency_refusals(scope: Scope) -> list[Outcome]:
    from helhet.housing.models import EMERGENCY_DECISION, EmergencyRefusal

    rows = EmergencyRefusal.objects.filter(
        person__municipality_id=scope.municipality_id,
        decided_on__gte=scope.start,
        decided_on__lte=scope.end,
    ).values("person_id", "unit_id", "reasons", "appeal_body", "appeal_weeks")
    return _written_decisions(rows, appeal_route(EMERGENCY_DECISION), "person_id", "unit_id")


def _noncompliance_decisions(scope: Scope) -> list[Outcome]:
    from helhet.nav.models import NonComplianceDecision
    from helhet.nav.services import FINANCIAL

    rows = NonComplianceDecision.objects.filter(
        condition__person__municipality_id=scope.municipality_id,
        decided_on__gte=scope.start,
        decided_on__lte=scope.end,
    ).values("condition__person_id", "condition__unit_id", "reasons", "appeal_body", "appeal_weeks")
    return _written_decisions(
        rows, appeal_route(FINANCIAL), "condition__person_id", "condition__unit_id"
    )


CRITERIA += [
    Criterion(
        "emergency_refusal_decided",
        _("Avslag på midlertidig botilbud er begrunnede vedtak med riktig klageinstans"),
        "emergency_housing",
        EIDSKOG,
        _emergency_refusals,
        definition=_(
            "Om hvert avslag på midlertidig botilbud (sosialtjenesteloven § 27) er et skriftlig "
            "vedtak med begrunnelse og riktig klageinstans og frist (Statsforvalteren, tre "
            "uker, sosialtjenesteloven § 48 og forvaltningsloven § 29)."
        ),
        population=_("Avslag på midlertidig botilbud registrert av NAV-kontoret i perioden."),
        met_when=_(
            "Avslaget er begrunnet, og klageinstans og frist stemmer med klagetabellen i "
            "core/legal.py."
        ),
        blind_spots=_(
            "Personer som ble avvist muntlig uten at et vedtak ble registrert, vises ikke. "
            "Kriteriet vurderer ikke om begrunnelsen er god."
        ),
        evidence_category=Category.SOCIAL,
    ),
    Criterion(
        "activity_noncompliance_decided",
        _("Brudd på aktivitetsvilkår fører til et begrunnet vedtak med klageopplysninger"),
        "nav_activity_condition",
        INNLANDET,
        _noncompliance_decisions,
        definition=_(
            "Om hvert vedtak når et aktivitetsvilkår (sosialtjenesteloven § 20 a) ikke er "
            "oppfylt, er begrunnet og oppgir riktig klageinstans og frist (Statsforvalteren, "
            "tre uker). En reduksjon uten vedtak er ikke lov."
        ),
        population=_("Vedtak om brudd på aktivitetsvilkår fattet i perioden."),
        met_when=_(
            "Vedtaket er begrunnet, og klageinstans og frist stemmer med klagetabellen i "
            "core/legal.py."
        ),
        blind_spots=_(
            "En stønad som ble redusert uten at vedtaket er registrert i Helhet, vises ikke; "
            "det kan bare en gjennomgang av utbetalingene avdekke."
        ),
        evidence_category=Category.SOCIAL,
    ),
]
# --- Relatives' own needs (DOMAIN.md §4.12; pbrl. § 3-3) ------------------------------


def _relatives_needs(scope: Scope) -> list[Outcome]:
    """One outcome per relative of a person with an active plan (three queries)."""
    from helhet.around.models import RelativeNeed
    from helhet.people.models import Relative

    scope.involved  # noqa: B018 — a constant number of queries, rows or not
    active = IndividualPlan.objects.filter(
        person__municipality_id=scope.municipality_id,
        status=IndividualPlan.Status.ACTIVE,
        offered_on__lte=scope.as_of,
    ).values("person_id")
    needs = defaultdict(list)
    for relative_id, mapped, followed in RelativeNeed.objects.filter(
        relative__person_id__in=active
    ).values_list("relative_id", "mapped_on", "followed_up_on"):
        needs[relative_id].append((mapped, followed))
    relation = dict(Relative.Relation.choices)
    outcomes = []
    for pk, person_id, kind in (
        Relative.objects.filter(person_id__in=active)
        .order_by("person_id", "pk")
        .values_list("pk", "person_id", "relation")
    ):
        verdict = rules.relatives_own_needs(needs.get(pk, []), scope.as_of)
        evidence = f"{relation.get(kind, kind)}: {verdict.evidence}"
        outcomes.append(Outcome(verdict.result, evidence, person_id, scope.person_units(person_id)))
    return outcomes


CRITERIA.append(
    Criterion(
        "relatives_own_needs",
        _("Pårørendes egne behov er kartlagt og fulgt opp"),
        "relatives_needs",
        EIDSKOG,
        _relatives_needs,
        needs=frozenset({UNITS}),
        definition=_(
            "Om pårørende til personer med individuell plan har fått sine egne behov for "
            "informasjon, veiledning, avlastning og medvirkning kartlagt og fulgt opp "
            "(nasjonal veileder for pårørende; helse- og omsorgstjenesteloven § 3-6). "
            "Informasjon om personens helsehjelp og medvirkning i planen gis bare med "
            "personens samtykke (pasient- og brukerrettighetsloven §§ 3-1 og 3-3)."
        ),
        population=_(
            "Pårørende registrert på personer med aktiv individuell plan, slik de står i dag."
        ),
        met_when=_(
            "Minst ett behov hos den pårørende er kartlagt, og hvert behov som ble kartlagt "
            "for 30 dager siden eller mer, er fulgt opp. Behov kartlagt de siste 30 dagene "
            "vurderes ikke ennå."
        ),
        blind_spots=_(
            "Veilederen sier «bør», og loven setter ingen frist: 30 dager er Helhets grense "
            "for når oppfølgingen vurderes, ikke lov. Ser at behovet er kartlagt og fulgt opp, "
            "ikke om den pårørende fikk det som trengtes. Pårørende som ikke er registrert, "
            "eller som ikke ønsker kontakt, ses ikke."
        ),
        evidence_category=Category.HEALTH,
    )
)

# Every criterion, its method texts filled (``with_texts``), by id.
CRITERIA = [with_texts(c) for c in CRITERIA]
BY_ID = {c.id: c for c in CRITERIA}
