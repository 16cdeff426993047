"""Test builder for consents, for every app's tests (like helhet/testing.py).

A service unit needs a consent to read the shared plan (see the access
gate's docstring); tests that let such a unit open a plan build one here.
"""

import datetime as dt

from helhet.consent.models import Category, Consent, ConsentScope


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
    """A signed consent letting ``units``/``partners`` receive ``categories``."""
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
