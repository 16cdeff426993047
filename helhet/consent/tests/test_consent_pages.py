"""Registering, printing, withdrawing and renewing consents through the pages."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.consent.models import Category, Consent, ConsentEvent, ConsentScope
from helhet.organisation.models import Role, Unit
from helhet.testing import consent

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(client):
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING, name="Koordinerende enhet")
    nav = t.unit(muni, Unit.Kind.NAV, name="NAV Testby")
    dps = t.partner(muni)
    person = t.person(muni)
    clerk = t.staff(ke, Role.COORDINATING_UNIT)
    from helhet.coordination.models import CoordinatorAssignment

    CoordinatorAssignment.objects.create(
        person=person, offered_on=dt.date(2026, 1, 1), coordinator=clerk
    )
    client.force_login(clerk)
    return {"muni": muni, "ke": ke, "nav": nav, "dps": dps, "person": person, "clerk": clerk}


def _form(world, **overrides):
    data = {
        "person": world["person"].pk,
        "given_by": "person",
        "giver_name": "",
        "given_how": "signert",
        "given_on": "02.03.2026",
        "purpose": "Samarbeid om individuell plan",
        "valid_from": "02.03.2026",
        "valid_to": "01.03.2027",
        "form_version": "2026-1",
        "covers_plan": "on",
        "scope": [f"u:{world['nav'].pk}:plan", f"p:{world['dps'].pk}:helse"],
    }
    data.update(overrides)
    return data


def _create_url(world):
    return reverse("consent:create", args=[world["person"].pk])


@time_machine.travel(NOW)
def test_registering_a_consent_records_scopes_and_declined_boxes(client, world):
    response = client.post(_create_url(world), _form(world))
    consent_ = Consent.objects.get()
    assert response.status_code == 302
    assert consent_.registered_by == world["clerk"]
    assert set(ConsentScope.objects.values_list("category", flat=True)) == {"plan", "helse"}
    assert list(consent_.units.all()) == [world["nav"]]
    offered = 3 * len(Category.values)  # two units and one partner
    assert ConsentEvent.objects.filter(kind="avslatt").count() == offered - 2
    assert ConsentEvent.objects.filter(kind="gitt").count() == 1
    page = client.get(reverse("consent:detail", args=[consent_.pk])).content.decode()
    assert "Gyldig" in page and "NAV Testby" in page


def test_form_lists_every_unit_and_partner_with_a_box_per_category(client, world):
    page = client.get(_create_url(world)).content.decode()
    for party in (world["ke"], world["nav"]):
        for category in Category.values:
            assert f'value="u:{party.pk}:{category}"' in page
    assert f'value="p:{world["dps"].pk}:helse"' in page
    assert 'name="given_by"' in page and "ansatt" not in page.split('name="given_by"')[1][:400]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"given_by": "ansatt"}, "Velg et gyldig valg"),
        ({"given_how": "digitalt"}, "Velg et gyldig valg"),
        ({"given_by": "verge", "giver_name": ""}, "navnet på vergen"),
        ({"valid_from": "10.03.2026", "valid_to": "01.03.2026"}, "kan ikke være før"),
        ({"valid_to": "01.03.2031"}, "høyst 36 måneder"),
        ({"valid_to": "31.02.2027"}, "gyldig dato"),
        ({"purpose": "x" * 301}, "300 eller færre tegn"),
        ({"scope": [], "covers_plan": ""}, "Kryss av"),
        ({"scope": ["u:999999:plan"]}, "Velg et gyldig valg"),
        ({"scope": ["u:1:ukjent"]}, "Velg et gyldig valg"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, world, overrides, message):
    response = client.post(_create_url(world), _form(world, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Consent.objects.exists()
    assert not ConsentEvent.objects.exists()


def test_oral_consent_is_noted_by_the_clerk(client, world):
    client.post(_create_url(world), _form(world, given_how="muntlig"))
    assert Consent.objects.get().noted_by == world["clerk"]


def test_a_person_who_consents_to_nothing_is_recorded_as_declining(client, world):
    response = client.post(
        _create_url(world), _form(world, scope=[], covers_plan="", declines_all="on")
    )
    assert response.status_code == 302
    assert not Consent.objects.exists()
    assert ConsentEvent.objects.filter(kind="avslatt").count() == 3 * len(Category.values)
    # Recording a refusal opens nothing: not the privileged act, not flagged.
    assert not AccessLogEntry.objects.filter(flagged=True).exists()


def test_tampered_person_field_is_refused_and_logged(client, world):
    other = t.person(world["muni"], born=dt.date(1985, 2, 2))
    response = client.post(_create_url(world), _form(world, person=other.pk))
    assert response.status_code == 403
    assert not Consent.objects.exists()
    refused = AccessLogEntry.objects.get(granted=False)
    assert refused.person == world["person"] and "manipulert" in refused.what


def test_csrf_is_required(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["clerk"])
    response = strict.post(_create_url(world), _form(world))
    assert response.status_code == 403
    assert not Consent.objects.exists()


def test_the_printable_form_is_a_pdf_listing_every_party(client, world):
    response = client.get(
        reverse("consent:form_pdf", args=[world["person"].pk]),
        {"scope": [f"u:{world['nav'].pk}:plan", "u:999:plan"], "form_version": "2026-1"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert world["person"].national_id not in response["Content-Disposition"]
    assert ConsentEvent.objects.filter(kind="skrevet_ut").count() == 1
    # The municipality's header at the top; a tagged PDF in Norwegian.
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert text.startswith(world["person"].municipality.name)
    assert world["nav"].name in text
    assert reader.trailer["/Root"]["/Lang"] == "nb"
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_withdrawing_stays_withdrawn_and_a_replay_changes_nothing(client, world):
    given = consent(world["person"], units=[world["nav"]])
    url = reverse("consent:withdraw", args=[given.pk])
    request = {"requested_how": "telefon", "requested_on": "02.03.2026", "confirm": "on"}
    with time_machine.travel(NOW):
        client.post(url, {"note": "Ringte og trakk samtykket", **request})
    given.refresh_from_db()
    first = given.withdrawn_at
    assert first is not None
    with time_machine.travel(NOW + dt.timedelta(minutes=10)):
        response = client.post(url, {"note": "igjen", **request}, follow=True)
    given.refresh_from_db()
    assert given.withdrawn_at == first
    assert "allerede trukket tilbake" in response.content.decode()
    assert ConsentEvent.objects.filter(kind="trukket").count() == 1


def test_renewal_creates_a_new_consent_and_leaves_the_old_one(client, world):
    old = consent(world["person"], units=[world["nav"]], valid_to=dt.date(2026, 3, 31))
    with time_machine.travel(NOW):
        page = client.get(reverse("consent:renew", args=[old.pk])).content.decode()
        assert f'value="u:{world["nav"].pk}:plan" id="scope-u{world["nav"].pk}plan" checked' in page
        response = client.post(reverse("consent:renew", args=[old.pk]), _form(world))
    assert response.status_code == 302
    new = Consent.objects.exclude(pk=old.pk).get()
    assert new.renews == old
    old.refresh_from_db()
    assert old.valid_to == dt.date(2026, 3, 31) and old.withdrawn_at is None
    assert ConsentEvent.objects.filter(consent=old, kind="fornyet").exists()


def test_the_person_sees_and_withdraws_their_own_consent_on_min_side_only(client, world):
    from django.contrib.auth import get_user_model

    own = get_user_model().objects.create_user("kari")
    world["person"].user = own
    world["person"].save()
    given = consent(world["person"], units=[world["nav"]])
    client.force_login(own)
    # The staff pages are for staff; the person's own consents are on Min side.
    assert client.get(reverse("consent:person", args=[world["person"].pk])).status_code == 403
    assert client.get(_create_url(world)).status_code == 403
    client.post(reverse("consent:withdraw", args=[given.pk]))
    given.refresh_from_db()
    assert given.withdrawn_at is None
    assert client.get(reverse("portal:consents")).status_code == 200
    client.post(reverse("portal:consent_withdraw", args=[given.pk]))
    given.refresh_from_db()
    assert given.withdrawn_at is not None


def test_evaluation_is_for_leaders_and_the_coordinating_unit(client, world):
    consent(world["person"], units=[world["nav"]])
    assert client.get(reverse("consent:evaluation")).status_code == 200
    client.force_login(t.staff(world["nav"], Role.SERVICE_PROVIDER))
    assert client.get(reverse("consent:evaluation")).status_code == 403


def test_overview_lists_expiring_consents_and_plans_without_consent(client, world):
    from helhet.plans.models import IndividualPlan

    consent(world["person"], units=[world["nav"]], valid_to=dt.date(2026, 3, 20))
    lacking = t.person(world["muni"], born=dt.date(1977, 7, 7), given_name="Ola")
    IndividualPlan.objects.create(person=lacking, status="aktiv", offered_on=dt.date(2026, 1, 1))
    with time_machine.travel(NOW):
        page = client.get(reverse("consent:overview")).content.decode()
    assert world["person"].full_name in page
    assert lacking.full_name in page
