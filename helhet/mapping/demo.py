"""Demo mappings for the synthetic municipality.

Most persons are mapped one to three times over the last three years by a unit
that serves them, with the spread the BrukerPlan reports show (many moderate,
a good share serious, substance use and mental health highest) and some
improvement between mappings. Rule-breaking cases are included: mappings made
without the person present, domains left "not known", persons never mapped.
A closed round last year and an open round this year.
"""

import datetime as dt
from collections import defaultdict

from helhet.demo.context import DemoContext
from helhet.mapping import rules
from helhet.mapping.models import (
    DomainScore,
    GoalDomain,
    Level,
    Mapping,
    MappingRound,
    Referral,
    Screening,
)
from helhet.people.models import Service
from helhet.plans.models import Goal

# Chance of (serious, moderate) at the first mapping, per domain.
BASELINE = {
    "rus": (0.30, 0.30),
    "okonomi": (0.25, 0.35),
    "psykisk": (0.30, 0.40),
    "fysisk": (0.15, 0.35),
    "bolig": (0.20, 0.25),
    "sosial": (0.20, 0.35),
    "nettverk": (0.20, 0.35),
    "arbeid": (0.35, 0.30),
}
MAPPING_UNITS = ["psykisk_rus", "hjemmetjeneste", "miljoarbeid", "nav", "bolig"]
ROUND_UNITS = ["psykisk_rus", "hjemmetjeneste", "miljoarbeid", "nav"]
# Words in the demo's goals and the domain they point to.
GOAL_DOMAINS = [
    ("å bo", "bolig"),
    ("hjemme", "bolig"),
    ("jobb", "arbeid"),
    ("skole", "arbeid"),
    ("økonomi", "okonomi"),
    ("sove", "fysisk"),
    ("rus", "rus"),
    ("familien", "nettverk"),
    ("sammen med", "nettverk"),
    ("angst", "psykisk"),
]


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("mapping")
    today = ctx.today
    rounds = _rounds(ctx)
    units_of = _serving_units(ctx)
    mappers = _mappers(ctx)
    mappings, levels = [], []
    for person in ctx.persons:
        if rng.random() < 0.12:
            continue  # never mapped: the round's progress has something to show
        codes = units_of.get(person.pk) or ["psykisk_rus"]
        current = _baseline(rng)
        day = today - dt.timedelta(days=rng.randint(60, 3 * 365))
        for _n in range(rng.choice([1, 2, 2, 3, 3])):
            if day > today:
                break
            code = rng.choice(codes)
            mapper = rng.choice(mappers[code])
            mappings.append(
                Mapping(
                    person=person,
                    unit=ctx.units[code],
                    mapped_on=day,
                    mapped_by=mapper,
                    mapped_by_name=mapper.get_full_name() or mapper.username,
                    person_present=rng.random() > 0.15,
                    services_received=", ".join(sorted({ctx.units[c].name for c in codes})),
                    cares_for_children=rng.choices(["nei", "ja", "ukjent"], [70, 22, 8])[0],
                    # Serious mental-health or substance problems: some at risk of crisis.
                    # (no draw from rng: the rest of the demo stays as it was)
                    crisis_risk=max(current.get("psykisk", 0), current.get("rus", 0)) >= 3
                    and person.pk % 5 < 2,
                    round=_round_on(rounds, code, day),
                )
            )
            levels.append(dict(current))
            current = _next_levels(rng, current)
            day = day + dt.timedelta(days=rng.randint(120, 420))
    Mapping.objects.bulk_create(mappings, batch_size=500)
    DomainScore.objects.bulk_create(
        (
            DomainScore(mapping=m, domain=d, level=level)
            for m, chosen in zip(mappings, levels, strict=True)
            for d, level in chosen.items()
        ),
        batch_size=2000,
    )
    _screenings(ctx, rng, mappings, levels)
    _referrals(ctx, rng, mappings, levels)
    _goal_domains(ctx, rng)
    ctx.progress(f"Kartlegginger: {len(mappings)}")


def _rounds(ctx: DemoContext) -> list[MappingRound]:
    year = ctx.today.year
    ke = ctx.users["ke"]
    closed = MappingRound.objects.create(
        municipality=ctx.municipality,
        name=f"Kartlegging {year - 1}",
        starts_on=dt.date(year - 1, 1, 15),
        ends_on=dt.date(year - 1, 11, 30),
        opened_by=ke,
        closed_on=dt.date(year - 1, 12, 5),
        closed_by=ke,
    )
    open_round = MappingRound.objects.create(
        municipality=ctx.municipality,
        name=f"Kartlegging {year}",
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 11, 30),
        opened_by=ke,
    )
    for mapping_round in (closed, open_round):
        mapping_round.units.set([ctx.units[c] for c in ROUND_UNITS])
    return [closed, open_round]


