import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.access.models import AccessLogEntry, Action
from helhet.api.models import ApiToken
from helhet.plans import services as plan_services
from helhet.plans.models import IndividualPlan, PlanVersion

pytestmark = pytest.mark.django_db


def _stranger(demo):
    """A person in the demo municipality nobody has a relation to."""
    return t.person(demo.ctx.municipality, born=dt.date(1971, 2, 3))


def _refusals(person) -> int:
    return AccessLogEntry.objects.filter(person=person, granted=False, flagged=True).count()


def _my_plan(demo):
    """The demo login `bruker`'s active plan, coordinated by `koordinator`."""
    return IndividualPlan.objects.get(person=demo.ctx.persons[0], status="aktiv")


def test_person_list_shows_only_related_persons_and_logs_each(demo):
    client = demo.client("koordinator")
    response = client.get(reverse("api:persons"), {"limit": 200})
    assert response.status_code == 200
    shown = {row["id"] for row in response.json()["results"]}
    stranger = _stranger(demo)
    assert demo.ctx.persons[0].pk in shown
    assert stranger.pk not in shown
    logged = set(
        AccessLogEntry.objects.filter(
            user=demo.user("koordinator"), action=Action.LIST, granted=True
        ).values_list("person_id", flat=True)
    )
    assert logged == shown


def test_person_without_basis_is_refused_and_logged(demo):
    stranger = _stranger(demo)
    client = demo.client("tjenesteyter")
    response = client.get(reverse("api:person", kwargs={"person_id": stranger.pk}))
    assert response.status_code == 403
    assert "tilgang" in response.json()["detail"]
    assert _refusals(stranger) == 1


def test_filtering_on_a_person_without_basis_is_refused_and_logged(demo):
    stranger = _stranger(demo)
    response = demo.client("tjenesteyter").get(reverse("api:plans"), {"person": stranger.pk})
    assert response.status_code == 403
    assert _refusals(stranger) == 1


def test_another_municipalitys_person_does_not_exist(demo):
    other = t.person(t.municipality())
    response = demo.client("koordinator").get(reverse("api:person", kwargs={"person_id": other.pk}))
    assert response.status_code == 404


