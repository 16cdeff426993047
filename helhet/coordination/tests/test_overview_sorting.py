"""Sorting, paging and «mine enheters planer» in the coordination overview."""

import pytest
from django.contrib.auth.models import User

from helhet.access import gate
from helhet.coordination.tests.test_overview import PASSWORD, make_demo

pytestmark = pytest.mark.django_db


def rows(client, **params):
    response = client.get("/koordinering/", {"per_side": 100, **params})
    assert response.status_code == 200
    return list(response.context["page"]), response


@pytest.fixture
def ke(client):
    make_demo(60)
    client.login(username="ke", password=PASSWORD)
    return client


def test_every_column_sorts_both_ways_with_empty_values_last(ke):
    default, _ = rows(ke)
    by_name = [(r.person_name.split()[-1].lower(), r.person_name) for r in default]
    assert [r.plan_id for r in default] == [r.plan_id for r in rows(ke, sorter="person")[0]]
    assert [n for n, _full in by_name] == sorted(n for n, _full in by_name)

    due, _ = rows(ke, sorter="revisjon")
    dated = [r.revision_due for r in due if r.revision_due]
    assert dated == sorted(dated)
    assert all(r.revision_due is None for r in due[len(dated) :])
    latest, response = rows(ke, sorter="-revisjon")
    dated = [r.revision_due for r in latest if r.revision_due]
    assert dated == sorted(dated, reverse=True)
    assert all(r.revision_due is None for r in latest[len(dated) :])
    assert 'aria-sort="descending"' in response.content.decode()

    units, _ = rows(ke, sorter="enhet")
    named = [r.unit_name.lower() for r in units if r.unit_name]
    assert named == sorted(named)
    missing, _ = rows(ke, sorter="-mangler")
    counts = [len(r.missing) for r in missing if r.is_active]
    assert counts == sorted(counts, reverse=True)


def test_equal_values_keep_one_order_across_pages(ke):
    # Many plans share a status: the person's name, then the plan, decide.
    everything, _ = rows(ke, sorter="status")
    paged = []
    page = 1
    while True:
        response = ke.get("/koordinering/", {"sorter": "status", "per_side": 25, "side": page})
        paged += list(response.context["page"])
        if not response.context["page"].has_next():
            break
        page += 1
    assert [r.plan_id for r in paged] == [r.plan_id for r in everything]
    assert len({r.plan_id for r in paged}) == len(paged)
    statuses = [r.status for r in everything]
    assert statuses == sorted(statuses)


def test_an_unknown_column_sorts_by_person_and_never_reaches_the_database(ke):
    default, _ = rows(ke)
    for bad in ("person__national_id", "-pk", "passord", "revisjon;drop"):
        shown, _ = rows(ke, sorter=bad)
        assert [r.plan_id for r in shown] == [r.plan_id for r in default]


def test_paging_says_which_page_and_offers_previous_and_next(ke):
    total = ke.get("/koordinering/").context["total"]
    assert total > 25  # more than one page of 25
    first = ke.get("/koordinering/", {"per_side": 25}).content.decode()
    assert f"Side 1 av {-(-total // 25)}" in first
    assert 'rel="prev"' not in first
    assert 'rel="next"' in first and "side=2" in first
    response = ke.get("/koordinering/", {"per_side": 25, "side": 2})
    page = response.context["page"]
    assert len(page) == min(25, total - 25)
    html = response.content.decode()
    assert f"Side 2 av {page.paginator.num_pages}" in html
    assert 'rel="prev"' in html and "side=1" in html
    # The sort chosen is kept when paging.
    html = ke.get("/koordinering/", {"per_side": 25, "sorter": "-revisjon"}).content.decode()
    assert "sorter=-revisjon" in html.split('rel="next"')[0].rsplit("<a", 1)[-1]


def test_a_page_size_not_offered_is_refused_with_a_message(ke):
    total = ke.get("/koordinering/").context["total"]
    response = ke.get("/koordinering/", {"per_side": 7})
    assert response.status_code == 200
    assert "Velg 25, 50 eller 100 planer per side." in response.content.decode()
    assert len(response.context["page"]) == min(50, total)


def test_mine_shows_only_plans_of_the_users_own_units(client):
    make_demo(60)
    client.login(username="koordinator", password=PASSWORD)
    user = User.objects.get(username="koordinator")
    everything, _ = rows(client)
    mine, _ = rows(client, mine="on")
    assert mine
    assert all(r.unit_id in gate.unit_ids(user) for r in mine)
    assert len(mine) <= len(everything)
    assert {r.plan_id for r in mine} <= {r.plan_id for r in everything}
    assert [r for r in everything if r.unit_id in gate.unit_ids(user)] == mine