def _round_on(rounds, code, day):
    if code not in ROUND_UNITS:
        return None
    return next((r for r in rounds if r.starts_on <= day <= r.ends_on), None)


def _serving_units(ctx: DemoContext) -> dict[int, list[str]]:
    code_of = {unit.pk: code for code, unit in ctx.units.items()}
    found = defaultdict(set)
    for person_id, unit_id in Service.objects.filter(
        person__municipality=ctx.municipality, basis=Service.Basis.DECISION
    ).values_list("person_id", "unit_id"):
        if code_of.get(unit_id) in MAPPING_UNITS:
            found[person_id].add(code_of[unit_id])
    return {pid: sorted(codes) for pid, codes in found.items()}


def _mappers(ctx: DemoContext) -> dict[str, list]:
    mappers = {
        code: [ctx.users[login] for login, unit in sorted(ctx.staff_units.items()) if unit == code]
        for code in MAPPING_UNITS
    }
    fallback = ctx.users.get("tjenesteyter") or next(iter(ctx.users.values()))
    return {code: users or [fallback] for code, users in mappers.items()}


def _baseline(rng) -> dict:
    chosen = {}
    for domain, (serious, moderate) in BASELINE.items():
        draw = rng.random()
        if rng.random() < 0.07:
            chosen[domain] = Level.UNKNOWN
        elif draw < serious:
            chosen[domain] = Level.SERIOUS
        elif draw < serious + moderate:
            chosen[domain] = Level.MODERATE
        else:
            chosen[domain] = Level.NONE
    return chosen


def _next_levels(rng, levels: dict) -> dict:
    """Help tends to work: more improve than worsen between mappings."""
    following = {}
    for domain, level in levels.items():
        draw = rng.random()
        if level == Level.UNKNOWN:
            following[domain] = rng.choice([Level.UNKNOWN, Level.MODERATE, Level.NONE])
        elif draw < 0.35 and level > Level.NONE:
            following[domain] = level - 1
        elif draw > 0.90 and level < Level.SERIOUS:
            following[domain] = level + 1
        else:
            following[domain] = level
    return following


def _answers(rng, instrument, heavy: bool) -> list[int]:
    answers = []
    for item in instrument.items:
        top = len(item.points) - 1
        answers.append(rng.randint(top // 2, top) if heavy else rng.randint(0, max(0, top // 2)))
    return answers


def _screenings(ctx, rng, mappings, levels) -> None:
    rows = []
    for mapping, chosen in zip(mappings, levels, strict=True):
        heavy = chosen["rus"] == Level.SERIOUS
        for instrument, chance in ((rules.AUDIT, 0.35), (rules.DUDIT, 0.25)):
            if rng.random() > chance:
                continue
            answers = _answers(rng, instrument, heavy and rng.random() < 0.6)
            total = rules.score(instrument, answers)
            result = rules.interpret(instrument, total, mapping.person.gender)
            rows.append(
                Screening(
                    mapping=mapping,
                    instrument=instrument.code,
                    answers=answers,
                    score=total,
                    result=result.code,
                    created_by=mapping.mapped_by,
                )
            )
    Screening.objects.bulk_create(rows, batch_size=1000)


def _referrals(ctx, rng, mappings, levels) -> None:
    rows = []
    for mapping, chosen in zip(mappings, levels, strict=True):
        if chosen["bolig"] == Level.SERIOUS and rng.random() < 0.3:
            rows.append(
                Referral(
                    mapping=mapping,
                    unit=ctx.units["bolig"],
                    need="Trenger egnet bolig; bor midlertidig hos venner.",
                    created_by=mapping.mapped_by,
                )
            )
        if chosen["okonomi"] == Level.SERIOUS and rng.random() < 0.2:
            rows.append(
                Referral(
                    mapping=mapping,
                    unit=ctx.units["nav"],
                    need="Gjeld og husleierestanse; ønsker hjelp med budsjett.",
                    created_by=mapping.mapped_by,
                )
            )
    Referral.objects.bulk_create(rows, batch_size=1000)


def _goal_domains(ctx, rng) -> None:
    goals = Goal.objects.filter(plan__person__municipality=ctx.municipality).values_list(
        "pk", "text"
    )
    rows = []
    for pk, text in goals:
        lowered = text.lower()
        domain = next((d for word, d in GOAL_DOMAINS if word in lowered), None)
        if domain and rng.random() < 0.8:
            rows.append(GoalDomain(goal_id=pk, domain=domain))
    GoalDomain.objects.bulk_create(rows, batch_size=1000)
