"""Demo applications and decisions for the synthetic municipality.

The spread follows what the reports found: most cases handled in time, but
some applications past one month without a preliminary answer (fvl § 11a),
granted decisions never started, refusals with appeals, coordinator requests
that escalated because no coordinator was named within the demo municipality's
own routine (14 days, set as a ``LocalRoutine``, as some municipalities have), and NAV
cases for young people with and without activity conditions.
"""

import datetime as dt
import random

from helhet.coordination.models import CoordinatorAssignment, LocalRoutine
from helhet.demo.context import DemoContext
from helhet.intake.models import (
    Appeal,
    Application,
    Decision,
    InvestigationNote,
    SocialAssistanceFacts,
)
from helhet.people import identity
from helhet.people.models import Service

SHARE = 0.3
# The demo municipality's own routine: the unit head names the coordinator
# within 14 days of getting the responsibility, else the head of sector takes it.
NAMING_DAYS = 14
HEALTH_SERVICES = [
    ("hjemmetjeneste", "Hjemmesykepleie", "Medisinhjelp hver morgen"),
    ("hjemmetjeneste", "Praktisk bistand", "2 timer per uke"),
    ("psykisk_rus", "Psykisk helsehjelp", "Samtale hver uke"),
    ("psykisk_rus", "Oppfølging rus", "2 samtaler per uke"),
    ("miljoarbeid", "Miljøarbeid i bolig", "3 besøk per uke"),
]
SUMMARIES = {
    Application.Kind.HEALTH_CARE: "Ber om hjelp hjemme etter utskrivning.",
    Application.Kind.COORDINATION: "Ønsker koordinator; mange tjenester og ingen som har oversikt.",
    Application.Kind.FINANCIAL: "Søker økonomisk stønad til livsopphold.",
    Application.Kind.GUIDANCE: "Ønsker hjelp med budsjett og gjeld.",
}
# (receiving unit, caseworker login, unit head login) per kind
DESKS = {
    Application.Kind.HEALTH_CARE: ("tildeling", "saksbehandler", "leder-tildeling"),
    Application.Kind.COORDINATION: ("ke", "ke", "leder-ke"),
    Application.Kind.FINANCIAL: ("nav", "nav", "leder-nav"),
    Application.Kind.GUIDANCE: ("nav", "nav", "leder-nav"),
}


def _user(ctx, login, fallback):
    return ctx.users.get(login) or ctx.users[fallback]


def _kind(rng, person, today, has_assignment):
    age = identity.age_on(person.birth_date, today)
    if age < 30 and rng.random() < 0.5:
        return Application.Kind.FINANCIAL if rng.random() < 0.8 else Application.Kind.GUIDANCE
    if not has_assignment and rng.random() < 0.2:
        return Application.Kind.COORDINATION
    return Application.Kind.HEALTH_CARE


def _application(ctx, rng, person, kind):
    today = ctx.today
    unit, caseworker, _head = DESKS[kind]
    received = today - dt.timedelta(days=rng.randint(0, 420))
    oral = rng.random() < 0.35
    source = rng.choice(list(Application.Source))
    return Application(
        person=person,
        unit=ctx.units[unit],
        kind=kind,
        channel=Application.Channel.ORAL if oral else Application.Channel.WRITTEN,
        source=source,
        source_name="" if source == Application.Source.PERSON else "Oppgitt ved henvendelsen",
        received_on=received,
        summary=SUMMARIES[kind],
        written_down_by=_user(ctx, caseworker, "ke") if oral else None,
        registered_by=_user(ctx, caseworker, "ke"),
        urgent=rng.random() < 0.08,
        acknowledged_on=min(received + dt.timedelta(days=rng.randint(0, 5)), today)
        if rng.random() < 0.85
        else None,
    )


