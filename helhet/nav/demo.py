"""Demo follow-up after NAV's decisions (as audits found): activity
conditions for young recipients, some with evaluations overdue or without
the young person's view; the qualification programme in each state; and
financial and debt advice cases."""

import datetime as dt

from helhet.demo.context import DemoContext
from helhet.nav.models import ActivityCondition, AdviceCase, Evaluation, QualificationProgramme

ACTIVITIES = ["Jobbklubb", "Arbeidstrening i kommunen", "Norskkurs", "Møte hos veileder hver uke"]


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("nav")
    today, nav_unit, adviser = ctx.today, ctx.units["nav"], ctx.users["nav"]
    young = [p for p in ctx.persons if (today - p.birth_date).days < 30 * 365]
    rng.shuffle(young)
    conditions = []
    for person in young[: max(4, len(young) // 6)]:
        conditions.append(
            ActivityCondition(
                person=person,
                unit=nav_unit,
                condition="Delta i avtalt aktivitet for å motta økonomisk stønad.",
                activity=rng.choice(ACTIVITIES),
                set_on=today - dt.timedelta(days=rng.randint(20, 200)),
                follow_up_by=adviser,
                person_view=rng.choice(
                    ["", "Ønsker arbeidstrening framfor kurs.", "Enig i vilkåret."]
                ),
            )
        )
    ActivityCondition.objects.bulk_create(conditions)
    evaluations = []
    for condition in conditions:
        first = condition.set_on + dt.timedelta(days=30)
        done = first < today and rng.random() < 0.6
        evaluations.append(
            Evaluation(
                condition=condition,
                due_on=first,
                done_on=first if done else None,
                result="delvis" if done else "",
                note="Møtt på det meste av aktiviteten." if done else "",
            )
        )
        if done:
            evaluations.append(
                Evaluation(
                    condition=condition, due_on=today + dt.timedelta(days=rng.randint(5, 60))
                )
            )
    Evaluation.objects.bulk_create(evaluations)
    programmes = []
    for person in young[len(conditions) : len(conditions) + max(3, len(young) // 10)]:
        state = rng.choice(["vurdert", "tilbudt", "startet", "avsluttet", "ikke_aktuelt"])
        assessed = today - dt.timedelta(days=rng.randint(30, 300))
        programmes.append(
            QualificationProgramme(
                person=person,
                unit=nav_unit,
                state=state,
                assessed_on=assessed,
                assessment="Vurdert etter sosialtjenesteloven § 29.",
                offered_on=assessed + dt.timedelta(days=10)
                if state in ("tilbudt", "startet", "avsluttet")
                else None,
                started_on=assessed + dt.timedelta(days=20)
                if state in ("startet", "avsluttet")
                else None,
                programme_plan="Arbeidstrening tre dager i uka og norskkurs."
                if state in ("startet", "avsluttet")
                else "",
                ended_on=today - dt.timedelta(days=5) if state == "avsluttet" else None,
                end_reason="arbeid" if state == "avsluttet" else "",
            )
        )
    QualificationProgramme.objects.bulk_create(programmes)
    cases = []
    for person in rng.sample(
        list(ctx.persons), min(len(ctx.persons), max(4, len(ctx.persons) // 20))
    ):
        opened = today - dt.timedelta(days=rng.randint(10, 300))
        closed = rng.random() < 0.5
        cases.append(
            AdviceCase(
                person=person,
                unit=nav_unit,
                kind=rng.choice(["okonomi", "gjeld", "informasjon"]),
                opened_on=opened,
                given="Gjennomgang av inntekter og utgifter; råd om betalingsavtaler.",
                closed_on=opened + dt.timedelta(days=30)
                if closed and opened + dt.timedelta(days=30) < today
                else None,
                outcome=rng.choice(["budsjett", "avtale", "gjeldsordning"])
                if closed and opened + dt.timedelta(days=30) < today
                else "",
            )
        )
    AdviceCase.objects.bulk_create(cases)
