"""Aggregates of NAV's follow-up after the decision (no person data): the
qualification programme (sotjl. § 29), economic advice (§ 17) and activity
conditions (§ 20 a), last 12 months. Small counts are suppressed with the
mapping statistics' own rule, through the housing statistics' helpers."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from helhet.housing.statistics import cells, count_text, median_text
from helhet.nav import rules
from helhet.nav.models import (
    ActivityCondition,
    AdviceCase,
    Evaluation,
    NonComplianceDecision,
    QualificationProgramme,
)

PERIOD_DAYS = 365


def _line(values: Counter, choices: Iterable[tuple[str, str | Promise]], total: str) -> list:
    labels = {k: v for k, v in choices if k}
    return cells({k: values.get(k, 0) for k in labels}, labels, "_all", total)


def report(municipality_id: int, today: dt.date) -> dict:
    start = today - dt.timedelta(days=PERIOD_DAYS)
    mine = Q(person__municipality_id=municipality_id)
    # Qualification programme: assessed in the period, where each stands now,
    # and why those that ended ended.
    programmes = QualificationProgramme.objects.filter(mine, assessed_on__gte=start)
    states = Counter(programmes.values_list("state", flat=True))
    ended = Counter(
        programmes.filter(state=QualificationProgramme.State.ENDED).values_list(
            "end_reason", flat=True
        )
    )
    to_start = [
        (started - offered).days
        for offered, started in programmes.filter(
            offered_on__isnull=False, started_on__isnull=False
        ).values_list("offered_on", "started_on")
        if offered is not None and started is not None and started >= offered
    ]
    # Economic advice (§ 17): cases opened in the period, by kind and outcome.
    advice = AdviceCase.objects.filter(mine, opened_on__gte=start)
    kinds = Counter(advice.values_list("kind", flat=True))
    outcomes = Counter(advice.values_list("outcome", flat=True))
    open_cases = outcomes.pop("", 0)
    # Activity conditions (§ 20 a): set in the period, overdue evaluations now,
    # decisions when a condition was not met.
    conditions = ActivityCondition.objects.filter(mine, set_on__gte=start)
    overdue = (
        Evaluation.objects.filter(
            condition__person__municipality_id=municipality_id,
            condition__status=ActivityCondition.Status.ACTIVE,
        )
        .filter(done_on__isnull=True, due_on__lt=today)
        .values("condition")
        .distinct()
        .count()
    )
    noncompliance = NonComplianceDecision.objects.filter(
        condition__person__municipality_id=municipality_id, decided_on__gte=start
    )
    return {
        "start": start,
        "today": today,
        "programme_cells": _line(
            states, QualificationProgramme.State.choices, _("Vurdert for programmet i alt")
        ),
        "ended_cells": _line(ended, QualificationProgramme.EndReason.choices, _("Avsluttet i alt")),
        "median_to_start": median_text(to_start),
        "advice_cells": _line(kinds, AdviceCase.Kind.choices, _("Saker i alt")),
        "outcome_cells": _line(outcomes, AdviceCase.Outcome.choices, _("Avsluttede saker i alt")),
        "advice_open": count_text(open_cases),
        "conditions": count_text(conditions.count()),
        "conditions_linked": count_text(conditions.filter(decision__isnull=False).count()),
        "conditions_view": count_text(conditions.exclude(person_view="").count()),
        "overdue": count_text(overdue),
        "noncompliance": count_text(noncompliance.count()),
        "reduced": count_text(noncompliance.filter(reduces=True).count()),
        "age_limit": rules.ACTIVITY_CONDITION_AGE,
    }
