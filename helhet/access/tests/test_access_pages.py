"""Who has seen the data, emergency access, and the leader's review."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessLogEntry, AccessReview, Action, EmergencyAccess
from helhet.consent.models import Category
from helhet.organisation.models import Role, Unit
from helhet.plans.models import IndividualPlan
from helhet.testing import consent

pytestmark = pytest.mark.django_db
REASON = "Personen er i krise og kriseplanen trengs nå"


@pytest.fixture
def world():
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    nav = t.unit(muni, Unit.Kind.NAV, name="NAV Testby")
    person = t.person(muni, given_name="Kari", family_name="Nordmann")
    plan = IndividualPlan.objects.create(
        person=person, status="aktiv", offered_on=dt.date(2026, 1, 1)
    )
    return {"muni": muni, "home": home, "nav": nav, "person": person, "plan": plan}


def test_withdrawing_consent_removes_the_other_units_access_at_once(client, world):
    """The plan page is open to NAV by consent; after withdrawal the next
    request is refused, and the log shows the refused attempt."""
    adviser = t.staff(world["nav"], Role.NAV_ADVISER)
    t.service(world["person"], world["nav"])
    given = consent(world["person"], units=[world["nav"]], categories=[Category.PLAN])
    plan_url = reverse("plans:detail", args=[world["plan"].pk])
    client.force_login(adviser)
    assert client.get(plan_url).status_code == 200

    clerk = t.staff(t.unit(world["muni"], Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    client.force_login(clerk)
    client.post(
        reverse("consent:withdraw", args=[given.pk]),
        {
            "note": "Personen ringte",
            "requested_how": "telefon",
            "requested_on": timezone.localdate().strftime("%d.%m.%Y"),
            "confirm": "on",
        },
    )

    client.force_login(adviser)
    response = client.get(plan_url)
    assert response.status_code == 403
    assert "samtykke" in response.content.decode()
    last = AccessLogEntry.objects.filter(user=adviser).order_by("-id").first()
    assert not last.granted and last.flagged and last.what == "plan"


def test_person_log_shows_who_saw_what_on_which_basis(client, world):
    provider = t.staff(world["home"], Role.SERVICE_PROVIDER, username="hilde")
    t.service(world["person"], world["home"])
    client.force_login(provider)
    client.get(reverse("people:detail", args=[world["person"].pk]))
    outsider = t.staff(world["nav"], Role.NAV_ADVISER, username="olav")
    client.force_login(outsider)
    client.get(reverse("people:detail", args=[world["person"].pk]))

    # The leader who reviews access reads the whole log.
    client.force_login(t.staff(world["home"], Role.LEADER, username="leder"))
    page = client.get(reverse("access:person_log", args=[world["person"].pk])).content.decode()
    assert "Hjemmetjenesten" in page and "Tjenesteyter" in page
    assert "gir tjeneste etter vedtak" in page
    assert "Avvist" in page  # olav's refused attempt
    assert "NAV Testby" in page


def test_person_sees_their_own_access_log_on_min_side_not_the_staff_page(client, world):
    from django.contrib.auth import get_user_model

    own = get_user_model().objects.create_user("kari")
    world["person"].user = own
    world["person"].save()
    client.force_login(own)
    assert client.get(reverse("portal:access_log")).status_code == 200
    response = client.get(reverse("access:person_log", args=[world["person"].pk]))
    assert response.status_code == 403
    other = t.person(world["muni"], born=dt.date(1991, 1, 1))
    assert client.get(reverse("access:person_log", args=[other.pk])).status_code == 403


def test_person_log_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    provider = t.staff(world["home"])
    t.service(world["person"], world["home"])
    for _ in range(30):
        gate.check(provider, world["person"], Action.VIEW, category=gate.BASIC, what="x")
    client.force_login(t.staff(world["home"], Role.LEADER))
    url = reverse("access:person_log", args=[world["person"].pk])
    # 18: the gate asks for the responsibility-group relation and for a block by the person.
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200


def test_guessing_an_id_is_refused_and_logged(client, world):
    outsider = t.staff(world["nav"])
    client.force_login(outsider)
    response = client.get(reverse("people:detail", args=[world["person"].pk]))
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(user=outsider, granted=False, flagged=True).count() == 1
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404


def test_another_municipalitys_person_does_not_exist(client, world):
    elsewhere = t.staff(t.unit(t.municipality()))
    client.force_login(elsewhere)
    assert client.get(reverse("people:detail", args=[world["person"].pk])).status_code == 404


def test_error_pages_do_not_echo_the_national_id(client, world):
    number = world["person"].national_id
    client.force_login(t.staff(world["nav"]))
    refused = client.get(reverse("people:detail", args=[world["person"].pk]))
    missing = client.get(f"/personer/{number}/")
    search = client.get(reverse("people:search"), {"q": number})
    assert number not in refused.content.decode()
    assert number not in missing.content.decode()
    assert world["person"].family_name not in search.content.decode()


def test_emergency_access_by_number_opens_the_person_for_two_hours(client, world):
    provider = t.staff(world["home"])
    client.force_login(provider)
    response = client.post(
        reverse("access:emergency"),
        {"national_id": world["person"].national_id, "reason": REASON},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[world["person"].pk])
    assert client.get(response["Location"]).status_code == 200
    grant = EmergencyAccess.objects.get()
    assert grant.expires_at - grant.granted_at == dt.timedelta(hours=2)
    assert AccessLogEntry.objects.filter(emergency=True, flagged=True).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": REASON}, "Oppgi fødselsnummer"),
        ({"national_id": "12345678901", "reason": REASON}, "Feil kontrollsiffer"),
        ({"national_id": "17059012345x", "reason": REASON}, "11 siffer"),
        ({"national_id": "VALID", "reason": "fordi"}, "minst 20 tegn"),
        ({"national_id": "VALID", "reason": "x" * 1001}, "1000 eller færre tegn"),
    ],
)
def test_emergency_access_refuses_bad_input(client, world, data, message):
    if data.get("national_id") == "VALID":
        data["national_id"] = world["person"].national_id
    client.force_login(t.staff(world["home"]))
    response = client.post(reverse("access:emergency"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_emergency_for_another_municipalitys_person_is_not_found(client, world):
    elsewhere = t.staff(t.unit(t.municipality()))
    client.force_login(elsewhere)
    response = client.post(
        reverse("access:emergency"), {"person": world["person"].pk, "reason": REASON}
    )
    assert response.status_code == 400
    assert "Fant ingen person med dette nummeret" in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_emergency_redirects_only_to_own_site(client, world):
    client.force_login(t.staff(world["home"]))
    response = client.post(
        reverse("access:emergency"),
        {"person": world["person"].pk, "reason": REASON, "next": "https://evil.example/x"},
    )
    assert response["Location"] == reverse("people:detail", args=[world["person"].pk])


def test_leader_reviews_flagged_access(client, world):
    snoop = t.staff(world["nav"], username="snoop")
    gate.check(snoop, world["person"], Action.VIEW, category=gate.BASIC, what="personside")
    gate.grant_emergency(t.staff(world["home"], username="akutt"), world["person"], reason=REASON)
    leader = t.staff(world["home"], Role.LEADER)
    client.force_login(leader)
    page = client.get(reverse("access:review")).content.decode()
    assert "snoop" in page and "akutt" in page and REASON in page
    refused = AccessLogEntry.objects.get(user=snoop)
    client.post(reverse("access:review_entry", args=[refused.pk]), {"note": "Snakket med ansatt"})
    assert AccessReview.objects.get(entry=refused).reviewed_by == leader
    again = client.post(
        reverse("access:review_entry", args=[refused.pk]), {"note": "to ganger"}, follow=True
    )
    assert "allerede gjennomgått" in again.content.decode()
    assert AccessReview.objects.count() == 1
    remaining = client.get(reverse("access:review")).content.decode()
    assert "snoop" not in remaining


def test_review_is_for_leaders_of_the_same_municipality(client, world):
    snoop = t.staff(world["nav"])
    gate.check(snoop, world["person"], Action.VIEW, category=gate.BASIC)
    entry = AccessLogEntry.objects.get()
    client.force_login(t.staff(world["home"], Role.SERVICE_PROVIDER))
    assert client.get(reverse("access:review")).status_code == 403
    client.force_login(t.staff(t.unit(t.municipality()), Role.LEADER))
    assert client.post(reverse("access:review_entry", args=[entry.pk])).status_code == 404
    assert not AccessReview.objects.exists()


def test_review_note_is_length_checked(client, world):
    gate.check(t.staff(world["nav"]), world["person"], Action.VIEW, category=gate.BASIC)
    entry = AccessLogEntry.objects.get()
    client.force_login(t.staff(world["home"], Role.LEADER))
    client.post(reverse("access:review_entry", args=[entry.pk]), {"note": "x" * 501})
    assert not AccessReview.objects.exists()
