"""Low-threshold offers for the service directory and the statistics.

No person data: an offer and a count per month. The statistics still hide
small counts, as the mapping statistics do (``helhet.mapping.suppression``):
a handful of visits to a peer group in a small municipality can point at
someone, and the table's totals must not give a hidden count back."""

import datetime as dt
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


def months_back(today: dt.date, count: int = MONTHS) -> list[dt.date]:
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
    months = months_back(today)
    offers = list(Offer.objects.filter(municipality_id=municipality_id).order_by("kind", "name"))
    counts = {
        (offer_id, month): visits
        for offer_id, month, visits in OfferUse.objects.filter(
            offer__in=offers, month__gte=months[0], month__lte=months[-1]
        ).values_list("offer_id", "month", "visits")
    }
    values: dict = {}
    for offer in offers:
        for month in months:
            values[(offer.pk, month)] = counts.get((offer.pk, month), 0)
        values[(offer.pk, "sum")] = sum(values[(offer.pk, m)] for m in months)
    for month in months:
        values[("sum", month)] = sum(values[(o.pk, month)] for o in offers)
    values[("sum", "sum")] = sum(values[("sum", m)] for m in months)
    lines = [
        suppression.Line((o.pk, "sum"), tuple((o.pk, m) for m in months)) for o in offers
    ] + [suppression.Line(("sum", m), tuple((o.pk, m) for o in offers)) for m in months]
    lines.append(suppression.Line(("sum", "sum"), tuple(("sum", m) for m in months)))
    lines.append(suppression.Line(("sum", "sum"), tuple((o.pk, "sum") for o in offers)))
    # Zero is a count too (nobody came), but a month without any registration
    # is simply no use; both are 0 and both below 5: suppressed the same way.
    status = suppression.suppress(values, lines)

    def shown(key) -> str:
        mark = suppression.MARK.get(status[key])
        return mark if mark else str(values[key])

    return Usage(
        months=months,
        rows=[
            UsageRow(o, [shown((o.pk, m)) for m in months], shown((o.pk, "sum"))) for o in offers
        ],
        month_totals=[shown(("sum", m)) for m in months],
        total=shown(("sum", "sum")),
    )
