"""The adversarial suite: every door to a person's data, tried by every kind of
attacker, with every method — refused, logged as refused, nothing changed.

Targets are read from the URL resolver (``urlwalk``), so a new URL joins by
itself:

* every URL taking a person-owned id (``PERSON_URLS``, the URL walker's list)
  × GET and POST, and for the REST API and FHIR also PUT, PATCH and DELETE;
* every URL without an id (lists, searches, exports, API and FHIR searches)
  × GET, with the person asked for by id or name: the person must not appear.

Attackers (see ``adversarial``): (a) staff without a relation, (b) staff with
a relation whom the person blocked, (c) a proxy with limited rights, (d) the
person themself and another person's portal login on staff URLs, (e) the
system administrator, (f) staff of another municipality, and anonymous.

What "refused" means here:

* the answer is 403 or 404 (405 for a method the URL does not have; for
  anonymous, a redirect to the login page, or 401/403 from the API);
* where the user is known and the person is theirs to know of (cases a–e), a
  refusal is a row in the person's access log with ``granted=False`` — and no
  row says ``granted=True``. Another municipality's person answers 404 and
  need not be logged (the gate's docstring: not the user's municipality's
  persons);
* no table changed: every table except the access log, sessions and
  django-axes is fingerprinted (row count and a hash of the rows) before and
  after each request.

The data is built once per module and every test runs in a savepoint of it,
so the suite stays within a few minutes (see docs/security.md).
"""

import json
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from helhet import testing as t
from helhet.access.tests import adversarial as adv
from helhet.access.tests.urlwalk import ALL, PERSON_URLS, url_for
from helhet.api.fhir import FNR
from helhet.organisation.models import Membership, Role, Unit
from helhet.people.models import Person

API_NAMESPACES = ("api", "fhir")
# URLs without an id that are not about persons at all: logging in and out,
# the language switch, the health check, the second factor, OIDC.
NOT_LISTS = {
    "healthz",
    "login",
    "logout",
    "set_language",
    "access:oidc_callback",
    "access:oidc_init",
    "access:otp_setup",
    "access:otp_verify",
}
# The person is shown here to these cases on purpose:
#  - the leader's review of refused attempts (access:review) to leaders and
#    heads of sector: reviewing those attempts is the point (pjl. § 16 third
#    paragraph; Normen: the data controller follows up the access log);
#  - Min side to the person and their proxy.
SHOWN_ON_PURPOSE = {
    ("access:review", "a_no_relation", "leder"),
    ("access:review", "a_no_relation", "kommunalsjef"),
}
PORTAL_OWN = {"c_proxy", "d_portal_self"}

