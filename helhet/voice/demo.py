"""Demo of the users' voice: a user council, a user organisation and the
experience consultants, consulted a few times a year, most with an outcome
recorded; one user survey. Synthetic; deterministic for the seed."""

import datetime as dt

from helhet.demo.context import DemoContext
from helhet.voice.models import Consultation, UserBody, UserSurvey

TOPICS = [
    ("rutine", "Rutine for ansvarsgruppemøter", "Møtene må holdes der personen er trygg."),
    ("plan", "Rusmiddelpolitisk handlingsplan", "Flere aktivitetstilbud for unge voksne."),
    ("tjeneste", "Åpningstider på lavterskeltilbudet", "Åpent også på kveldstid."),
    ("tjeneste", "Ettervern etter utskrivning", "Bolig må være klar før utskrivning."),
]


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("voice")
    today = ctx.today
    start = today - dt.timedelta(days=900)
    bodies = UserBody.objects.bulk_create(
        [
            UserBody(
                municipality=ctx.municipality,
                kind=UserBody.Kind.COUNCIL,
                name="Brukerrådet for psykisk helse og rus",
                active_from=start,
            ),
            UserBody(
                municipality=ctx.municipality,
                kind=UserBody.Kind.ORGANISATION,
                name="Lokallaget av brukerorganisasjonen",
                active_from=start,
            ),
            UserBody(
                municipality=ctx.municipality,
                kind=UserBody.Kind.EXPERIENCE,
                name="Erfaringskonsulentene i psykisk helse og rus",
                active_from=start,
            ),
        ]
    )
    rows = []
    for n, (topic, subject, said) in enumerate(TOPICS):
        held = today - dt.timedelta(days=30 + 80 * n + rng.randint(0, 20))
        has_outcome = rng.random() < 0.75
        rows.append(
            Consultation(
                body=bodies[n % len(bodies)],
                held_on=held,
                topic=topic,
                subject=subject,
                input=said,
                outcome="Tatt inn i revidert versjon." if has_outcome else "",
                outcome_on=min(today, held + dt.timedelta(days=30)) if has_outcome else None,
            )
        )
    Consultation.objects.bulk_create(rows)
    UserSurvey.objects.create(
        municipality=ctx.municipality,
        title="Brukerundersøkelse i psykisk helse og rus",
        unit=ctx.units.get("psykisk_rus"),
        carried_out_on=today - dt.timedelta(days=rng.randint(60, 200)),
        respondents=rng.randint(40, 90),
        summary="De fleste er fornøyde med hjemmebesøkene; ønsker mer aktivitet på dagtid.",
        follow_up="Aktivitetstilbudet utvides.",
    )
    ctx.progress(f"voice: {len(bodies)} brukerorganer, {len(rows)} medvirkninger")
