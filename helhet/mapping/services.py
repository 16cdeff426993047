"""Database work for needs mapping: saving mappings, screenings, referrals,
outcomes for plans, municipal statistics and the annual round."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.core.replica import reporting
from helhet.mapping import report, rules
from helhet.mapping.models import (
    Domain,
    DomainScore,
    GoalDomain,
    Level,
    Mapping,
    MappingRound,
    Referral,
    Screening,
)
from helhet.organisation.models import Unit
from helhet.people import identity
from helhet.people.models import Person, Service
from helhet.plans import services as plan_services
from helhet.plans.models import IndividualPlan

# --- mappings --------------------------------------------------------------------


def create_mapping(
    *,
    user: User,
    person: Person,
    unit: Unit,
    mapped_on: dt.date,
    today: dt.date,
    person_present: bool,
    cares_for_children: str,
    levels: dict[str, Any],
    notes: dict[str, Any] | None = None,
    services_received: str = "",
    children_note: str = "",
    crisis_risk: bool = False,
) -> Mapping:
    """Save one mapping with all eight domains, attached to the open round it falls in."""
    problem = rules.validate_mapping_date(mapped_on, today)
    if problem:
        raise ValidationError({"mapped_on": problem})
    if unit.municipality_id != person.municipality_id:
        raise ValidationError({"unit": _("Enheten hører ikke til personens kommune.")})
    missing = [d for d in rules.DOMAINS if levels.get(d) not in rules.LEVELS]
    if missing:
        raise ValidationError(_("Alle livsområdene må ha et nivå på skalaen."))
    notes = notes or {}
    with transaction.atomic():
        mapping = Mapping.objects.create(
            person=person,
            unit=unit,
            mapped_on=mapped_on,
            mapped_by=user,
            mapped_by_name=user.get_full_name() or user.get_username(),
            person_present=person_present,
            services_received=services_received,
            cares_for_children=cares_for_children,
            children_note=children_note,
            crisis_risk=crisis_risk,
            round=open_round_for(
                municipality_id=person.municipality_id, unit_id=unit.pk, day=mapped_on
            ),
        )
        DomainScore.objects.bulk_create(
            DomainScore(mapping=mapping, domain=d, level=levels[d], note=notes.get(d, ""))
            for d in rules.DOMAINS
        )
    return mapping


def services_received(*, person: Person) -> str:
    """The person's current services, as a starting point for the form."""
    today = timezone.localdate()
    current = person.services.filter(Service.active_on(today)).select_related("unit")
    return ", ".join(f"{s.name} ({s.unit.name})" for s in current.order_by("unit__name", "name"))


def open_round_for(*, municipality_id: int, unit_id: int, day: dt.date) -> MappingRound | None:
    return (
        MappingRound.objects.filter(
            municipality_id=municipality_id,
            closed_on__isnull=True,
            starts_on__lte=day,
            ends_on__gte=day,
            units=unit_id,
        )
        .order_by("-starts_on")
        .first()
    )


def history(*, person: Person) -> list[Mapping]:
    """The person's mappings, oldest first, with everything the pages show."""
    return list(
        person.mappings.select_related("unit", "round", "requested_plan")
        .prefetch_related(
            Prefetch("scores", queryset=DomainScore.objects.order_by("id")),
            "screenings",
            Prefetch("referrals", queryset=Referral.objects.select_related("unit")),
        )
        .order_by("mapped_on", "id")
    )


def with_content(*, mapping: Mapping) -> Mapping:
    """The same mapping with scores, screenings and referrals loaded (person kept)."""
    loaded = (
        Mapping.objects.select_related("unit", "round", "requested_plan")
        .prefetch_related(
            Prefetch("scores", queryset=DomainScore.objects.order_by("id")),
            "screenings",
            Prefetch("referrals", queryset=Referral.objects.select_related("unit")),
        )
        .get(pk=mapping.pk)
    )
    loaded.person = mapping.person
    return loaded


