"""A person's access log is read one page at a time, bounded by date: the
person's log page, Min side's «innsyn» and the leader's review make the same
number of queries whatever the log holds (docs/performance.md, "The access log
at scale")."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhet import testing as t
from helhet.access import gate, services
from helhet.access.models import AccessLogEntry, Action
from helhet.organisation.models import Role, Unit
from helhet.portal.tests.builders import person_with_login

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world():
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    with time_machine.travel(NOW - dt.timedelta(days=800), tick=False):
        person, user = person_with_login(muni, "kari")
    return {"muni": muni, "home": home, "person": person, "user": user}


def fill(world, rows: int, viewers: int, start: dt.datetime = NOW, what: str = "x") -> None:
    """``rows`` log rows about the person, a minute apart going back from
    ``start``, by ``viewers`` different staff users."""
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"leser-{what}-{n}", first_name="Les", last_name=f"Er{n}")
            for n in range(viewers)
        ]
    )
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                at=start - dt.timedelta(minutes=n),
                municipality=world["muni"],
                user=users[n % viewers],
                username=users[n % viewers].username,
                role="Tjenesteyter",
                unit="Hjemmetjenesten",
                person=world["person"],
                action=Action.VIEW,
                category=gate.BASIC,
                what=f"{what} {n}",
                basis="tjeneste_vedtak",
                granted=True,
            )
            for n in range(rows)
        ]
    )


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def shown(page: str, what: str) -> set[int]:
    return {int(part.split("<")[0]) for part in page.split(f"{what} ")[1:]}


@pytest.mark.parametrize("page", ["leader", "portal"])
def test_the_log_pages_make_the_same_queries_for_a_short_and_a_long_log(client, world, page):
    if page == "leader":
        client.force_login(t.staff(world["home"], Role.LEADER))
        url = reverse("access:person_log", args=[world["person"].pk])
    else:
        client.force_login(world["user"])
        url = reverse("portal:access_log")
    fill(world, rows=3, viewers=2, what="kort")
    small, _ = queries(client, url)

    fill(world, rows=400, viewers=60, start=NOW - dt.timedelta(minutes=5), what="lang")
    large, content = queries(client, url)

    assert large == small
    # One page of 50, newest first: the short log's rows, and the newest of the
    # long one's (the leader's own two reads of the log are rows too).
    long_rows = shown(content, "lang")
    assert shown(content, "kort") == {0, 1, 2}
    assert long_rows == set(range(len(long_rows))) and len(long_rows) >= 45
    assert "Eldre oppføringer" in content


def test_the_older_pages_follow_on_without_a_gap_or_a_repeat(client, world):
    fill(world, rows=120, viewers=7, what="rad")
    client.force_login(world["user"])
    url = reverse("portal:access_log")
    seen: list[int] = []
    pages = 0
    while url:
        content = client.get(url).content.decode()
        rows = sorted(shown(content, "rad"))
        seen += rows
        pages += 1
        link = '">Eldre oppføringer<'
        cursor = content.split(link)[0].rsplit("etter=", 1)[1] if link in content else None
        url = f"{reverse('portal:access_log')}?ar=&etter={cursor}" if cursor else ""
        assert pages <= 3

    assert sorted(seen) == list(range(120))
    assert pages == 3
    assert "Nyeste" in content


def test_earlier_years_are_chosen_and_the_default_is_the_last_twelve_months(client, world):
    fill(world, rows=2, viewers=1, what="iår")
    fill(world, rows=2, viewers=1, start=dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC), what="ifjor")
    client.force_login(world["user"])
    url = reverse("portal:access_log")

    recent = client.get(url).content.decode()
    last_year = client.get(f"{url}?ar=2025").content.decode()

    assert "iår 0" in recent and "ifjor" not in recent
    assert "ifjor 0" in last_year and "iår" not in last_year
    # Only years the person can have rows in are offered; another year is the default.
    assert '<option value="2024">' in recent and '<option value="2023">' not in recent
    assert "iår 0" in client.get(f"{url}?ar=1999").content.decode()


@pytest.mark.parametrize("cursor", ["x", "12-", "-5", "9" * 40 + "-1", "1-2-3"])
def test_a_malformed_page_key_shows_the_newest_page(client, world, cursor):
    fill(world, rows=3, viewers=1, what="rad")
    client.force_login(world["user"])

    response = client.get(reverse("portal:access_log"), {"etter": cursor})

    assert response.status_code == 200
    assert "rad 0" in response.content.decode()


def test_the_cursor_is_exact_to_the_microsecond():
    entry = AccessLogEntry(pk=7, at=dt.datetime(2026, 11, 20, 12, 0, 0, 999999, tzinfo=dt.UTC))
    assert services.decode_cursor(text=services.encode_cursor(entry=entry)) == (entry.at, 7)


def test_the_leaders_review_reads_the_chosen_period(client, world):
    snoop = t.staff(t.unit(world["muni"], Unit.Kind.NAV))
    with time_machine.travel(NOW - dt.timedelta(days=120), tick=False):
        gate.check(snoop, world["person"], Action.VIEW, category=gate.BASIC, what="gammelt oppslag")
    gate.check(snoop, world["person"], Action.VIEW, category=gate.BASIC, what="nytt oppslag")
    client.force_login(t.staff(world["home"], Role.LEADER))

    default = client.get(reverse("access:review")).content.decode()
    year = client.get(reverse("access:review"), {"dager": "365"}).content.decode()
    odd = client.get(reverse("access:review"), {"dager": "100000"})

    assert "nytt oppslag" in default and "gammelt oppslag" not in default
    assert "gammelt oppslag" in year and "nytt oppslag" in year
    assert odd.status_code == 200 and "gammelt oppslag" not in odd.content.decode()


def test_every_read_of_the_log_is_bounded_by_date(world):
    """On PostgreSQL a bound on ``at`` is what prunes the monthly partitions."""
    fill(world, rows=3, viewers=1)
    since = services.review_since(days=None)[1]
    with CaptureQueriesContext(connection) as captured:
        services.person_log(person=world["person"], cursor="1700000000000000-5")
        services.own_log(person=world["person"], year="2025")
        list(services.flagged(municipality_id=world["muni"].pk, since=since))
        list(get_user_model().objects.filter(pk__in=services.viewers_since(person=world["person"])))
    reads = [
        q["sql"] for q in captured.captured_queries if AccessLogEntry._meta.db_table in q["sql"]
    ]

    assert len(reads) == 4
    for sql in reads:
        assert '"at" >=' in sql, sql
