"""Builders for synthetic test data, shared by every app's tests.

Small functions instead of fixtures-with-magic, so a test reads as the story it
tells: a municipality, a unit, a staff member with a role, a person.
"""

import datetime as dt
import itertools
import random

from django.contrib.auth import get_user_model

from helhet.consent.models import Category, Consent, ConsentScope
from helhet.organisation.models import ExternalPartner, Membership, Municipality, Role, Unit
from helhet.people import identity
from helhet.people.models import Person, Service

PASSWORD = "test-passord-123"
_counter = itertools.count(1)
_rng = random.Random(20261126)


def municipality(number: str | None = None, name: str = "Testkommune") -> Municipality:
    number = number or f"{9000 + next(_counter) % 999:04d}"
    return Municipality.objects.create(number=number, name=name, is_demo=False)


def unit(muni: Municipality, kind: str = Unit.Kind.MENTAL_HEALTH, name: str | None = None) -> Unit:
    n = next(_counter)
    return Unit.objects.create(
        municipality=muni, code=f"{kind}-{n}", name=name or f"{kind} {n}", kind=kind
    )


def partner(muni: Municipality, kind: str = ExternalPartner.Kind.DPS) -> ExternalPartner:
    n = next(_counter)
    return ExternalPartner.objects.create(
        municipality=muni, code=f"{kind}-{n}", name=f"{kind} {n}", kind=kind
    )


def staff(
    muni_or_unit,
    role: str = Role.SERVICE_PROVIDER,
    username: str | None = None,
    *,
    confirmed: bool = True,
):
    """A user working in a unit with a role; returns the User. The membership
    is confirmed by a unit head unless ``confirmed=False`` (then it is
    registered but has no effect yet)."""
    from helhet.organisation.models import StaffMember

    the_unit = muni_or_unit if isinstance(muni_or_unit, Unit) else unit(muni_or_unit)
    username = username or f"ansatt{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name="Test", last_name=username.title()
    )
    member = StaffMember.objects.create(user=user, municipality=the_unit.municipality)
    membership(member, the_unit, role, confirmed=confirmed)
    return user


def membership(staff_member, the_unit: Unit, role: str, *, confirmed: bool = True) -> Membership:
    """Another membership for a StaffMember (or a User with one); confirmed
    by default, as a unit head would have done."""
    from django.utils import timezone

    staff_member = getattr(staff_member, "staff", staff_member)
    return Membership.objects.create(
        staff=staff_member,
        unit=the_unit,
        role=role,
        confirmed_at=timezone.now() if confirmed else None,
    )


def person(muni: Municipality, born: dt.date | None = None, **fields) -> Person:
    # A birth date of its own per call: one date has only some two hundred
    # valid numbers per gender, and a long test run would draw the same twice.
    born = born or dt.date(1965, 1, 1) + dt.timedelta(days=next(_counter) % 10950)
    fields.setdefault("given_name", "Kari")
    fields.setdefault("family_name", f"Testesen{next(_counter)}")
    number = identity.synthetic_national_id(_rng, born, "K")
    while Person.objects.filter(municipality=muni, national_id=number).exists():
        number = identity.synthetic_national_id(_rng, born, "K")
    return Person.objects.create(municipality=muni, national_id=number, **fields)


def service(
    person: Person,
    the_unit: Unit,
    basis=Service.Basis.DECISION,
    type_code: str | None = None,
    **fields,
) -> Service:
    """A service; its type is ``type_code`` from the catalogue (people.catalogue),
    or the one its name, basis and unit point to."""
    from helhet.people.catalogue import guess_type
    from helhet.people.services import service_type

    fields.setdefault("valid_from", dt.date(2020, 1, 1))
    fields.setdefault("name", "Oppfølging")
    code = type_code or guess_type(the_unit.kind, basis, fields["name"])
    fields.setdefault("type", service_type(code=code))
    return Service.objects.create(person=person, unit=the_unit, basis=basis, **fields)


def consent(
    person,
    units=(),
    partners=(),
    categories=(Category.PLAN,),
    covers_plan=True,
    valid_from=dt.date(2020, 1, 1),
    valid_to=dt.date(2099, 12, 31),
    **fields,
) -> Consent:
    """A signed consent letting ``units``/``partners`` receive ``categories``.

    A service unit needs a consent to read the shared plan (see the access
    gate's docstring); tests that let such a unit open a plan build one here."""
    fields.setdefault("purpose", "Samarbeid om tjenestene")
    fields.setdefault("given_how", Consent.GivenHow.SIGNED)
    made = Consent.objects.create(
        person=person,
        categories=sorted(categories),
        covers_plan=covers_plan,
        valid_from=valid_from,
        valid_to=valid_to,
        **fields,
    )
    ConsentScope.objects.bulk_create(
        [ConsentScope(consent=made, unit=u, category=c) for u in units for c in categories]
        + [ConsentScope(consent=made, partner=p, category=c) for p in partners for c in categories]
    )
    made.units.set(units)
    made.partners.set(partners)
    return made


def browser_login(page, username: str, password: str) -> None:
    """Log in through the real login form, as a user would."""
    page.goto("/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: "/logg-inn/" not in url)