def facts(*, mapping: Mapping) -> rules.MappingFacts:
    return rules.MappingFacts(
        mapping.pk, mapping.mapped_on, {s.domain: s.level for s in mapping.scores.all()}
    )


# --- screening, referral and IP in one step ---------------------------------------


def add_screening(*, user: User, mapping: Mapping, code: str, answers: list[int]) -> Screening:
    instrument = rules.INSTRUMENTS[code]
    try:
        total = rules.score(instrument, answers)
    except rules.ScoringError as error:
        raise ValidationError(str(error)) from error
    result = rules.interpret(instrument, total, mapping.person.gender)
    screening, _created = Screening.objects.update_or_create(
        mapping=mapping,
        instrument=code,
        defaults={
            "answers": list(answers),
            "score": total,
            "result": result.code,
            "created_by": user,
        },
    )
    return screening


def refer(*, user: User, mapping: Mapping, unit: Unit, need: str) -> Referral:
    if unit.municipality_id != mapping.person.municipality_id:
        raise ValidationError({"unit": _("Velg en enhet i kommunen.")})
    if not need.strip():
        raise ValidationError({"need": _("Beskriv behovet som ble funnet i kartleggingen.")})
    return Referral.objects.create(mapping=mapping, unit=unit, need=need.strip(), created_by=user)


def request_plan(*, user: User, mapping: Mapping, today: dt.date) -> IndividualPlan:
    """Offer an individual plan from the mapping (hol § 7-1: the need is found here)."""
    with transaction.atomic():
        plan = plan_services.create_plan(
            user=user, person=mapping.person, status=IndividualPlan.Status.OFFERED, offered_on=today
        )
        mapping.requested_plan = plan
        mapping.save(update_fields=["requested_plan"])
    return plan


# --- outcomes for a plan ----------------------------------------------------------


def plan_evaluation(*, plan: IndividualPlan, mappings: list[Mapping]) -> dict[str, Any]:
    """Per goal: its domain, and the level in the mapping before and after the plan began.

    ``mappings`` are those of the plan's person that the user may see."""
    known = [facts(mapping=m) for m in mappings]
    start = plan.period_start or plan.offered_on
    before, after = rules.before_and_after(known, start, plan.closed_on)
    deltas = rules.domain_deltas(before, after)
    goals = list(plan.goals.select_related("mapping_domain").order_by("position", "id"))
    rows = []
    for goal in goals:
        link = getattr(goal, "mapping_domain", None)
        domain = link.domain if link else ""
        level_before = before.levels.get(domain) if before and domain else None
        level_after = after.levels.get(domain) if after and domain else None
        change = deltas.get(domain, rules.Change.UNKNOWN)
        rows.append(
            {
                "goal": goal,
                "domain": domain,
                "domain_label": Domain(domain).label if domain else "",
                "before": level_before,
                "before_label": Level(level_before).label if level_before is not None else "",
                "after": level_after,
                "after_label": Level(level_after).label if level_after is not None else "",
                "change": change,
                "change_label": rules.Change.LABELS[change],
            }
        )
    return {"start": start, "before": before, "after": after, "rows": rows}


def set_goal_domains(*, plan: IndividualPlan, chosen: dict[int, str]) -> None:
    goal_ids = set(plan.goals.values_list("pk", flat=True))
    with transaction.atomic():
        for goal_id, domain in chosen.items():
            if goal_id not in goal_ids:
                continue
            if domain:
                GoalDomain.objects.update_or_create(goal_id=goal_id, defaults={"domain": domain})
            else:
                GoalDomain.objects.filter(goal_id=goal_id).delete()


# --- statistics --------------------------------------------------------------------


def available_years(*, municipality_id: int) -> list[int]:
    dates = Mapping.objects.filter(person__municipality_id=municipality_id).dates(
        "mapped_on", "year"
    )
    return [d.year for d in dates]


