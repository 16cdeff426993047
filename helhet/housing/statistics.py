"""Aggregates for the housing office, NAV and the audit (no person data).

Counts of persons below 5 are suppressed with the mapping statistics' own
rule (helhet.mapping.suppression): a published "<5" or ":" instead of the
number, and no median over fewer than 5.
"""

import datetime as dt
import statistics as stats
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from helhet.housing import rules
from helhet.housing.models import (
    EmergencyRefusal,
    EmergencyStay,
    HousingApplication,
    HousingRoutine,
    Offer,
)
from helhet.mapping import suppression
from helhet.mapping.models import DomainScore, GoalDomain, Level
from helhet.plans.models import IndividualPlan

PERIOD_DAYS = 365


@dataclass(frozen=True)
class Cell:
    label: str
    shown: str


def _cells(counts: dict, labels: dict, total_key: str, total_label: str) -> list[Cell]:
    """A line (total and its parts) with small cells suppressed."""
    values = {total_key: sum(counts.values()), **counts}
    status = (
        suppression.suppress(values, [suppression.Line(total_key, tuple(counts))])
        if values[total_key]
        else dict.fromkeys(values, suppression.SHOWN)
    )
    out = []
    for key in (total_key, *counts):
        mark = suppression.MARK.get(status[key])
        out.append(Cell(total_label if key == total_key else labels[key], mark or str(values[key])))
    return out


def _median(days: list[int]) -> str:
    if len(days) < suppression.THRESHOLD:
        return _("færre enn 5 – vises ikke")
    return _("%(d)d dager") % {"d": round(stats.median(days))}


def housing_need_without_application(
    municipality_id: int,
) -> dict[int, tuple[dt.date | None, bool]]:
    """Persons with an active individual plan whose housing need is recorded —
    the latest mapping scores the housing domain as a moderate or serious
    problem, or a plan goal works on housing — and whether an application for
    a dwelling (or a stay in emergency housing) followed (forskrift § 19,
    boligsosialloven § 6). Value: (since when the need is recorded, followed up)."""
    active = IndividualPlan.objects.filter(
        person__municipality_id=municipality_id, status=IndividualPlan.Status.ACTIVE
    ).values_list("person_id", flat=True)
    need: dict[int, dt.date | None] = {}
    latest = dict(
        DomainScore.objects.filter(mapping__person_id__in=active, domain="bolig")
        .values("mapping__person_id")
        .annotate(last=Max("mapping__mapped_on"))
        .values_list("mapping__person_id", "last")
    )
    for person_id, day, level in DomainScore.objects.filter(
        mapping__person_id__in=active, domain="bolig"
    ).values_list("mapping__person_id", "mapping__mapped_on", "level"):
        if day == latest.get(person_id) and level >= Level.MODERATE:
            need[person_id] = day
    for person_id in GoalDomain.objects.filter(
        domain="bolig",
        goal__plan__status=IndividualPlan.Status.ACTIVE,
        goal__plan__person__municipality_id=municipality_id,
    ).values_list("goal__plan__person_id", flat=True):
        need.setdefault(person_id, None)
    applied = set(
        HousingApplication.objects.filter(person_id__in=list(need))
        .exclude(status=HousingApplication.Status.WITHDRAWN)
        .values_list("person_id", flat=True)
    ) | set(
        EmergencyStay.objects.filter(person_id__in=list(need)).values_list("person_id", flat=True)
    )
    return {pk: (since, pk in applied) for pk, since in need.items()}


def report(municipality_id: int, today: dt.date) -> dict:
    start = today - dt.timedelta(days=PERIOD_DAYS)
    offers = Offer.objects.filter(
        application__person__municipality_id=municipality_id, offered_on__gte=start
    )
    # Waiting time: from the grant to the contract, for those housed in the period.
    housed = offers.filter(answer=Offer.Answer.ACCEPTED, contract_start__isnull=False).values_list(
        "application__decision__decided_on", "contract_start"
    )
    waited = [(end - begin).days for begin, end in housed if begin and end and end >= begin]
    waiting_now = HousingApplication.objects.filter(
        person__municipality_id=municipality_id, status=HousingApplication.Status.WAITING
    ).values_list("decision__decided_on", flat=True)
    waiting_days = [(today - day).days for day in waiting_now if day]
    # Offers refused, and why.
    answered = offers.exclude(answer="")
    reasons = Counter(
        answered.filter(answer=Offer.Answer.REFUSED).values_list("refusal_reason", flat=True)
    )
    reason_labels = dict(Offer.RefusalReason.choices)
    refused = sum(reasons.values())
    answered_n = answered.count()
    refused_cells = _cells(
        {k: reasons.get(k, 0) for k in reason_labels}, reason_labels, "_all", _("Avslått i alt")
    )
    share = (
        _("%(p)d %%") % {"p": round(100 * refused / answered_n)}
        if answered_n >= suppression.THRESHOLD and refused >= suppression.THRESHOLD
        else _("vises ikke (under 5)")
    )
    # Earmarked dwellings let outside their group.
    outside = offers.exclude(outside_group_reason="")
    outside_n = outside.count()
    notified = outside.filter(earmark_notice__isnull=False).count()
    # Emergency stays (sotjl. § 27).
    routine = HousingRoutine.objects.filter(municipality_id=municipality_id).first()
    limit = routine.emergency_stay_days if routine else None
    stays = EmergencyStay.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start),
        person__municipality_id=municipality_id,
        started_on__lte=today,
    ).values_list("started_on", "ended_on", "place")
    places: defaultdict[str, int] = defaultdict(int)
    lengths, over = [], 0
    for started, ended, place in stays:
        state = rules.stay_state(
            started_on=started, ended_on=ended, today=today, place=place, limit_days=limit
        )
        places[place] += 1
        lengths.append(state.days)
        over += state.over_limit
    place_labels = dict(EmergencyStay.Place.choices)
    need = housing_need_without_application(municipality_id)
    missing = sum(1 for _since, followed in need.values() if not followed)
    return {
        "start": start,
        "today": today,
        "housed": _count(len(waited)),
        "median_wait": _median(waited),
        "waiting": _count(len(waiting_days)),
        "median_waiting": _median(waiting_days),
        "answered": _count(answered_n),
        "refused_cells": refused_cells,
        "refused_share": share,
        "outside": _count(outside_n),
        "outside_notified": _count(notified),
        "stay_cells": _cells(
            {k: places.get(k, 0) for k in place_labels}, place_labels, "_all", _("Opphold i alt")
        ),
        "median_stay": _median(lengths),
        "refusals": _count(
            EmergencyRefusal.objects.filter(
                person__municipality_id=municipality_id, decided_on__gte=start
            ).count()
        ),
        "over_limit": _count(over),
        "routine": routine,
        "need": _count(len(need)),
        "need_missing": _count(missing),
    }


def _count(n: int) -> str:
    return "<5" if n < suppression.THRESHOLD else str(n)


# Shared with the NAV statistics (helhet.nav.statistics): the same suppression.
cells = _cells
median_text = _median
count_text = _count
