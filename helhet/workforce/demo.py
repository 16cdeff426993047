"""Demo competence plans and safety risk assessments: the mental-health unit
and home care have plans, most staff trained, some expired; home care
and the mental-health unit have safety assessments, NAV's is past review.
Synthetic; deterministic for the seed."""

import datetime as dt

from helhet.demo.context import DemoContext
from helhet.organisation.models import Membership
from helhet.workforce.models import SafetyAssessment, TrainingRecord, TrainingRequirement


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("workforce")
    today = ctx.today
    requirements = []
    for code in ("psykisk_rus", "hjemmetjeneste"):
        unit = ctx.units.get(code)
        if unit is None:
            continue
        requirements += [
            TrainingRequirement(
                unit=unit,
                name="Forebygging og håndtering av vold og trusler",
                valid_months=24,
                reason="Hjemmebesøk alene",
            ),
            TrainingRequirement(
                unit=unit,
                name="Koordinatoropplæring",
                role="tjenesteyter",
                reason="Forskrift om habilitering mv. § 6",
            ),
        ]
    TrainingRequirement.objects.bulk_create(requirements)
    records = []
    for requirement in requirements:
        for staff_id in sorted(
            Membership.objects.confirmed()
            .filter(unit=requirement.unit)
            .values_list("staff_id", flat=True)
            .distinct()
        ):
            if rng.random() < 0.8:
                records.append(
                    TrainingRecord(
                        requirement=requirement,
                        staff_id=staff_id,
                        completed_on=today - dt.timedelta(days=rng.randint(30, 1000)),
                    )
                )
    TrainingRecord.objects.bulk_create(records)
    assessments = []
    for code, due_in in (("hjemmetjeneste", 200), ("psykisk_rus", 90), ("nav", -30)):
        unit = ctx.units.get(code)
        if unit is None:
            continue
        assessments.append(
            SafetyAssessment(
                unit=unit,
                concern=SafetyAssessment.Concern.VIOLENCE
                if code == "nav"
                else SafetyAssessment.Concern.HOME_VISITS,
                assessed_on=today - dt.timedelta(days=365 - due_in),
                risks="Ansatte alene hjemme hos brukere; kjent risiko for trusler.",
                measures="To ansatte ved kjent risiko; alarm; avtalt innsjekk etter besøk.",
                review_due=today + dt.timedelta(days=due_in),
            )
        )
    SafetyAssessment.objects.bulk_create(assessments)
    ctx.progress(
        f"workforce: {len(requirements)} opplæringskrav, {len(records)} gjennomførte, "
        f"{len(assessments)} risikovurderinger"
    )
