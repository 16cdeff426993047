from types import SimpleNamespace

import pytest

from helhet import testing
from helhet.coordination.models import LocalRoutine
from helhet.organisation.models import Role, Unit


@pytest.fixture
def world(db):
    muni = testing.municipality(name="Nes")
    # A municipality's own routine: a coordinator named within two weeks (docs/coordination.md).
    LocalRoutine.objects.create(
        municipality=muni,
        kind=LocalRoutine.Kind.COORDINATOR_NAMING,
        days=14,
        name="Nes kommunes rutine for koordinerende enhet",
    )
    units = SimpleNamespace(
        allocation=testing.unit(muni, Unit.Kind.ALLOCATION, "Tildelingskontoret"),
        ke=testing.unit(muni, Unit.Kind.COORDINATING, "Koordinerende enhet"),
        provider=testing.unit(muni, Unit.Kind.HOME_CARE, "Hjemmetjenesten"),
        nav=testing.unit(muni, Unit.Kind.NAV, "NAV Nes"),
        sector=testing.unit(muni, Unit.Kind.SECTOR_HEAD, "Kommunalsjef helse"),
    )
    users = SimpleNamespace(
        caseworker=testing.staff(units.allocation, Role.CASEWORKER, "saksbehandler"),
        head=testing.staff(units.allocation, Role.LEADER, "tildelingsleder"),
        provider=testing.staff(units.provider, Role.SERVICE_PROVIDER, "hjemmesykepleier"),
        provider_head=testing.staff(units.provider, Role.LEADER, "hjemmeleder"),
        ke=testing.staff(units.ke, Role.COORDINATING_UNIT, "ke"),
        ke_head=testing.staff(units.ke, Role.LEADER, "keleder"),
        nav=testing.staff(units.nav, Role.NAV_ADVISER, "navveileder"),
        nav_head=testing.staff(units.nav, Role.LEADER, "navleder"),
        sector_head=testing.staff(units.sector, Role.SECTOR_HEAD, "kommunalsjef"),
    )
    for user in vars(users).values():
        user.email = f"{user.username}@nes.example"
        user.save(update_fields=["email"])
    return SimpleNamespace(muni=muni, units=units, users=users)
