"""Demo low-threshold offers with anonymous monthly counts. Synthetic;
deterministic for the seed. The young-adult offer starts late (an audit found
it lacking)."""

import datetime as dt

from helhet.demo.context import DemoContext
from helhet.offers.models import Offer, OfferUse

OFFERS = [
    ("dropin", "Åpen dør på Fjordvik helsehus", "Mandag–fredag 10–14", "psykisk_rus", 12),
    ("oppsokende", "Oppsøkende team rus og psykisk helse", "Hverdager 08–20", "psykisk_rus", 12),
    ("aktivitetshus", "Aktivitetshuset", "Tirsdag og torsdag 10–15", "psykisk_rus", 12),
    ("likeperson", "Samtalegruppe for pårørende", "Annenhver onsdag 18–20", "psykisk_rus", 12),
    ("unge_voksne", "Kveldstreff for unge voksne", "Torsdag 17–21", "frisklivs", 3),
]


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("offers")
    first = ctx.today.replace(day=1)
    offers, uses = [], []
    for kind, name, hours, unit_code, months in OFFERS:
        offer = Offer(
            municipality=ctx.municipality,
            unit=ctx.units.get(unit_code),
            kind=kind,
            name=name,
            opening_hours=hours,
            place="Fjordvik",
        )
        offers.append((offer, months))
    Offer.objects.bulk_create([offer for offer, _months in offers])
    for offer, months in offers:
        month = first
        for _n in range(months):
            month = (month - dt.timedelta(days=1)).replace(day=1)
            visits = rng.randint(15, 120)
            uses.append(
                OfferUse(
                    offer=offer,
                    month=month,
                    visits=visits,
                    distinct_visitors=rng.randint(5, visits),
                )
            )
    OfferUse.objects.bulk_create(uses)
    ctx.progress(f"offers: {len(offers)} lavterskeltilbud, {len(uses)} månedstall")
