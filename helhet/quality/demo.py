"""Demo deviations and procedures for the synthetic municipality.

The spread follows what supervision and audits found: deviations in every state,
some past their deadline, a violence incident against NAV staff not yet
reported to top management, and procedures that not everyone has read.
"""

import datetime as dt

from helhet.demo.context import DemoContext
from helhet.quality import rules
from helhet.quality.models import Acknowledgement, Deviation, Procedure, ProcedureVersion

EXAMPLES = [
    (
        "tjeneste",
        "middels",
        "psykisk_rus",
        "Medisiner ikke gitt til avtalt tid",
        "Morgendosen ble ikke gitt; vakten var ikke informert om endringen i planen.",
    ),
    (
        "samhandling",
        "middels",
        "nav",
        "Samarbeidsmøte uten gyldig samtykke",
        "NAV kunne ikke delta i drøftingen fordi samtykket var utløpt.",
    ),
    (
        "taushetsplikt",
        "alvorlig",
        "hjemmetjeneste",
        "Brev sendt til feil adresse",
        "Vedtaksbrev med helseopplysninger ble sendt til en annen person med samme navn.",
    ),
    (
        "rutine",
        "lav",
        "tildeling",
        "Foreløpig svar ikke sendt",
        "Søknaden ble liggende over en måned uten foreløpig svar.",
    ),
    (
        "hms",
        "lav",
        "miljoarbeid",
        "Ansatt alene på kveldsvakt",
        "Bemanningen var lavere enn planlagt; alenearbeid uten alarm.",
    ),
    (
        "tjeneste",
        "lav",
        "bolig",
        "Nøkkel til kommunal bolig ikke levert",
        "Innflytting ble utsatt to dager fordi nøkkelen ikke var klar.",
    ),
    (
        "samhandling",
        "middels",
        "ke",
        "Koordinator ikke oppnevnt innen to uker",
        "Enheten fikk ansvaret, men ingen koordinator ble oppnevnt før fristen.",
    ),
    (
        "annet",
        "lav",
        "frisklivs",
        "Gruppetilbud avlyst uten varsel",
        "Deltakerne møtte opp til stengt dør.",
    ),
]
LEARNING = [
    "Endringer i medisinering meldes nå til alle vakter i rapporten.",
    "Samtykket fornyes før det går ut; koordinator får påminnelse.",
    "Adresse kontrolleres mot folkeregisteret før utsending.",
    "Fristen for foreløpig svar vises i arbeidslisten.",
]
PROCEDURES = [
    (
        "Melding og behandling av avvik",
        None,
        "Alle ansatte melder avvik i Helhet. Ansvarlig leder vurderer innen fristen, finner årsak, "
        "beslutter tiltak og lukker avviket med et læringspunkt. Alvorlige avvik og vold mot "
        "ansatte meldes til kommunalsjef samme dag.",
    ),
    (
        "Vold og trusler: alenearbeid og alarm",
        "nav",
        "Ingen møter alene med brukere der risikovurderingen sier to. Alarm bæres på kontoret. "
        "Rømningsvei holdes fri. Hendelser meldes som avvik av typen vold eller trusler.",
    ),
    (
        "Samtykke før samarbeidsmøter",
        "ke",
        "Koordinator kontrollerer at samtykket dekker alle deltakere før møtet kalles inn.",
    ),
]
STAGES = ["meldt", "vurdert", "tiltak", "lukket", "lukket", "lukket"]


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("quality")
    leaders = {code: ctx.users.get(f"leder-{code}") or ctx.users["leder"] for code in ctx.units}
    reporters = [u for name, u in sorted(ctx.users.items()) if name.startswith("ansatt-")]
    deviations = []
    for n in range(36):
        kind, severity, code, title, text = EXAMPLES[n % len(EXAMPLES)]
        reported = ctx.today - dt.timedelta(days=rng.randint(1, 330))
        deadline = rules.deadline_for(kind, severity, reported)
        stage = rng.choice(STAGES)
        deviations.append(
            _deviation(
                ctx,
                rng,
                kind,
                severity,
                code,
                title,
                text,
                reported,
                deadline,
                stage,
                rng.choice(reporters),
                leaders[code],
            )
        )
    # Audits found: violence against NAV staff, still open and not reported upwards.
    reported = ctx.today - dt.timedelta(days=10)
    deviations.append(
        _deviation(
            ctx,
            rng,
            "vold",
            "middels",
            "nav",
            "Trussel mot veileder i mottaket",
            "En bruker truet veileder verbalt og slo i bordet. Veileder var alene i samtalerommet.",
            reported,
            rules.deadline_for("vold", "middels", reported),
            "vurdert",
            ctx.users["nav"],
            leaders["nav"],
        )
    )
    Deviation.objects.bulk_create(deviations)
    _procedures(ctx, rng)
    ctx.progress(f"quality: {len(deviations)} avvik, {len(PROCEDURES)} rutiner")


