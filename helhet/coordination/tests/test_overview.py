import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helhet import testing
from helhet.access import gate
from helhet.access.models import AccessLogEntry
from helhet.consent.models import Category
from helhet.coordination import services
from helhet.organisation.models import Role
from helhet.people.models import Person
from helhet.plans import services as plan_services
from helhet.plans.models import Measure
from helhet.plans.tests.builders import make_story

PASSWORD = "demo-passord-1"
OSLO = ZoneInfo("Europe/Oslo")


def make_demo(persons, reset=False):
    call_command(
        "demo",
        persons=persons,
        seed=11,
        password=PASSWORD,
        no_serve=True,
        reset=reset,
        stdout=open("/dev/null", "w"),
        stderr=open("/dev/null", "w"),
    )


def overview_queries(client, **params):
    client.login(username="ke", password=PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/koordinering/", params)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db(transaction=True)
def test_query_count_does_not_grow_with_the_number_of_plans(client):
    # Sorted by another column, on another page size, only the user's units:
    # the count stays the same too (sorting and filtering happen in SQL).
    sorted_mine = {"sorter": "-revisjon", "per_side": "25", "mine": "on"}
    make_demo(30)
    small, _ = overview_queries(client)
    small_sorted, _ = overview_queries(client, **sorted_mine)
    make_demo(150, reset=True)
    large, response = overview_queries(client)
    large_sorted, _ = overview_queries(client, **sorted_mine)
    assert large == small
    assert large_sorted == small_sorted
    assert "Mangler etter § 19" in response.content.decode()


@pytest.mark.django_db
def test_overview_stays_within_query_budget(client, django_assert_max_num_queries):
    make_demo(60)
    client.login(username="ke", password=PASSWORD)
    with django_assert_max_num_queries(25):
        response = client.get("/koordinering/", {"completeness": "mangler"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_filters_and_csv_export_agree(client):
    make_demo(120)
    client.login(username="ke", password=PASSWORD)
    page = client.get("/koordinering/", {"status": "aktiv", "overdue": "on"})
    total = page.context["total"]
    assert total > 0
    assert all(row.overdue for row in page.context["page"])
    csv = client.get("/koordinering/planoversikt.csv", {"status": "aktiv", "overdue": "on"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == total + 1
    assert lines[0].startswith("Person;Fødselsdato;Status")
    assert all(";Ja;" in line for line in lines[1:])
    assert AccessLogEntry.objects.filter(what="planoversikt.csv", granted=True).count() == total


# Days on both sides of a demo consent running out: the overview must follow
# the gate whichever consents are still valid on the day it is read.
OVERVIEW_DAYS = ["2026-03-02 10:00", "2026-12-07 10:00", "2029-06-15 10:00"]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", OVERVIEW_DAYS)
def test_overview_shows_only_plans_the_user_has_a_relation_to(client, moment):
    with time_machine.travel(dt.datetime.fromisoformat(moment).replace(tzinfo=OSLO), tick=False):
        make_demo(60)
        client.login(username="koordinator", password=PASSWORD)
        user = User.objects.get(username="koordinator")
        rows = client.get("/koordinering/").context["page"].paginator.object_list
        ke_total = len(
            services.plan_rows(user=User.objects.get(username="ke"), filters=services.Filters())
        )
        assert 0 < len(rows) < ke_total
        persons = Person.objects.in_bulk([row.person.pk for row in rows])
        # Every row shows plan status and dates: the gate opens the plan to him.
        assert all(
            gate.decide(user, persons[row.person.pk], "vis", category=Category.PLAN).granted
            for row in rows
        )
        # And no plan the gate would open to him is missing from it.
        shown = {row.person.pk for row in rows}
        with_plans = Person.objects.filter(plans__isnull=False).distinct()
        missing = [
            p for p in with_plans if p.pk not in shown and gate.decide(user, p, "vis").granted
        ]
        assert missing == []


@pytest.mark.django_db
def test_overview_is_refused_to_people_who_are_not_staff(client):
    make_demo(10)
    client.login(username="bruker", password=PASSWORD)
    response = client.get("/koordinering/")
    assert response.status_code == 403
    assert "ansatte" in response.content.decode()


@pytest.mark.django_db
def test_other_municipalities_plans_never_appear(client):
    make_demo(30)
    other = testing.municipality(number="3401", name="Nabokommune")
    ke = testing.staff(testing.unit(other, kind="ke"), role=Role.COORDINATING_UNIT)
    client.force_login(ke)
    assert client.get("/koordinering/").context["total"] == 0


@pytest.mark.django_db
def test_a_change_to_the_plan_shows_at_once_in_the_completeness_filters(client):
    story = make_story()
    ke = testing.staff(testing.unit(story.municipality, kind="ke"), role=Role.COORDINATING_UNIT)
    client.force_login(ke)

    def shown(completeness):
        rows = client.get("/koordinering/", {"completeness": completeness}).context["page"]
        return [(row.plan_id, [letter for letter, _label in row.missing]) for row in rows]

    assert shown("komplett") == [(story.plan.pk, [])]
    assert shown("mangler") == []
    plan_services.remove_row(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=story.plan.version,
        model=Measure,
        row_id=story.measure.pk,
    )
    assert shown("komplett") == []
    assert shown("mangler") == [(story.plan.pk, ["e", "f"])]