def _decide(ctx, rng, app) -> Decision | None:
    """A decision for most applications older than a couple of weeks."""
    today = ctx.today
    age = (today - app.received_on).days
    if age < 14 or rng.random() < 0.12:
        # Open: some get a preliminary answer, some are left overdue.
        if age > 25 and rng.random() < 0.5:
            app.preliminary_sent_on = app.received_on + dt.timedelta(days=rng.randint(20, 31))
            app.preliminary_sent_on = min(app.preliminary_sent_on, today)
            app.preliminary_reason = "Venter på opplysninger fra fastlege."
            app.expected_answer_by = app.received_on + dt.timedelta(days=60)
        app.status = (
            Application.Status.INVESTIGATING if rng.random() < 0.6 else Application.Status.RECEIVED
        )
        return None
    if rng.random() < 0.03:
        app.status = Application.Status.WITHDRAWN
        return None
    # A tail of slow cases, some without the preliminary answer they needed.
    days = rng.randint(5, 28) if rng.random() < 0.75 else rng.randint(32, 75)
    decided = min(app.received_on + dt.timedelta(days=days), today)
    if days > 31 and rng.random() < 0.5:
        app.preliminary_sent_on = app.received_on + dt.timedelta(days=rng.randint(25, 31))
        app.preliminary_reason = "Saken krever hjemmebesøk og kartlegging."
        app.expected_answer_by = decided
    app.status = Application.Status.DECIDED
    _unit, caseworker, head = DESKS[app.kind]
    refused = rng.random() < 0.18
    signed = (today - decided).days > 2 or rng.random() < 0.5
    decision = Decision(
        application=app,
        outcome=Decision.Outcome.REFUSED if refused else Decision.Outcome.GRANTED,
        decided_on=decided,
        caseworker=_user(ctx, caseworker, "ke"),
        approved_by=_user(ctx, head, "leder") if signed else None,
        approved_on=decided if signed else None,
        letter_sent_on=min(decided + dt.timedelta(days=1), today) if signed else None,
    )
    if decision.letter_sent_on:
        _delivered(decision, today)
    if refused:
        decision.reasons = "Behovet dekkes av tjenester du allerede får."
        decision.service_name = _service(ctx, rng, app)[1]
        return decision
    provider, name, scope = _service(ctx, rng, app)
    decision.service_name, decision.scope, decision.provider = name, scope, ctx.units[provider]
    decision.period_from = decided + dt.timedelta(days=rng.randint(0, 10))
    decision.period_to = (
        decision.period_from + dt.timedelta(days=rng.choice([90, 180, 365]))
        if app.kind == Application.Kind.FINANCIAL
        else None
    )
    decision.evaluation_on = decided + dt.timedelta(days=rng.choice([90, 180]))
    if signed and decision.period_from < today and rng.random() < 0.88:
        decision.started_on = min(
            decision.period_from + dt.timedelta(days=rng.randint(0, 5)), today
        )
    return decision


def _service(ctx, rng, app):
    if app.kind == Application.Kind.FINANCIAL:
        return "nav", "Økonomisk stønad", "Livsopphold etter statlige retningslinjer"
    if app.kind == Application.Kind.GUIDANCE:
        return "nav", "Råd og veiledning (§ 17)", "Samtale hver 14. dag"
    if app.kind == Application.Kind.COORDINATION:
        return rng.choice(["psykisk_rus", "miljoarbeid"]), "Koordinator", "Koordinator og IP"
    return rng.choice(HEALTH_SERVICES)


