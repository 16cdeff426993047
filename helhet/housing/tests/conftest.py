import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from helhet import testing
from helhet.housing.models import HousingRoutine
from helhet.housing.tests.builders import TODAY
from helhet.organisation.models import Role, Unit


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0), tick=False):
        yield TODAY


@pytest.fixture
def world(db, today):
    muni = testing.municipality(name="Eidskog")
    units = SimpleNamespace(
        housing=testing.unit(muni, Unit.Kind.HOUSING, "Boligkontoret"),
        mental=testing.unit(muni, Unit.Kind.MENTAL_HEALTH, "Psykisk helse og rus"),
        nav=testing.unit(muni, Unit.Kind.NAV, "NAV Eidskog"),
    )
    users = SimpleNamespace(
        officer=testing.staff(units.housing, Role.CASEWORKER, "boligkonsulent"),
        mental=testing.staff(units.mental, Role.SERVICE_PROVIDER, "psykiatrisykepleier"),
        nav=testing.staff(units.nav, Role.NAV_ADVISER, "navveileder"),
    )
    HousingRoutine.objects.create(
        municipality=muni, name="Rutine for midlertidig botilbud", emergency_stay_days=21
    )
    return SimpleNamespace(muni=muni, units=units, users=users, today=today)
