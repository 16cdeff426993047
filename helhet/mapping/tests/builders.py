"""Builders for the needs-mapping tests, on top of helhet.testing."""

import datetime as dt

from helhet.mapping import rules, services
from helhet.mapping.models import Level

TODAY = dt.date(2026, 6, 15)


def levels(default=Level.NONE, **overrides) -> dict:
    return {d: overrides.get(d, default) for d in rules.DOMAINS}


def mapping(user, person, unit, day=TODAY, present=True, **overrides):
    return services.create_mapping(
        user=user,
        person=person,
        unit=unit,
        mapped_on=day,
        today=max(day, TODAY),
        person_present=present,
        cares_for_children="nei",
        levels=levels(**overrides),
    )


def form_data(day="2026-06-01", unit=None, **overrides) -> dict:
    data = {
        "mapped_on": day,
        "unit": unit,
        "person_present": "ja",
        "cares_for_children": "nei",
        "services_received": "Oppfølging i hjemmet",
    }
    for d in rules.DOMAINS:
        data[f"level_{d}"] = str(overrides.get(d, Level.MODERATE))
    return data


def person(muni, born: dt.date, gender: str, rng):
    from helhet.people import identity
    from helhet.people.models import Person

    while True:
        national_id = identity.synthetic_national_id(rng, born, gender)
        if not Person.objects.filter(municipality=muni, national_id=national_id).exists():
            break
    return Person.objects.create(
        municipality=muni,
        national_id=national_id,
        given_name="Test",
        family_name=f"Person{rng.randint(1, 10**9)}",
    )


def population(muni, worker, units, count, year, rng, **overrides):
    """``count`` persons mapped once in ``year``, spread over units, ages and genders."""
    made = []
    for i in range(count):
        someone = person(
            muni, dt.date(1960 + (i * 7) % 45, 1 + i % 12, 1 + i % 28), "KM"[i % 2], rng
        )
        chosen = {d: overrides.get(d, rng.choice([1, 1, 2, 3, 0])) for d in rules.DOMAINS}
        made.append(
            mapping(worker, someone, units[i % len(units)], dt.date(year, 1 + i % 12, 10), **chosen)
        )
    return made
