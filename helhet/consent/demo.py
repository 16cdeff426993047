"""Demo consents: most persons with a plan have one, with the spread an audit
found — some expired without renewal, some withdrawn, some not covering the
external partners in the plan, some on the older form version.
"""

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from helhet.consent import rules
from helhet.consent.models import Category, Consent, ConsentEvent, ConsentScope
from helhet.coordination.models import CoordinatorAssignment
from helhet.demo.context import DemoContext
from helhet.people.models import Service
from helhet.plans.models import IndividualPlan, Participant

PURPOSES = [
    "Samarbeid om individuell plan og koordinering",
    "Samarbeid mellom NAV og helsetjenestene om oppfølging",
    "Ansvarsgruppemøter og utveksling av nødvendige opplysninger",
]


def _parties(ctx: DemoContext, person_ids) -> tuple[dict, dict]:
    """Per person: the units and partners that work with them."""
    units, partners = defaultdict(set), defaultdict(set)
    for person_id, unit_id, partner_id in Participant.objects.filter(
        plan__person_id__in=person_ids
    ).values_list("plan__person_id", "unit_id", "partner_id"):
        if unit_id:
            units[person_id].add(unit_id)
        if partner_id:
            partners[person_id].add(partner_id)
    for person_id, unit_id in Service.objects.filter(
        person_id__in=person_ids, basis=Service.Basis.DECISION
    ).values_list("person_id", "unit_id"):
        units[person_id].add(unit_id)
    for person_id, unit_id in CoordinatorAssignment.objects.filter(
        person_id__in=person_ids, unit__isnull=False
    ).values_list("person_id", "unit_id"):
        units[person_id].add(unit_id)
    return units, partners


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("consent")
    today = ctx.today
    with_plan = sorted(
        set(
            IndividualPlan.objects.filter(person__municipality=ctx.municipality)
            .exclude(status=IndividualPlan.Status.DECLINED)
            .values_list("person_id", flat=True)
        )
    )
    units, partners = _parties(ctx, with_plan)
    clerk = ctx.users.get("ke")
    first_person = ctx.persons[0].pk if ctx.persons else None
    plans = []  # (consent, unit scopes, partner scopes, declined, withdrawn_at)
    for person_id in with_plan:
        draw = 0.0 if person_id == first_person else rng.random()
        if draw > 0.88:
            continue  # no consent registered: the § 19 h gap the overview shows
        old_form = draw > 0.6 and rng.random() < 0.6
        start = today - dt.timedelta(days=rng.randint(10, 330))
        if 0.78 < draw <= 0.88:  # expired, not renewed
            start = today - dt.timedelta(days=rng.randint(380, 700))
        categories = [Category.PLAN, Category.COOPERATION] + rng.sample(
            [Category.HEALTH, Category.SOCIAL, Category.MAPPING], k=rng.randint(0, 3)
        )
        given_units = sorted(units[person_id])
        given_partners = sorted(partners[person_id])
        if 0.6 < draw <= 0.7:
            given_partners = []  # the partner in the plan is not covered
        declined = [
            (kind, party, c)
            for kind, parties in (("u", units[person_id]), ("p", partners[person_id]))
            for party in sorted(parties)
            for c in Category.values
            if c not in categories or (kind == "p" and party not in given_partners)
        ]
        oral = rng.random() < 0.2
        guardian = rng.random() < 0.05
        consent = Consent(
            person_id=person_id,
            purpose=rng.choice(PURPOSES),
            categories=sorted(categories),
            covers_plan=rng.random() < 0.95,
            valid_from=start,
            valid_to=rules.default_valid_to(start),
            given_how=Consent.GivenHow.ORAL if oral else Consent.GivenHow.SIGNED,
            given_by=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.PERSON,
            giver_name="Verge Hansen" if guardian else "",
            noted_by=clerk if oral else None,
            registered_by=clerk,
            form_version="2025-1" if old_form else rules.CURRENT_FORM_VERSION,
        )
        withdrawn = None
        if 0.7 < draw <= 0.78:
            withdrawn = timezone.make_aware(
                dt.datetime.combine(start + dt.timedelta(days=rng.randint(5, 60)), dt.time(11))
            )
            consent.withdrawn_at = withdrawn
        scopes = (
            [(u, c) for u in given_units for c in categories],
            [(p, c) for p in given_partners for c in categories],
        )
        plans.append((consent, scopes, declined, withdrawn))
    Consent.objects.bulk_create([p[0] for p in plans], batch_size=500)
    _details(plans, clerk)
    ctx.progress(f"Samtykker: {len(plans)}")


def _details(plans, clerk) -> None:
    scopes, unit_links, partner_links, events = [], [], [], []
    UnitLink, PartnerLink = Consent.units.through, Consent.partners.through
    actor = (clerk.get_full_name() or clerk.username) if clerk else ""
    for consent, (unit_scopes, partner_scopes), declined, withdrawn in plans:
        scopes += [ConsentScope(consent=consent, unit_id=u, category=c) for u, c in unit_scopes]
        scopes += [
            ConsentScope(consent=consent, partner_id=p, category=c) for p, c in partner_scopes
        ]
        unit_links += [UnitLink(consent=consent, unit_id=u) for u in {u for u, _c in unit_scopes}]
        partner_links += [
            PartnerLink(consent=consent, externalpartner_id=p)
            for p in {p for p, _c in partner_scopes}
        ]
        given_at = timezone.make_aware(dt.datetime.combine(consent.valid_from, dt.time(10)))
        common = {
            "person_id": consent.person_id,
            "consent": consent,
            "actor": clerk,
            "actor_name": actor,
            "form_version": consent.form_version,
        }
        events.append(ConsentEvent(kind=ConsentEvent.Kind.GIVEN, at=given_at, **common))
        events += [
            ConsentEvent(
                kind=ConsentEvent.Kind.DECLINED,
                at=given_at,
                unit_id=party if kind == "u" else None,
                partner_id=party if kind == "p" else None,
                category=category,
                **common,
            )
            for kind, party, category in declined
        ]
        if withdrawn:
            events.append(
                ConsentEvent(
                    kind=ConsentEvent.Kind.WITHDRAWN,
                    at=withdrawn,
                    note="Personen ringte og trakk samtykket",
                    **common,
                )
            )
    ConsentScope.objects.bulk_create(scopes, batch_size=1000)
    UnitLink.objects.bulk_create(unit_links, batch_size=1000)
    PartnerLink.objects.bulk_create(partner_links, batch_size=1000)
    ConsentEvent.objects.bulk_create(events, batch_size=1000)
