"""Low-threshold offers: counted anonymously, recorded by staff, refused to
others; never judged for lacking a decision."""

import datetime as dt

import pytest
import time_machine

from helhet import testing as t
from helhet.offers.models import Offer, OfferUse
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


def test_staff_record_an_offer_and_its_monthly_count(client):
    muni = t.municipality()
    provider = t.staff(t.unit(muni), Role.SERVICE_PROVIDER)
    client.force_login(provider)
    response = client.post(
        "/lavterskel/ny/",
        {"kind": "dropin", "name": "Åpen dør", "opening_hours": "10–14", "active": "on"},
    )
    assert response.status_code == 302
    offer = Offer.objects.get(municipality=muni)
    data = {"offer": offer.pk, "month": "2026-05-17", "visits": "40", "distinct_visitors": "12"}
    assert client.post("/lavterskel/bruk/ny/", data).status_code == 302
    assert OfferUse.objects.get(offer=offer).month == dt.date(2026, 5, 1)
    # The same month twice, or more visitors than visits, is refused.
    response = client.post("/lavterskel/bruk/ny/", data)
    assert response.status_code == 400
    assert "allerede registrert" in response.content.decode()
    response = client.post(
        "/lavterskel/bruk/ny/",
        {"offer": offer.pk, "month": "2026-04-01", "visits": "3", "distinct_visitors": "9"},
    )
    assert response.status_code == 400
    assert OfferUse.objects.count() == 1
    page = client.get("/lavterskel/").content.decode()
    assert "Åpen dør" in page and "05.2026: 40" in page


def test_a_user_without_staff_role_is_refused(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("innbygger2", password=t.PASSWORD))
    assert client.get("/lavterskel/").status_code == 403


def _offer(muni, name, kind="dropin", **fields):
    return Offer.objects.create(
        municipality=muni, kind=kind, name=name, opening_hours="Tirsdag 18–21", **fields
    )


def test_active_offers_are_in_the_public_directory_with_opening_hours(client):
    muni = t.municipality()
    _offer(muni, "Kveldsåpent for unge voksne", kind="unge_voksne", target_group="18–30 år")
    _offer(muni, "Nedlagt kafé", active=False)
    page = client.get(f"/samarbeid/tjenesteoversikt/{muni.number}/").content.decode()
    assert "Tilbud uten søknad" in page
    assert "Kveldsåpent for unge voksne" in page and "Tirsdag 18–21" in page
    assert "Nedlagt kafé" not in page
    # The search finds offers by their kind too.
    page = client.get(f"/samarbeid/tjenesteoversikt/{muni.number}/?q=unge").content.decode()
    assert "Kveldsåpent for unge voksne" in page and "Ingen treff" not in page
    page = client.get(f"/samarbeid/tjenesteoversikt/{muni.number}/?q=tannlege").content.decode()
    assert "Kveldsåpent" not in page and "Ingen treff" in page


def test_statistics_show_use_with_small_counts_hidden(client):
    muni = t.municipality()
    big = _offer(muni, "Aktivitetshuset", kind="aktivitetshus")
    other = _offer(muni, "Åpen dør", kind="dropin")
    small = _offer(muni, "Samtalegruppe", kind="likeperson")
    for month in (dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)):
        OfferUse.objects.create(offer=big, month=month, visits=40)
        OfferUse.objects.create(offer=other, month=month, visits=30)
    OfferUse.objects.create(offer=small, month=dt.date(2026, 5, 1), visits=3)
    client.force_login(t.staff(t.unit(muni), Role.SERVICE_PROVIDER))
    assert client.get("/lavterskel/statistikk/").status_code == 403
    client.force_login(t.staff(t.unit(muni), Role.LEADER))
    response = client.get("/lavterskel/statistikk/")
    assert response.status_code == 200
    usage = response.context["usage"]
    rows = {r.offer.name: r for r in usage.rows}
    assert usage.months[0] == dt.date(2025, 7, 1) and usage.months[-1] == dt.date(2026, 6, 1)
    assert rows["Samtalegruppe"].cells[-2] in ("<5", ":")
    assert rows["Samtalegruppe"].cells[-1] == "–"  # no use registered: nothing to hide
    # The totals must not give the group's 3 back: May's offers are hidden beside it.
    assert rows["Aktivitetshuset"].cells[-2] == ":" or rows["Åpen dør"].cells[-2] == ":"
    assert "3" not in rows["Samtalegruppe"].cells + [rows["Samtalegruppe"].total]
    assert rows["Aktivitetshuset"].cells[-1] == "40"


def test_offers_are_never_judged_for_lacking_a_decision():
    from helhet.audit import services as audit

    muni = t.municipality()
    t.unit(muni)

    def not_met():
        reports = audit.build(
            municipality_id=muni.pk, start=dt.date(2025, 6, 15), end=dt.date(2026, 6, 15)
        )
        return sorted((r.criterion.id, o.evidence) for r in reports for o in r.failing)

    before = not_met()
    offer = _offer(muni, "Oppsøkende team", kind="oppsokende")
    OfferUse.objects.create(offer=offer, month=dt.date(2026, 5, 1), visits=25)
    assert not_met() == before