def _deviation(
    ctx, rng, kind, severity, code, title, text, reported, deadline, stage, reporter, leader
) -> Deviation:
    late = rng.random() < 0.3

    def step(days):
        return min(reported + dt.timedelta(days=days), ctx.today)

    closed_on = None
    if stage == "lukket":
        span = (deadline - reported).days
        closed_on = step(span + rng.randint(3, 20) if late else rng.randint(1, span))
    person = rng.choice(ctx.persons) if kind in ("tjeneste", "taushetsplikt") else None
    return Deviation(
        municipality=ctx.municipality,
        unit=ctx.units[code],
        kind=kind,
        severity=severity,
        title=title,
        description=text,
        occurred_on=reported - dt.timedelta(days=rng.randint(0, 3)),
        reported_on=reported,
        reported_by=reporter,
        person=person,
        deadline=deadline,
        status=stage,
        assessment="Hendelsen er alvorlig nok til å følges opp." if stage != "meldt" else "",
        assessed_on=step(1) if stage != "meldt" else None,
        cause="Rutinen var ikke kjent for alle på vakt." if stage in ("tiltak", "lukket") else "",
        measures="Rutinen gjennomgås på personalmøte." if stage in ("tiltak", "lukket") else "",
        measures_on=step(3) if stage in ("tiltak", "lukket") else None,
        learning=rng.choice(LEARNING) if stage == "lukket" else "",
        closed_on=closed_on,
        handled_by=leader if stage != "meldt" else None,
        top_management_informed_on=step(2)
        if rules.must_inform_top_management(kind, severity) and stage == "lukket"
        else None,
    )


def _procedures(ctx, rng) -> None:
    owner = ctx.users["leder"]
    procedures = Procedure.objects.bulk_create(
        [
            Procedure(
                municipality=ctx.municipality,
                title=title,
                unit=ctx.units.get(code) if code else None,
                owner=owner,
                review_due=ctx.today + dt.timedelta(days=rng.randint(-60, 300)),
            )
            for title, code, _text in PROCEDURES
        ]
    )
    versions = ProcedureVersion.objects.bulk_create(
        [
            ProcedureVersion(
                procedure=procedure,
                number=number,
                content=text if number == 2 else text.split(". ")[0] + ".",
                change_note="Oppdatert etter avvik" if number == 2 else "",
                approved_on=ctx.today - dt.timedelta(days=400 - 200 * number),
                created_by=owner,
            )
            for procedure, (_title, _code, text) in zip(procedures, PROCEDURES, strict=True)
            for number in (1, 2)
        ]
    )
    staff = [u for _name, u in sorted(ctx.users.items()) if hasattr(u, "staff")]
    Acknowledgement.objects.bulk_create(
        [
            Acknowledgement(version=version, user=user)
            for version in versions
            for user in staff
            if rng.random() < (0.8 if version.number == 1 else 0.45)
        ]
    )
