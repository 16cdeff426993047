"""Every role × every person-data page (incl. print/PDF) × basis present or
absent: the response and the log entry agree with the gate's rules.

"Present" is the basis a service unit normally has: its unit gives the person
a service by decision, and a valid consent covers the unit for every
category. "Absent" is no relation at all (the person has a plan, so the
coordinating unit keeps its overview basis, hol § 7-3).

The pages are read from the URL resolver (see urlwalk), so new pages in
these apps join the matrix by themselves.
"""

import datetime as dt
import itertools

import pytest

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessLogEntry
from helhet.access.samples import plan as plan_sample
from helhet.access.tests.urlwalk import PERSON_URLS, url_for
from helhet.consent.models import Category
from helhet.organisation.models import Role, Unit
from helhet.testing import consent

MATRIX_APPS = {"people", "plans", "consent", "access"}
MATRIX_URLS = [(n, k) for n, k in PERSON_URLS if n.partition(":")[0] in MATRIX_APPS]
_born = itertools.count()


def expected_granted(role: str, basis_present: bool, name: str = "") -> bool:
    if role not in gate.CASE_ROLES:
        return False  # no person access by default (docs/access.md)
    if name == "plans:close":
        # An administrative act: the coordinator and the coordinating unit,
        # not a service unit that may read the plan.
        return role == Role.COORDINATING_UNIT
    if name == "access:person_log":
        # The reviewing leader, and the coordinating unit for what it reads itself.
        return role in (Role.LEADER, Role.COORDINATING_UNIT)
    return basis_present or role == Role.COORDINATING_UNIT


def _person(muni):
    return t.person(muni, born=dt.date(1970, 1, 1) + dt.timedelta(days=next(_born)))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), MATRIX_URLS, ids=[n for n, _k in MATRIX_URLS])
def test_role_matrix(client, name, kwargs):
    muni = t.municipality()
    unit = t.unit(muni, Unit.Kind.MENTAL_HEALTH)
    with_basis, without_basis = _person(muni), _person(muni)
    for person in (with_basis, without_basis):
        plan_sample(person, {})
    t.service(with_basis, unit)
    consent(with_basis, units=[unit], categories=Category.values)
    urls = {True: url_for(name, kwargs, with_basis), False: url_for(name, kwargs, without_basis)}
    persons = {True: with_basis, False: without_basis}
    checked = 0
    for role, present in itertools.product(Role.values, (True, False)):
        user = t.staff(unit, role)
        client.force_login(user)
        response = client.get(urls[present])
        if response.status_code == 405:
            continue  # a POST-only page; the URL walker covers it
        checked += 1
        should = expected_granted(role, present, name)
        case = f"{name} as {role}, basis {'present' if present else 'absent'}"
        # Granted by the gate, a page may still answer 400/404 for a row or a
        # parameter it does not find; refused is always 403.
        assert (response.status_code == 403) == (not should), f"{case}: {response.status_code}"
        entry = AccessLogEntry.objects.filter(user=user, person=persons[present]).first()
        assert entry is not None, f"{case}: not logged"
        assert entry.granted == should, case
        assert entry.flagged == (not should), case
    assert checked, f"{name}: no GET page to check"
