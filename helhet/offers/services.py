"""Low-threshold offers for the service directory and the statistics.

No person data: an offer and a count per month. The statistics still hide
small counts, as the mapping statistics do (``helhet.mapping.suppression``):
a handful of visits to a peer group in a small municipality can point at
someone, and the table's totals must not give a hidden count back."""

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from django.db.models import Q

from helhet.mapping import suppression
from helhet.offers.models import Offer, OfferUse
from helhet.organisation.models import Municipality

MONTHS = 12


def directory_offers(*, municipality: Municipality, query: str = "") -> list[Offer]:
    """Active offers for the service directory, matching a search as the
    directory's entries do (name, description, target group, place, kind)."""
    offers = Offer.objects.filter(municipality=municipality, active=True).select_related("unit")
    for word in query.split():
        kinds = [value for value, label in Offer.Kind.choices if word.lower() in label.lower()]
        offers = offers.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(target_group__icontains=word)
            | Q(place__icontains=word)
            | Q(kind__in=kinds)
        )
    return list(offers.order_by("kind", "name"))


def months_back(*, today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The first day of the last ``count`` months, this month last."""
    first = today.replace(day=1)
    months = []
    for _n in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


@dataclass(frozen=True)
class UsageRow:
    offer: Offer
    cells: list[str]
    total: str


@dataclass(frozen=True)
class Usage:
    months: list[dt.date]
    rows: list[UsageRow]
    month_totals: list[str]
    total: str


def usage(*, municipality_id: int, today: dt.date) -> Usage:
    """Visits per offer and month, the last twelve months, with row and column
    totals; counts below 5 shown as «<5», and more cells hidden («:») where a
    total would give a small count back."""
    months = months_back(today=today)
    offers = list(Offer.objects.filter(municipality_id=municipality_id).order_by("kind", "name"))
    counts = {
        (offer_id, month): visits
        for offer_id, month, visits in OfferUse.objects.filter(
            offer__in=offers, month__gte=months[0], month__lte=months[-1]
        ).values_list("offer_id", "month", "visits")
    }
    # Only months with use are cells: a month nobody used (or nothing was
    # registered) is shown as «–» and adds nothing to a total, so leaving it
    # out of the lines keeps every line's sum true — and a zero names no one.
    values: dict[Hashable, int] = {}
    for offer in offers:
        for month in months:
            if counts.get((offer.pk, month)):
                values[(offer.pk, month)] = counts[(offer.pk, month)]
    used = [o for o in offers if any((o.pk, m) in values for m in months)]
    used_months = [m for m in months if any((o.pk, m) in values for o in offers)]
    # A total of one cell *is* that cell: it takes the cell's key (and status),
    # since a line whose total equals its only part pins nothing but confuses
    # the reader model into hiding the whole table.
    row_total: dict[int, Hashable] = {}
    month_total: dict[dt.date, Hashable] = {}
    lines: list[suppression.Line] = []
    for offer in used:
        parts = tuple((offer.pk, m) for m in months if (offer.pk, m) in values)
        row_total[offer.pk] = _total(values, lines, (offer.pk, "sum"), parts)
    for month in used_months:
        parts = tuple((o.pk, month) for o in offers if (o.pk, month) in values)
        month_total[month] = _total(values, lines, ("sum", month), parts)
    if used:
        values[("sum", "sum")] = sum(values[month_total[m]] for m in used_months)
        lines.append(suppression.Line(("sum", "sum"), tuple(month_total[m] for m in used_months)))
        lines.append(suppression.Line(("sum", "sum"), tuple(row_total[o.pk] for o in used)))
    status = suppression.suppress(values, lines) if values else {}

    def shown(key: Hashable) -> str:
        if key not in values:
            return "–"
        mark = suppression.MARK.get(status[key])
        return mark if mark else str(values[key])

    return Usage(
        months=months,
        rows=[
            UsageRow(
                o,
                [shown((o.pk, m)) for m in months],
                shown(row_total.get(o.pk)),
            )
            for o in offers
        ],
        month_totals=[shown(month_total.get(m)) for m in months],
        total=shown(("sum", "sum")),
    )


def _total(
    values: dict[Hashable, int],
    lines: list[suppression.Line],
    key: Hashable,
    parts: tuple[Hashable, ...],
) -> Hashable:
    """The key of a total of ``parts``: the part itself when there is one."""
    if len(parts) == 1:
        only: Hashable = parts[0]
        return only
    values[key] = sum(values[p] for p in parts)
    lines.append(suppression.Line(key, parts))
    return key
