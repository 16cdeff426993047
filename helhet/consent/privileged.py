"""Registering or withdrawing a consent on the person's behalf: the privileged
act (docs/consent.md), one way through for every door that does it — the
consent pages and the FHIR import.

A consent opens access, so staff act for the person only where the gate grants
the act (``Action.REGISTER_CONSENT`` / ``WITHDRAW_CONSENT``: a case relation,
never emergency access alone). The granted row is flagged for the leader and
written in the transaction that does the act; ``services.register_by_staff``
and ``services.withdraw_for_person`` record the act for the leader's control
page and tell the person. A refusal is raised as ``Refused`` before anything
is written; the caller logs it (``Refused.log``) where the row will last, not
inside a transaction that is about to roll back.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent import services
from helhet.consent.models import Consent

REGISTERED = "samtykke registrert av ansatt"
NOT_GIVEN = "samtykke: ikke gitt"
WITHDRAWN = "samtykke trukket tilbake av ansatt"


class Refused(Exception):
    """The gate refused the act; nothing was written. ``decision.detail`` is
    the gate's reason, for the user."""

    def __init__(self, *, user, person, action: str, decision: gate.Decision, what: str):
        super().__init__(decision.detail)
        self.user = user
        self.person = person
        self.action = action
        self.decision = decision
        self.what = what

    def log(self):
        """The refusal in the access log (flagged, as every refusal is)."""
        return gate.log(
            self.user, self.person, self.action, self.decision, category=gate.BASIC, what=self.what
        )


def portal_link(request) -> str:
    """Where the person sees the act: Min side, for the e-mail."""
    return request.build_absolute_uri(reverse("portal:home"))


def _granted(user, person, action: str, what: str) -> gate.Decision:
    decision = gate.decide(user, person, action, category=gate.BASIC)
    if not decision.granted:
        raise Refused(user=user, person=person, action=action, decision=decision, what=what)
    return decision


def register(
    user,
    person,
    *,
    link: str,
    scopes: set[services.Scope],
    offered: list[services.Scope],
    what: str = "",
    **fields,
) -> Consent | None:
    """``services.register_by_staff`` as the gate allows it. A person who
    consents to nothing opens nothing: recording that is an ordinary change
    (``Action.EDIT``), not the privileged act."""
    opens = bool(scopes or fields.get("covers_plan"))
    action = Action.REGISTER_CONSENT if opens else Action.EDIT
    what = what or (REGISTERED if opens else NOT_GIVEN)
    decision = _granted(user, person, action, what)
    with transaction.atomic():
        entry = gate.log(user, person, action, decision, category=gate.BASIC, what=what)
        return services.register_by_staff(
            person=person,
            actor=user,
            log_entry=entry,
            link=link,
            scopes=scopes,
            offered=offered,
            **fields,
        )


def withdraw(
    user,
    consent: Consent,
    *,
    link: str,
    requested_how: str,
    requested_on: dt.date,
    note: str,
    what: str = WITHDRAWN,
) -> Consent:
    """``services.withdraw_for_person`` as the gate allows it."""
    person = consent.person
    decision = _granted(user, person, Action.WITHDRAW_CONSENT, what)
    with transaction.atomic():
        entry = gate.log(
            user, person, Action.WITHDRAW_CONSENT, decision, category=gate.BASIC, what=what
        )
        return services.withdraw_for_person(
            consent_id=consent.pk,
            actor=user,
            requested_how=requested_how,
            requested_on=requested_on,
            note=note,
            log_entry=entry,
            link=link,
        )
