"""Demo data around the person: services outside the municipality, need
assessments, somatic follow-up. Synthetic only; deterministic for the seed."""

import datetime as dt

from helhet.around.models import ExternalService, NeedAssessment, SomaticFollowUp
from helhet.demo.context import DemoContext
from helhet.mapping.models import DomainScore, Mapping
from helhet.plans.models import CrisisPlan, IndividualPlan


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("around")
    today = ctx.today
    ke = ctx.units["ke"]
    assessor = ctx.users.get("ke")
    gps = [p for code, p in sorted(ctx.partners.items()) if code.startswith("fastlege")]
    dps = ctx.partners.get("dps")
    with_plan = set(
        IndividualPlan.objects.filter(person__municipality=ctx.municipality).values_list(
            "person_id", flat=True
        )
    )
    externals, assessments = [], []
    for person in ctx.persons:
        start = today - dt.timedelta(days=rng.randint(200, 3000))
        if gps and rng.random() < 0.9:
            gp = rng.choice(gps)
            externals.append(
                ExternalService(
                    person=person,
                    kind=ExternalService.Kind.GP,
                    name=gp.name,
                    partner=gp,
                    valid_from=start,
                    unit=ke,
                )
            )
        if rng.random() < 0.15:
            kind = rng.choice(
                [ExternalService.Kind.DPS, ExternalService.Kind.TSB, ExternalService.Kind.NAV]
            )
            externals.append(
                ExternalService(
                    person=person,
                    kind=kind,
                    name={
                        "dps": "DPS Fjordvik poliklinikk",
                        "tsb": "Rusklinikken",
                        "nav": "NAV Fjordvik",
                    }[kind],
                    partner=dps if kind == ExternalService.Kind.DPS else None,
                    contact_person="Behandler",
                    valid_from=today - dt.timedelta(days=rng.randint(30, 700)),
                    unit=ctx.units["psykisk_rus"],
                )
            )
        # Everyone offered an IP was assessed first; a share of the others too.
        if person.pk in with_plan or rng.random() < 0.5:
            assessments.append(
                NeedAssessment(
                    person=person,
                    needs_coordinated=person.pk in with_plan or rng.random() < 0.1,
                    assessed_on=today - dt.timedelta(days=rng.randint(30, 900)),
                    assessed_by=assessor,
                    assessed_by_name=assessor.get_full_name() if assessor else "KE",
                    unit=ke,
                    note="Vurdert i samtale med personen og tjenestene rundt.",
                )
            )
    ExternalService.objects.bulk_create(externals, batch_size=1000)
    NeedAssessment.objects.bulk_create(assessments, batch_size=1000)
    somatic = _somatic(ctx, rng)
    _crisis_plans(ctx, rng)
    ctx.progress(
        f"around: {len(externals)} tjenester utenfor kommunen, {len(assessments)} vurderinger, "
        f"{len(somatic)} somatiske oppfølginger"
    )


def _crisis_plans(ctx, rng) -> None:
    """Most persons whose latest mapping shows a risk of crisis get a crisis plan
    of their own, also without an IP; a few do not (the ROP supervision's finding)."""
    latest = {}
    for person_id, risk in (
        Mapping.objects.filter(person__municipality=ctx.municipality)
        .order_by("mapped_on", "pk")
        .values_list("person_id", "crisis_risk")
    ):
        latest[person_id] = risk
    have = set(
        CrisisPlan.objects.filter(person__municipality=ctx.municipality).values_list(
            "person_id", flat=True
        )
    )
    CrisisPlan.objects.bulk_create(
        CrisisPlan(
            person_id=person_id,
            warning_signs="Trekker meg unna, sover lite, slutter å spise.",
            what_helps="Besøk av kjent ansatt, faste avtaler, å gå tur.",
            what_does_not_help="Mange nye folk på en gang, å bli stående alene på venterom.",
            contacts=[
                {
                    "name": "Psykisk helse og rus",
                    "role": "kommunal tjeneste",
                    "phone": "99 99 99 99",
                    "when": "dag",
                },
                {"name": "Legevakt", "role": "", "phone": "116 117", "when": "natt"},
            ],
        )
        for person_id, risk in sorted(latest.items())
        if risk and person_id not in have and rng.random() < 0.85
    )


def _somatic(ctx, rng) -> list:
    """Persons whose latest mapping shows both substance and mental-health problems:
    most are checked within the year and the GP told; some are not (a real gap)."""
    today = ctx.today
    latest = {}
    for pk, person_id in (
        Mapping.objects.filter(person__municipality=ctx.municipality)
        .order_by("mapped_on", "pk")
        .values_list("pk", "person_id")
    ):
        latest[person_id] = pk
    levels = {}
    for mapping_id, domain, level in DomainScore.objects.filter(
        mapping_id__in=list(latest.values()), domain__in=["rus", "psykisk"]
    ).values_list("mapping_id", "domain", "level"):
        levels.setdefault(mapping_id, {})[domain] = level
    unit = ctx.units["psykisk_rus"]
    rows = []
    for person_id, mapping_id in sorted(latest.items()):
        found = levels.get(mapping_id, {})
        if found.get("rus", 0) < 2 or found.get("psykisk", 0) < 2 or rng.random() < 0.15:
            continue
        checked = today - dt.timedelta(days=rng.randint(10, 300))
        by_gp = rng.random() < 0.4
        rows.append(
            SomaticFollowUp(
                person_id=person_id,
                kind=SomaticFollowUp.Kind.CHECK,
                done_on=checked,
                done_by="Fastlegen" if by_gp else "Sykepleier, psykisk helse og rus",
                by_gp=by_gp,
                unit=unit,
            )
        )
        if not by_gp:
            rows.append(
                SomaticFollowUp(
                    person_id=person_id,
                    kind=SomaticFollowUp.Kind.GP_INFORMED,
                    done_on=min(today, checked + dt.timedelta(days=rng.randint(0, 7))),
                    done_by="Sykepleier, psykisk helse og rus",
                    unit=unit,
                )
            )
    SomaticFollowUp.objects.bulk_create(rows, batch_size=1000)
    return rows
