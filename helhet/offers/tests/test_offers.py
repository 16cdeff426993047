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
