"""Demo access log: everyday reads by coordinators, a few emergency accesses
and refused attempts for the leader's review, and a history for the demo
person `bruker` to see under «Hvem har sett opplysningene»."""

import datetime as dt
import random
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action, EmergencyAccess
from helhet.consent.models import Category
from helhet.coordination.models import CoordinatorAssignment
from helhet.demo.context import DemoContext

REASONS = [
    "Personen ringte legevakten i krise, trenger kriseplan og kontaktpersoner nå",
    "Akutt innleggelse, sykehuset ber om oversikt over medisiner og tjenester",
    "Personen møtte opp på NAV-kontoret og var svært urolig, trengte kontakt med koordinator",
    "Bekymringsmelding fra nabo utenom kontortid, måtte finne ansvarlig tjeneste",
]


def _moment(ctx: DemoContext, rng: random.Random, days_back: int) -> dt.datetime:
    day = ctx.today - dt.timedelta(days=rng.randint(0, days_back))
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(7, 22), rng.randint(0, 59)))
    )


def _entry(
    ctx: DemoContext, user: User, person_id: int, at: dt.datetime, **fields: Any
) -> AccessLogEntry:
    fields.setdefault("action", Action.VIEW)
    fields.setdefault("granted", True)
    return AccessLogEntry(
        municipality=ctx.municipality,
        user=user,
        username=user.username,
        role=fields.pop("role", "Tjenesteyter"),
        unit=fields.pop("unit", ""),
        person_id=person_id,
        at=at,
        **fields,
    )


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("access")
    if not ctx.persons:
        return
    entries = []
    everyday = CoordinatorAssignment.objects.filter(
        person__municipality=ctx.municipality, coordinator__isnull=False, ended_on__isnull=True
    ).values_list("person_id", "coordinator_id")[:400]
    users_by_id = {u.pk: u for u in ctx.users.values()}
    for person_id, coordinator_id in everyday:
        user = users_by_id.get(coordinator_id)
        if user is None:
            continue
        for _ in range(rng.randint(1, 3)):
            entries.append(
                _entry(
                    ctx,
                    user,
                    person_id,
                    _moment(ctx, rng, 90),
                    category=Category.PLAN,
                    what=rng.choice(["plan", "personside", "plan: mål"]),
                    basis=gate.COORDINATOR,
                    basis_detail="Koordinator for personen",
                    action=rng.choice([Action.VIEW, Action.VIEW, Action.EDIT]),
                )
            )
    staff = [u for name, u in sorted(ctx.users.items()) if name.startswith("ansatt-")]
    for _ in range(12):
        user = rng.choice(staff)
        entries.append(
            _entry(
                ctx,
                user,
                rng.choice(ctx.persons).pk,
                _moment(ctx, rng, 45),
                category=gate.BASIC,
                what="personside",
                basis="",
                basis_detail="Ingen tjenstlig relasjon til personen.",
                granted=False,
                flagged=True,
            )
        )
    AccessLogEntry.objects.bulk_create(entries, batch_size=1000)
    _emergencies(ctx, rng, staff)
    ctx.progress(f"Tilgangslogg: {len(entries)} oppføringer")


def _emergencies(ctx: DemoContext, rng: random.Random, staff: list[User]) -> None:
    grants = []
    for reason in REASONS:
        at = _moment(ctx, rng, 30)
        grants.append(
            EmergencyAccess(
                municipality=ctx.municipality,
                user=rng.choice(staff),
                person=rng.choice(ctx.persons),
                reason=reason,
                granted_at=at,
                expires_at=at + gate.EMERGENCY_DURATION,
            )
        )
    EmergencyAccess.objects.bulk_create(grants)
    AccessLogEntry.objects.bulk_create(
        [
            _entry(
                ctx,
                g.user,
                g.person_id,
                g.granted_at + dt.timedelta(minutes=minutes),
                action=Action.EMERGENCY if minutes == 0 else Action.VIEW,
                category=gate.BASIC if minutes == 0 else Category.PLAN,
                what="nødtilgang innvilget" if minutes == 0 else "plan",
                basis=gate.EMERGENCY,
                basis_detail=f"Nødtilgang: {g.reason}"[:300],
                emergency=True,
                emergency_access=g,
                flagged=True,
            )
            for g in grants
            for minutes in (0, 3)
        ]
    )