def _social_facts(rng, app, decision, today):
    """Most NAV cases recorded as the law requires; a share that is not."""
    age = identity.age_on(app.person.birth_date, today)
    sloppy = rng.random() < 0.25
    facts = SocialAssistanceFacts(
        application=app,
        guidance_informed=not sloppy or rng.random() < 0.5,
        guidance_wish=rng.choice(["onsker", "onsker_ikke"]) if not sloppy else "",
    )
    # Guidance given to those who wanted it is decided under § 17 (sotjl. § 41);
    # a sloppy case gives it without a decision (an audit finding).
    if facts.guidance_wish == "onsker" or (sloppy and rng.random() < 0.3):
        facts.guidance_given = True
        if not sloppy and decision is not None:
            facts.guidance_decided_on = decision.decided_on
    granted = decision is not None and decision.is_granted
    if granted and age < 30:
        if rng.random() < 0.7 and not sloppy:
            facts.activity_condition = "Delta i arbeidsrettet aktivitet tre dager per uke."
        elif rng.random() < 0.5:
            facts.weighty_reasons = "Dokumentert alvorlig sykdom; lege fraråder aktivitet nå."
    if facts.activity_condition:
        facts.kvp_criteria = rng.choice(["nei", "ja", ""] if sloppy else ["nei", "ja"])
        if facts.kvp_criteria == "ja" and not sloppy:
            facts.kvp_assessed_on = decision.decided_on - dt.timedelta(days=3)
    if age > 35 and rng.random() < 0.08:
        facts.covers_child_17 = True
        if not sloppy:
            facts.child_heard_on = app.received_on + dt.timedelta(days=5)
            facts.best_interests = "Den unge ønsker å bo hjemme; stønaden sikrer bolig og skole."
    return facts


def _assignments(ctx, rng, decisions):
    """Coordinator responsibility after granted IP decisions: most named in
    time, some waiting within the routine's 14 days, a few escalated."""
    today = ctx.today
    candidates = [u for login, u in sorted(ctx.users.items()) if login.startswith("ansatt-")]
    candidates = candidates or [ctx.users["koordinator"]]
    escalations_left = 2  # always some, so the escalation views have a case
    for decision in decisions:
        assigned = decision.decided_on + dt.timedelta(days=rng.randint(0, 3))
        if assigned > today:
            continue
        waited = (today - assigned).days
        if waited > NAMING_DAYS and escalations_left:
            named = False
            escalations_left -= 1
        else:
            named = rng.random() < (0.85 if waited > NAMING_DAYS else 0.3)
        named_on = min(assigned + dt.timedelta(days=rng.randint(2, 20)), today)
        late = named and (named_on - assigned).days > NAMING_DAYS
        decision.coordinator_assignment = CoordinatorAssignment(
            person=decision.application.person,
            offered_on=decision.decided_on,
            response=CoordinatorAssignment.Response.ACCEPTED,
            unit=decision.provider,
            assigned_on=assigned,
            person_wishes="Ønsker en koordinator som kjenner rusfeltet."
            if rng.random() < 0.5
            else "",
            coordinator=rng.choice(candidates) if named else None,
            named_by=_user(ctx, f"leder-{decision.provider.code}", "leder") if named else None,
            named_on=named_on if named else None,
            escalated_on=assigned + dt.timedelta(days=NAMING_DAYS + 1)
            if late or (not named and waited > NAMING_DAYS)
            else None,
            letter_sent_on=min(named_on + dt.timedelta(days=2), today)
            if named and rng.random() < 0.8
            else None,
        )
    rows = [d.coordinator_assignment for d in decisions if d.coordinator_assignment]
    CoordinatorAssignment.objects.bulk_create(rows, batch_size=500)
    return rows


def _own_routine(ctx: DemoContext) -> None:
    name = ctx.municipality.name.removesuffix(" (demo)")
    LocalRoutine.objects.get_or_create(
        municipality=ctx.municipality,
        kind=LocalRoutine.Kind.COORDINATOR_NAMING,
        defaults={
            "days": NAMING_DAYS,
            "name": f"Rutine for koordinerende enhet og koordinator, {name}",
        },
    )