@reporting()
def statistics_rows(*, municipality_id: int, year: int) -> list[report.PersonRow]:
    """One row per person mapped in the year: their last mapping that year."""
    mappings = (
        Mapping.objects.filter(person__municipality_id=municipality_id, mapped_on__year=year)
        .order_by("person_id", "mapped_on", "id")
        .values_list(
            "id", "person_id", "mapped_on", "unit_id", "person__birth_date", "person__gender"
        )
    )
    latest = {row[1]: row for row in mappings}
    chosen = {row[0] for row in latest.values()}
    levels: dict[int, dict[str, Any]] = defaultdict(dict)
    scores = DomainScore.objects.filter(
        mapping__person__municipality_id=municipality_id, mapping__mapped_on__year=year
    ).values_list("mapping_id", "domain", "level")
    for mapping_id, domain, level in scores:
        if mapping_id in chosen:
            levels[mapping_id][domain] = level
    return [
        report.PersonRow(
            age_group=rules.age_group(identity.age_on(born, mapped_on)),
            gender=gender,
            unit_id=unit_id,
            levels=levels[mapping_id],
        )
        for mapping_id, _person, mapped_on, unit_id, born, gender in latest.values()
    ]


def municipal_units(*, municipality_id: int) -> list[tuple[int, str]]:
    return list(
        Unit.objects.filter(municipality_id=municipality_id)
        .order_by("name")
        .values_list("id", "name")
    )


def year_report(*, municipality_id: int, year: int) -> report.Report:
    return report.build(
        year,
        statistics_rows(municipality_id=municipality_id, year=year),
        municipal_units(municipality_id=municipality_id),
    )


def trend(
    *, municipality_id: int, years: list[int], current: report.Report | None = None
) -> list[report.Report]:
    """Each year's report as published on its own, so the trend repeats its cells exactly."""
    return [
        current
        if current is not None and current.year == year
        else year_report(municipality_id=municipality_id, year=year)
        for year in sorted(years)
    ]


# --- rounds ---------------------------------------------------------------------------


def open_round(
    *,
    user: User,
    municipality_id: int,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    units: Sequence[Unit],
) -> MappingRound:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("Runden kan ikke slutte før den begynner.")})
    if any(u.municipality_id != municipality_id for u in units):
        raise ValidationError({"units": _("Velg enheter i kommunen.")})
    if not units:
        raise ValidationError({"units": _("Velg minst én enhet som skal være med.")})
    with transaction.atomic():
        mapping_round = MappingRound(
            municipality_id=municipality_id,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            opened_by=user,
        )
        mapping_round.full_clean()
        mapping_round.save()
        mapping_round.units.set(units)
        # Mappings already made in the period by the units count for the round.
        Mapping.objects.filter(
            person__municipality_id=municipality_id,
            round__isnull=True,
            mapped_on__range=(starts_on, ends_on),
            unit__in=units,
        ).update(round=mapping_round)
    return mapping_round


def close_round(*, user: User, mapping_round: MappingRound, today: dt.date) -> None:
    if not mapping_round.is_open:
        raise ValidationError(_("Runden er allerede avsluttet."))
    mapping_round.closed_on = today
    mapping_round.closed_by = user
    mapping_round.save(update_fields=["closed_on", "closed_by"])


def round_progress(*, mapping_round: MappingRound) -> dict[str, Any]:
    units = list(mapping_round.units.order_by("name"))
    mapped = mapping_round.mappings.values_list("person_id", "unit_id")
    active = Q(valid_to__isnull=True) | Q(valid_to__gte=mapping_round.starts_on)
    targets: dict[int, set[int]] = defaultdict(set)
    for unit_id, person_id in Service.objects.filter(
        active,
        unit__in=units,
        basis=Service.Basis.DECISION,
        valid_from__lte=mapping_round.ends_on,
    ).values_list("unit_id", "person_id"):
        targets[unit_id].add(person_id)
    rows, total = rules.round_progress([u.pk for u in units], mapped, targets)
    by_id = {u.pk: u for u in units}
    return {"rows": [(by_id[r.unit_id], r) for r in rows], "total": total}


def rounds(*, municipality_id: int) -> list[MappingRound]:
    return list(
        MappingRound.objects.filter(municipality_id=municipality_id).prefetch_related("units")
    )
