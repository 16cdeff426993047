"""Demo follow-up after NAV's decisions (as audits found): activity
conditions for young recipients, some with evaluations overdue or without
the young person's view; the qualification programme in each state; and
financial and debt advice cases."""

import datetime as dt

from helhet.core.legal import appeal_route
from helhet.demo.context import DemoContext
from helhet.intake.models import Application, Decision
from helhet.nav.models import (
    ActivityCondition,
    AdviceCase,
    Evaluation,
    NonComplianceDecision,
    QualificationProgramme,
)
from helhet.nav.services import FINANCIAL

ACTIVITIES = ["Jobbklubb", "Arbeidstrening i kommunen", "Norskkurs", "Møte hos veileder hver uke"]


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("nav")
    today, nav_unit, adviser = ctx.today, ctx.units["nav"], ctx.users["nav"]
    young = [p for p in ctx.persons if (today - p.birth_date).days < 30 * 365]
    rng.shuffle(young)
    # Conditions are set in the intake decisions granting financial assistance
    # (sotjl. § 20 a with § 18): those young recipients come first, and most
    # conditions are linked to their decision; a few were registered without.
    decisions = {
        d.application.person_id: d
        for d in Decision.objects.filter(
            application__unit=nav_unit,
            application__kind=Application.Kind.FINANCIAL,
            outcome=Decision.Outcome.GRANTED,
            application__person__in=young,
            decided_on__lt=today - dt.timedelta(days=20),
        ).select_related("application")
    }
    young.sort(key=lambda p: p.pk not in decisions)
    conditions = []
    for person in young[: max(4, len(young) // 6)]:
        decision = decisions.get(person.pk) if rng.random() < 0.8 else None
        conditions.append(
            ActivityCondition(
                person=person,
                unit=nav_unit,
                condition="Delta i avtalt aktivitet for å motta økonomisk stønad.",
                activity=rng.choice(ACTIVITIES),
                set_on=decision.decided_on
                if decision
                else today - dt.timedelta(days=rng.randint(20, 200)),
                decision=decision,
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
    # Conditions not met: a new decision with reasons and the appeal route,
    # never a silent reduction. One still prints four weeks (the health
    # services' deadline), which the compliance report finds.
    route = appeal_route(FINANCIAL)
    missed = []
    for index, condition in enumerate(conditions[:3]):
        # Halfway between the condition and today (set at least 20 days ago).
        day = condition.set_on + dt.timedelta(days=(today - condition.set_on).days // 2)
        Evaluation.objects.create(
            condition=condition,
            due_on=day,
            done_on=day,
            result="ikke_oppfylt",
            note="Har ikke møtt på aktiviteten de siste fire ukene.",
        )
        missed.append(
            NonComplianceDecision(
                condition=condition,
                decided_on=day,
                reduces=index != 1,
                reasons="Vilkåret om aktivitet er ikke oppfylt, og du har ikke gitt beskjed om "
                "grunnen. Stønaden reduseres med 20 prosent i neste periode."
                if index != 1
                else "Vilkåret er ikke oppfylt, men du var syk i perioden. Stønaden "
                "reduseres ikke.",
                appeal_body=str(route.appeal_body),
                appeal_weeks=4 if index == 2 else route.weeks,
                appeal_law=route.appeal_law,
                decided_by=adviser,
            )
        )
    NonComplianceDecision.objects.bulk_create(missed)
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