def populate(ctx: DemoContext) -> None:
    rng: random.Random = ctx.rng_for("intake")
    today = ctx.today
    _own_routine(ctx)
    assigned = set(
        CoordinatorAssignment.objects.filter(person__municipality=ctx.municipality).values_list(
            "person_id", flat=True
        )
    )
    chosen = [p for p in ctx.persons if rng.random() < SHARE]
    apps = [_application(ctx, rng, p, _kind(rng, p, today, p.pk in assigned)) for p in chosen]
    decisions = [_decide(ctx, rng, app) for app in apps]
    Application.objects.bulk_create(apps, batch_size=500)
    made = [d for d in decisions if d is not None]
    Decision.objects.bulk_create(made, batch_size=500)

    SocialAssistanceFacts.objects.bulk_create(
        [
            _social_facts(rng, app, d, today)
            for app, d in zip(apps, decisions, strict=True)
            if app.kind == Application.Kind.FINANCIAL
        ],
        batch_size=500,
    )
    InvestigationNote.objects.bulk_create(
        [
            InvestigationNote(
                application=app,
                kind=rng.choice(list(InvestigationNote.Kind)),
                noted_on=min(app.received_on + dt.timedelta(days=rng.randint(1, 10)), today),
                text="Opplysninger innhentet; se vurdering.",
                author=app.registered_by,
            )
            for app in apps
            if app.status != Application.Status.RECEIVED and rng.random() < 0.7
        ],
        batch_size=500,
    )
    _services_for_started(made)
    ip_granted = [
        d
        for d in made
        if d.application.kind == Application.Kind.COORDINATION and d.is_granted and d.is_signed
    ]
    _assignments(ctx, rng, ip_granted)
    Decision.objects.bulk_update(made, ["service", "coordinator_assignment"], batch_size=500)
    Appeal.objects.bulk_create(_appeals(ctx, rng, made), batch_size=500)
    ctx.progress(f"Søknader: {len(apps)}, vedtak: {len(made)}, koordinatorsaker: {len(ip_granted)}")


def _services_for_started(decisions) -> None:
    """A started decision is the person's service with basis «vedtak»."""
    from helhet.people.services import service_type_guesser

    guessed_service_type = service_type_guesser()

    started = [
        d for d in decisions if d.started_on and d.application.kind != Application.Kind.COORDINATION
    ]
    services = [
        Service(
            person=d.application.person,
            unit=d.provider,
            name=d.service_name,
            type=guessed_service_type(d.provider.kind, Service.Basis.DECISION, d.service_name),
            basis=Service.Basis.DECISION,
            decision_reference=d.reference,
            valid_from=d.started_on,
            valid_to=d.period_to,
        )
        for d in started
    ]
    Service.objects.bulk_create(services, batch_size=500)
    for d, service in zip(started, services, strict=True):
        d.service = service


def _delivered(decision: Decision, today: dt.date) -> None:
    """Delivery channel and, for post, the day the person says it arrived —
    chosen from the dates, not the random stream, so a seed gives the same
    municipality as before. Recent letters by post have no arrival day yet:
    their appeal deadline is not running."""
    sent = decision.letter_sent_on
    if sent is None:
        return
    decision.letter_delivery = ("digital", "post", "personlig")[sent.toordinal() % 3]
    if decision.letter_delivery == "post" and (today - sent).days > 4:
        decision.letter_received_on = sent + dt.timedelta(days=2)


def _appeals(ctx, rng, decisions):
    rows = []
    for d in decisions:
        if not d.letter_sent_on or rng.random() > (0.35 if not d.is_granted else 0.03):
            continue
        received = d.letter_sent_on + dt.timedelta(days=rng.randint(3, 25))
        if received > ctx.today:
            continue
        status = rng.choice(list(Appeal.Status))
        rows.append(
            Appeal(
                decision=d,
                received_on=received,
                grounds="Mener behovet er større enn vurdert.",
                status=status,
                status_changed_on=None
                if status == Appeal.Status.RECEIVED
                else min(received + dt.timedelta(days=rng.randint(5, 40)), ctx.today),
                registered_by=d.caseworker,
            )
        )
    return rows