def test_anonymous_and_revoked_tokens_are_refused(demo):
    url = reverse("api:persons")
    assert APIClient().get(url).status_code == 403
    client = demo.client("koordinator")
    ApiToken.objects.update(revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    response = client.get(url)
    assert response.status_code == 403
    assert "tilbakekalt" in response.json()["detail"]


def test_plan_has_etag_and_content(demo):
    plan = _my_plan(demo)
    response = demo.client("koordinator").get(reverse("api:plan", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 200
    assert response["ETag"] == f'"{plan.version}"'
    body = response.json()
    assert body["goals"] and "measures" in body["goals"][0]
    assert body["participants"]


def test_plan_write_needs_if_match(demo):
    plan = _my_plan(demo)
    url = reverse("api:plan", kwargs={"plan_id": plan.pk})
    response = demo.client("koordinator").patch(url, {"needs": "Nytt behov"}, format="json")
    assert response.status_code == 428
    plan.refresh_from_db()
    assert plan.needs != "Nytt behov"


def test_stale_if_match_is_refused_with_412_and_nothing_changes(demo):
    plan = _my_plan(demo)
    url = reverse("api:plan", kwargs={"plan_id": plan.pk})
    client = demo.client("koordinator")
    etag = client.get(url)["ETag"]
    # Someone else saves in between.
    plan_services.update_plan(
        plan_id=plan.pk, user=demo.user("koordinator"), version=plan.version, fields={"needs": "A"}
    )
    response = client.patch(url, {"needs": "B"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert "endret av en annen" in response.json()["detail"]
    plan.refresh_from_db()
    assert plan.needs == "A"


def test_current_if_match_saves_a_new_version(demo):
    plan = _my_plan(demo)
    url = reverse("api:plan", kwargs={"plan_id": plan.pk})
    client = demo.client("koordinator")
    etag = client.get(url)["ETag"]
    response = client.patch(
        url, {"needs": "Trenger hjelp med bolig"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    assert response.json()["needs"] == "Trenger hjelp med bolig"
    assert response["ETag"] == f'"{plan.version + 1}"'
    assert PlanVersion.objects.filter(plan=plan, number=plan.version + 1).exists()
    again = client.patch(url, {"needs": "Igjen"}, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412


def test_bad_input_is_a_precise_4xx_and_changes_nothing(demo):
    plan = _my_plan(demo)
    url = reverse("api:plan", kwargs={"plan_id": plan.pk})
    client = demo.client("koordinator")
    etag = client.get(url)["ETag"]
    unknown = client.patch(url, {"neds": "x"}, format="json", HTTP_IF_MATCH=etag)
    assert unknown.status_code == 400
    assert unknown.json() == {"neds": ["Ukjent felt."]}
    malformed = client.generic("PATCH", url, "{not json", "application/json", HTTP_IF_MATCH=etag)
    assert malformed.status_code == 400
    wrong_type = client.generic("PATCH", url, "needs=x", "text/plain", HTTP_IF_MATCH=etag)
    assert wrong_type.status_code == 415
    backwards = client.patch(
        url,
        {"period_start": "2026-05-01", "period_end": "2026-01-01"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert backwards.status_code == 400
    assert "period_end" in backwards.json()
    plan.refresh_from_db()
    assert plan.version == int(etag.strip('"'))


def test_plan_write_without_basis_is_refused_and_logged(demo):
    stranger = _stranger(demo)
    plan = plan_services.create_plan(
        user=demo.user("ke"), person=stranger, status="aktiv", offered_on=dt.date(2026, 1, 2)
    )
    client = demo.client("tjenesteyter")
    url = reverse("api:plan", kwargs={"plan_id": plan.pk})
    response = client.patch(url, {"needs": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 403
    assert _refusals(stranger) == 1


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("api:plans", {"status": "finnes-ikke"}),
        ("api:persons", {"limit": "mange"}),
        ("api:persons", {"offset": "-1"}),
        ("api:consents", {"person": "abc"}),
    ],
)
def test_bad_filters_are_refused(demo, name, params):
    response = demo.client("koordinator").get(reverse(name), params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())


def test_lists_filter_and_page(demo):
    client = demo.client("ke")
    response = client.get(reverse("api:plans"), {"status": "aktiv", "limit": 2})
    body = response.json()
    assert response.status_code == 200
    assert len(body["results"]) <= 2
    assert {row["status"] for row in body["results"]} == {"aktiv"}
    assert body["count"] >= len(body["results"])


@pytest.mark.parametrize(
    "name", ["api:consents", "api:groups", "api:meetings", "api:applications", "api:decisions"]
)
def test_other_lists_answer(demo, name):
    login = "saksbehandler" if name in ("api:applications", "api:decisions") else "koordinator"
    response = demo.client(login).get(reverse(name))
    assert response.status_code == 200
    assert "results" in response.json()


def test_count_is_the_same_on_every_page_also_past_the_end(demo):
    client = demo.client("ke")
    url = reverse("api:plans")
    first = client.get(url, {"limit": 2}).json()
    total = first["count"]
    assert (
        total == IndividualPlan.objects.filter(person__municipality=demo.ctx.municipality).count()
    )
    assert client.get(url, {"limit": 2, "offset": total - 1}).json()["count"] == total
    past = client.get(url, {"limit": 2, "offset": total + 5}).json()
    assert (past["count"], past["results"]) == (total, [])


def test_plan_list_queries_do_not_grow_with_rows(demo, django_assert_max_num_queries):
    client = demo.client("ke")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("api:plans"), {"limit": 200})
    assert len(response.json()["results"]) > 10


def test_count_stops_at_the_bound_and_says_so(demo, monkeypatch):
    """Past the bound the list says its count is a lower bound, and the next page
    is still linked; below it, the count is exact (docs/performance.md)."""
    client = demo.client("ke")
    url = reverse("api:plans")
    total = IndividualPlan.objects.filter(person__municipality=demo.ctx.municipality).count()
    assert total > 6
    exact = client.get(url, {"limit": 2}).json()
    assert (exact["count"], exact["count_exact"]) == (total, True)

    monkeypatch.setattr("helhet.api.pagination.BOUND", 3)
    first = client.get(url, {"limit": 2}).json()
    assert (first["count"], first["count_exact"]) == (3, False)
    assert "offset=2" in first["next"]
    # The bound moves with the page: further on, the count is still past the page.
    later = client.get(url, {"limit": 2, "offset": 2}).json()
    assert (later["count"], later["count_exact"]) == (5, False)
    assert len(later["results"]) == 2 and later["next"]
    last = client.get(url, {"limit": 2, "offset": total - 1}).json()
    assert (last["count"], last["count_exact"], last["next"]) == (total, True, None)


def test_the_page_and_its_count_take_the_same_queries_however_long_the_page(demo):
    client = demo.client("ke")
    url = reverse("api:plans")
    total = IndividualPlan.objects.filter(person__municipality=demo.ctx.municipality).count()
    client.get(url, {"limit": 1})  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as whole:
        body = client.get(url, {"limit": 200}).json()
    with CaptureQueriesContext(connection) as paged:
        page = client.get(url, {"limit": 2, "offset": 3}).json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (total, True, total)
    assert (page["count"], page["count_exact"]) == (total, True)
    assert [r["id"] for r in page["results"]] == [r["id"] for r in body["results"][3:5]]
    assert len(paged) == len(whole)