LIST_URLS = sorted(n for n, k in ALL if not k and n not in NOT_LISTS and not n.startswith("i18n"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back at the
    end; each test runs in a savepoint of it (pytest-django's ``db``)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = adv.build_world()
            built.tables = adv.fingerprinted_tables()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _methods(name: str) -> tuple[str, ...]:
    if name.partition(":")[0] in API_NAMESPACES:
        return ("get", "post", "put", "patch", "delete")
    return ("get", "post")


def _request(client: Client, method: str, url: str, api: bool):
    if api and method != "get":
        return client.generic(method.upper(), url, json.dumps({}), "application/json")
    return getattr(client, method)(url)


# One client for the module: each new Client builds the middleware chain
# again, and WhiteNoise then scans every static file (most of the time).
_CLIENT = Client(raise_request_exception=False)  # a 500 is a finding, reported


def _client(user) -> Client:
    _CLIENT.logout()
    if user is not None:
        _CLIENT.force_login(user)
    return _CLIENT


def _refused(case: str, response, api: bool) -> bool:
    status = response.status_code
    if status in (403, 404, 405):
        return True
    if case == "anonymous":
        if status == 401 and api:
            return True
        return status == 302 and response["Location"].startswith(reverse("login"))
    return False


def _check(case, variant, user, person, method, url, name, response, before, after, logged):
    """Problems with one request, each one line the integrator can act on."""
    who = f"{method.upper()} {url} ({name}) as {case} [{variant}]"
    problems = []
    api = name.partition(":")[0] in API_NAMESPACES
    if not _refused(case, response, api):
        where = f" → {response['Location']}" if response.status_code in (301, 302) else ""
        problems.append(f"{who}: answered {response.status_code}{where}, not refused")
    refused, granted = logged
    if granted:
        problems.append(f"{who}: {granted} access-log row(s) say granted")
    if (
        case in adv.LOGGED_CASES
        and response.status_code != 405
        and refused == 0
        and _refused(case, response, api)
    ):
        problems.append(f"{who}: refused ({response.status_code}) but not logged as refused")
    changed = adv.changes(before, after)
    if changed:
        problems.append(f"{who}: changed the database: {'; '.join(changed)}")
    return problems


PERSON_CASES = [
    pytest.param(name, kwargs, index, case, id=f"{name}-{case}")
    for index, (name, kwargs) in enumerate(PERSON_URLS)
    for case in adv.CASES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "index", "case"), PERSON_CASES)
def test_person_url_refuses_attacker(world, name, kwargs, index, case):
    variant, user = adv.attacker(world, case, index)
    person = world.person
    url = url_for(name, kwargs, person)
    if case in ("b_blocked", "f_other_municipality"):
        adv.hold_every_unit(world, user)
    client = _client(user)
    api = name.partition(":")[0] in API_NAMESPACES
    problems = []
    before = adv.fingerprint(world.tables)
    for method in _methods(name):
        log_before = adv.log_rows(person, user)
        response = _request(client, method, url, api)
        log_after = adv.log_rows(person, user)
        after = adv.fingerprint(world.tables)
        logged = (log_after[0] - log_before[0], log_after[1] - log_before[1])
        problems += _check(
            case, variant, user, person, method, url, name, response, before, after, logged
        )
        before = after
    assert not problems, "\n".join(problems)


def _list_query(name: str, person) -> dict:
    namespace = name.partition(":")[0]
    if namespace == "api":
        return {"person": person.pk}
    if name == "fhir:patients":
        return {"_id": person.pk}
    if namespace == "fhir":
        return {"patient": person.pk}
    # Part of the name, so a search box echoing the query is not a leak; the
    # whole name in the answer is.
    return {"person": person.pk, "q": person.family_name[:7]}


LIST_CASES = [
    pytest.param(name, index, case, id=f"{name}-{case}")
    for index, name in enumerate(LIST_URLS)
    for case in adv.CASES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index", "case"), LIST_CASES)
def test_list_does_not_show_the_person_to_attacker(world, name, index, case):
    problems = _list_problems(world, name, index, case, _list_query(name, world.person))
    assert not problems, "\n".join(problems)


def _list_problems(world, name: str, index: int, case: str, query: dict) -> list[str]:
    variant, user = adv.attacker(world, case, index)
    person = world.person
    own_portal = name.startswith("portal:") and case in PORTAL_OWN
    if own_portal or (name, case, variant) in SHOWN_ON_PURPOSE:
        # The person (or their proxy) sees the person on Min side; a leader
        # reviewing refused attempts sees whose data was tried. Nothing else.
        variant, user = adv.attacker(world, "a_no_relation", index + 1)
        case = "a_no_relation"
        if (name, case, variant) in SHOWN_ON_PURPOSE:
            variant, user = adv.attacker(world, "a_no_relation", index + 2)
    if query.get("_unnamed") and case in ("b_blocked", "f_other_municipality"):
        # A search naming nobody: even roles in every unit of the
        # municipality must not bring the person into it.
        adv.hold_every_unit(world, user)
    query = {k: v for k, v in query.items() if k != "_unnamed"}
    client = _client(user)
    url = reverse(name)
    tables = [t for t in world.tables if t not in adv.DERIVED_CACHES]
    before = adv.fingerprint(tables)
    log_before = adv.log_rows(person, user)
    response = client.get(url, query)
    log_after = adv.log_rows(person, user)
    after = adv.fingerprint(tables)
    who = f"GET {url}?{urlencode(query)} ({name}) as {case} [{variant}]"
    problems = []
    if response.status_code >= 500:
        problems.append(f"{who}: server error {response.status_code}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    for label, marker in (
        ("national id", person.national_id),
        ("name", person.family_name),
        ("id", f'Patient/{person.pk}"'),
    ):
        if marker in text:
            problems.append(f"{who}: answered {response.status_code} showing the person's {label}")
    if log_after[1] > log_before[1]:
        problems.append(f"{who}: {log_after[1] - log_before[1]} access-log row(s) say granted")
    changed = adv.changes(before, after)
    if changed:
        problems.append(f"{who}: changed the database: {'; '.join(changed)}")
    return problems


# --- FHIR searches naming nobody: the gate's list rules decide -------------------------

FHIR_SEARCHES = [n for n in LIST_URLS if n.startswith("fhir:") and n not in ("fhir:base",)]
# The coordinating unit's overview (hol. § 7-3) is CarePlan?status=active.
UNNAMED_QUERY = {"fhir:care_plans": {"status": "active"}}
UNNAMED_CASES = [
    pytest.param(name, index, case, id=f"{name}-unnamed-{case}")
    for index, name in enumerate(FHIR_SEARCHES)
    for case in adv.CASES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index", "case"), UNNAMED_CASES)
def test_a_fhir_search_naming_nobody_does_not_show_the_person(world, name, index, case):
    query = {**UNNAMED_QUERY.get(name, {}), "_count": "200", "_unnamed": True}
    problems = _list_problems(world, name, index, case, query)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_coordinating_unit_finds_the_plan_without_naming_the_person(world):
    """The control for the test above: a lawful coordinating unit's
    CarePlan?status=active shows the person's plan and logs it, so an empty
    answer above is the gate's list rule, not a search that finds nothing."""
    lawful = t.staff(t.unit(world.muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    log_before = adv.log_rows(world.person, lawful)
    response = _client(lawful).get(reverse("fhir:care_plans"), {"status": "active"})
    assert response.status_code == 200
    assert f'Patient/{world.person.pk}"' in response.content.decode()
    assert adv.log_rows(world.person, lawful)[1] == log_before[1] + 1


def test_every_case_meets_every_url_and_every_role_is_used():
    """The rotation covers each attacker's roles over the URLs (not a tautology:
    fewer URLs than roles would leave a role untried)."""
    counts = {
        "a_no_relation": len(adv.NO_RELATION_ROLES),
        "b_blocked": len(adv.BLOCKED_RELATIONS),
        "f_other_municipality": len(adv.OTHER_MUNICIPALITY_ROLES),
    }
    for case, roles in counts.items():
        assert len(PERSON_URLS) >= roles, case
    names = {p.values[0] for p in PERSON_CASES}
    assert names == {n for n, _k in PERSON_URLS}
    assert {p.values[3] for p in PERSON_CASES} == set(adv.CASES)


# --- the FHIR transaction endpoint: a write path that names the person -------------


def _overwrite_bundle(person) -> str:
    """A transaction that would rename the person (an existing person is found
    by national id and updated)."""
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": FNR, "value": person.national_id}],
        "name": [{"family": "Overskrevet", "given": ["Angriper"]}],
    }
    entry = {"fullUrl": "urn:uuid:p1", "resource": patient, "request": {"method": "POST"}}
    entry["request"]["url"] = "Patient"
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": [entry]})


def _post_bundle(client, person):
    return client.generic(
        "POST", reverse("fhir:base"), _overwrite_bundle(person), "application/fhir+json"
    )


@pytest.mark.django_db
def test_the_fhir_bundle_works_for_a_lawful_user(world):
    """The control for the next test: the same bundle, sent by a coordinating
    unit with a relation and not blocked, is accepted — so a refusal below is
    the gate's, not a malformed bundle's."""
    lawful = t.staff(t.unit(world.muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    response = _post_bundle(_client(lawful), world.person)
    assert response.status_code == 200, response.content[:500]
    world.person.refresh_from_db()
    assert world.person.family_name == "Overskrevet"


@pytest.mark.django_db
@pytest.mark.parametrize("case", adv.CASES)
def test_a_fhir_bundle_naming_the_person_is_refused(world, case):
    variant, user = adv.attacker(world, case, 0)
    if case in ("b_blocked", "f_other_municipality"):
        adv.hold_every_unit(world, user)
    person = world.person
    client = _client(user)
    before = adv.fingerprint(world.tables)
    row_before = list(Person.objects.filter(pk=person.pk).values())
    log_before = adv.log_rows(person, user)
    response = _post_bundle(client, person)
    log_after = adv.log_rows(person, user)
    after = adv.fingerprint(world.tables)
    who = f"POST /fhir/r4/ (fhir:base, a bundle naming the person) as {case} [{variant}]"
    problems = []
    if case == "f_other_municipality":
        # Another municipality registers the national id as a person of its
        # own (someone moving there): lawful, and it must not touch ours.
        before = after = {}
        if list(Person.objects.filter(pk=person.pk).values()) != row_before:
            problems.append(f"{who}: changed the person")
        if f"Patient/{person.pk}" in response.content.decode():
            problems.append(f"{who}: answered with the person's id")
    elif not (_refused(case, response, True) or response.status_code == 400):
        problems.append(f"{who}: answered {response.status_code}, not refused")
    if log_after[1] > log_before[1]:
        problems.append(f"{who}: {log_after[1] - log_before[1]} access-log row(s) say granted")
    # The importer's role (the coordinating unit) gets as far as looking the
    # person up; from there on a refusal is the gate's and is logged.
    importer = (
        user is not None
        and Membership.objects.filter(staff__user=user, role=Role.COORDINATING_UNIT).exists()
    )
    if importer and case in adv.LOGGED_CASES and log_after[0] == log_before[0]:
        problems.append(f"{who}: refused ({response.status_code}) but not logged as refused")
    changed = adv.changes(before, after)
    if changed:
        problems.append(f"{who}: changed the database: {'; '.join(changed)}")
    assert not problems, "\n".join(problems)
