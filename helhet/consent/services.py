"""Reading and changing the consent register. Every change is one
transaction and leaves a ``ConsentEvent``."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.consent import rules, signals
from helhet.consent.models import Category, Consent, ConsentEvent, ConsentScope, RequestedHow
from helhet.core.replica import reporting
from helhet.organisation.models import ExternalPartner, Unit
from helhet.people.models import Person

if TYPE_CHECKING:
    from helhet.access.models import AccessLogEntry


class ConsentRefused(Exception):
    """A change the register does not allow; the message is for the user."""


def valid_q(*, moment: dt.datetime | None = None, prefix: str = "") -> Q:
    """Consents valid at ``moment``: in period and not withdrawn by then."""
    moment = moment or timezone.now()
    day = timezone.localdate(moment)
    return Q(**{f"{prefix}valid_from__lte": day, f"{prefix}valid_to__gte": day}) & (
        Q(**{f"{prefix}withdrawn_at__isnull": True}) | Q(**{f"{prefix}withdrawn_at__gt": moment})
    )


# The consent ``covering_consent`` names when several cover: the one valid
# longest, then the oldest (the gate's ``decide_many`` picks by the same order).
COVERING_ORDER = ("-consent__valid_to", "consent_id", "pk")


def covering_consent(
    *,
    person_id: int,
    unit_ids: Iterable[int],
    category: str,
    moment: dt.datetime | None = None,
) -> Consent | None:
    """A valid consent that lets one of ``unit_ids`` receive ``category``."""
    scope = (
        ConsentScope.objects.filter(
            valid_q(moment=moment, prefix="consent__"),
            consent__person_id=person_id,
            unit_id__in=list(unit_ids),
            category=category,
        )
        .select_related("consent")
        .order_by(*COVERING_ORDER)
        .first()
    )
    return scope.consent if scope else None


def plan_coverage(
    *, person_ids: "Iterable[int] | QuerySet[Any, Any]"
) -> dict[int, tuple[bool, set[int], set[int]]]:
    """Per person: (a valid consent covers the plan itself, units and partners
    that may receive the plan) — forskrift § 19 h, from the scopes."""
    found: dict[int, tuple[bool, set[int], set[int]]] = defaultdict(lambda: (False, set(), set()))
    valid = Consent.objects.filter(valid_q(), person_id__in=person_ids)
    for person_id in valid.filter(covers_plan=True).values_list("person_id", flat=True):
        found[person_id] = (True, set(), set())
    scopes = ConsentScope.objects.filter(
        valid_q(prefix="consent__"), consent__person_id__in=person_ids, category=Category.PLAN
    ).values_list("consent__person_id", "unit_id", "partner_id")
    for person_id, unit_id, partner_id in scopes:
        covers, units, partners = found[person_id]
        if unit_id:
            units.add(unit_id)
        if partner_id:
            partners.add(partner_id)
        found[person_id] = (covers, units, partners)
    return dict(found)


def parties(*, municipality_id: int) -> tuple[list[Unit], list[ExternalPartner]]:
    """Every service unit and partner of the municipality: the form lists them
    all — but not IT, the auditors or the head of sector's office, who
    give no services and receive no information by consent
    (``Unit.NOT_SERVICE_KINDS``)."""
    return (
        list(Unit.services_of(municipality_id).order_by("name")),
        list(ExternalPartner.objects.filter(municipality_id=municipality_id).order_by("name")),
    )


@dataclass(frozen=True)
class Scope:
    kind: str  # "u" (unit) or "p" (partner)
    party_id: int
    category: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.party_id}:{self.category}"


def all_scopes(*, units: Iterable[Unit], partners: Iterable[ExternalPartner]) -> list[Scope]:
    return [Scope("u", u.pk, c) for u in units for c in Category.values] + [
        Scope("p", p.pk, c) for p in partners for c in Category.values
    ]


def _actor_name(user: User) -> str:
    return (user.get_full_name() or user.get_username())[:200] if user else ""


def register(
    *, person: Person, actor: User, scopes: set[Scope], offered: list[Scope], **fields: Any
) -> Consent | None:
    """Register a consent from the form. ``offered`` is every box on the form;
    those not in ``scopes`` are recorded as declined. Nothing ticked and no
    plan consent: only the refusals are recorded, and None is returned."""
    if not set(scopes) <= set(offered):
        raise ConsentRefused(_("Skjemaet inneholdt en enhet eller kategori som ikke finnes."))
    renews = fields.pop("renews", None)
    with transaction.atomic():
        consent = None
        if scopes or fields.get("covers_plan"):
            consent = _create(person, actor, scopes, renews=renews, **fields)
        declined = [s for s in offered if s not in scopes]
        ConsentEvent.objects.bulk_create(
            [
                ConsentEvent(
                    person=person,
                    consent=consent,
                    kind=ConsentEvent.Kind.DECLINED,
                    actor=actor,
                    actor_name=_actor_name(actor),
                    unit_id=s.party_id if s.kind == "u" else None,
                    partner_id=s.party_id if s.kind == "p" else None,
                    category=s.category,
                    form_version=fields.get("form_version", rules.CURRENT_FORM_VERSION),
                )
                for s in declined
            ]
        )
    return consent


def _create(
    person: Person,
    actor: User,
    scopes: Iterable[Scope],
    renews: Consent | None = None,
    **fields: Any,
) -> Consent:
    consent = Consent(person=person, registered_by=actor, renews=renews, **fields)
    if consent.given_how == Consent.GivenHow.ORAL:
        consent.noted_by = actor
    consent.categories = sorted({s.category for s in scopes})
    consent.full_clean()
    consent.save()
    ConsentScope.objects.bulk_create(
        [
            ConsentScope(
                consent=consent,
                unit_id=s.party_id if s.kind == "u" else None,
                partner_id=s.party_id if s.kind == "p" else None,
                category=s.category,
            )
            for s in scopes
        ]
    )
    consent.units.set({s.party_id for s in scopes if s.kind == "u"})
    consent.partners.set({s.party_id for s in scopes if s.kind == "p"})
    _event(consent, actor, ConsentEvent.Kind.GIVEN)
    if renews is not None:
        _event(renews, actor, ConsentEvent.Kind.RENEWED, note=_("Fornyet som nytt samtykke"))
    return consent


def _event(consent: Consent, actor: User, kind: str, note: str = "", **fields: Any) -> ConsentEvent:
    return ConsentEvent.objects.create(
        person_id=consent.person_id,
        consent=consent,
        kind=kind,
        actor=actor,
        actor_name=_actor_name(actor),
        form_version=consent.form_version,
        note=note[:300],
        **fields,
    )


def withdraw(*, consent_id: int, actor: User, note: str = "", **request: Any) -> Consent:
    """Withdraw from this moment. A withdrawn consent stays withdrawn: a second
    withdrawal (a replayed form) changes nothing and is refused. ``request``:
    how and when the person asked (``requested_how``, ``requested_on``), when
    staff withdraw for them."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent_id)
        if consent.withdrawn_at is not None:
            raise ConsentRefused(_("Samtykket er allerede trukket tilbake."))
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        _event(consent, actor, ConsentEvent.Kind.WITHDRAWN, note=note, **request)
    return consent


# --- acts by staff on the person's behalf (docs/consent.md) --------------------------
#
# A consent opens access, so registering one for the person (a signed paper
# form, an oral consent) or withdrawing one at their request is privileged: the
# view asks the gate (Action.REGISTER_CONSENT / WITHDRAW_CONSENT), the gate's
# granted row is flagged for the leader, and the portal tells the person.


STAFF_GIVEN_HOW = (Consent.GivenHow.SIGNED, Consent.GivenHow.ORAL, Consent.GivenHow.IMPORTED)


def register_by_staff(
    *,
    person: Person,
    actor: User,
    log_entry: "AccessLogEntry",
    link: str,
    scopes: set[Scope],
    offered: list[Scope],
    **fields: Any,
) -> Consent | None:
    """``register`` for a consent given on paper or orally and typed in by
    ``actor``, who is never the giver, or brought over from another
    system by ``actor``'s import. ``log_entry`` is the gate's flagged row for
    the act; the person is told in the same transaction."""
    if fields.get("given_how") not in STAFF_GIVEN_HOW:
        raise ConsentRefused(_("En ansatt kan registrere signert skjema eller muntlig samtykke."))
    with transaction.atomic():
        consent = register(person=person, actor=actor, scopes=scopes, offered=offered, **fields)
        if consent is not None:
            signals.staff_act.send(
                sender=Consent,
                kind=ConsentEvent.Kind.GIVEN,
                consent=consent,
                actor=actor,
                log_entry=log_entry,
                link=link,
            )
    return consent


def withdraw_for_person(
    *,
    consent_id: int,
    actor: User,
    requested_how: str,
    requested_on: dt.date,
    note: str,
    log_entry: "AccessLogEntry",
    link: str,
) -> Consent:
    """Withdraw at the person's request, recording how and when they asked."""
    if requested_how not in RequestedHow.values:
        raise ConsentRefused(_("Velg hvordan personen ba om å trekke samtykket tilbake."))
    with transaction.atomic():
        consent = withdraw(
            consent_id=consent_id,
            actor=actor,
            note=note,
            requested_how=requested_how,
            requested_on=requested_on,
        )
        signals.staff_act.send(
            sender=Consent,
            kind=ConsentEvent.Kind.WITHDRAWN,
            consent=consent,
            actor=actor,
            log_entry=log_entry,
            link=link,
        )
    return consent


def scopes_of(*, consent: Consent) -> set[Scope]:
    return {
        Scope("u", s.unit_id, s.category)
        if s.unit_id is not None
        else Scope("p", s.partner_id or 0, s.category)
        for s in consent.scopes.all()
    }


def record_printed(*, person: Person, actor: User, form_version: str) -> None:
    ConsentEvent.objects.create(
        person=person,
        kind=ConsentEvent.Kind.PRINTED,
        actor=actor,
        actor_name=_actor_name(actor),
        form_version=form_version,
    )


# --- evaluation of the form (an audit: "evaluate the consent form") ---------------


@dataclass
class Tally:
    given: int = 0
    declined: int = 0
    withdrawn: int = 0
    expired_unrenewed: int = 0

    @property
    def refusal_rate(self) -> int | None:
        return rules.refusal_rate(self.given, self.declined)


@reporting()
def evaluation(*, municipality_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """Per form version, per category and per party: how often each scope is
    given, declined, withdrawn, or left to expire without renewal. Counts only."""
    today = today or timezone.localdate()
    scopes = ConsentScope.objects.filter(consent__person__municipality_id=municipality_id)
    renewed = Consent.objects.filter(renews=OuterRef("consent"))
    scopes = scopes.annotate(renewed=Exists(renewed))
    by_category: dict[tuple[str, str], Tally] = defaultdict(Tally)
    by_party: dict[tuple[str, str], Tally] = defaultdict(Tally)
    rows = scopes.values(
        "consent__form_version",
        "category",
        "unit__name",
        "partner__name",
        "consent__withdrawn_at",
        "consent__valid_to",
        "renewed",
    )
    for row in rows:
        version = row["consent__form_version"]
        party = row["unit__name"] or row["partner__name"]
        for tally in (by_category[version, row["category"]], by_party[version, party]):
            tally.given += 1
            if row["consent__withdrawn_at"] is not None:
                tally.withdrawn += 1
            elif row["consent__valid_to"] < today and not row["renewed"]:
                tally.expired_unrenewed += 1
    declined = (
        ConsentEvent.objects.filter(
            person__municipality_id=municipality_id, kind=ConsentEvent.Kind.DECLINED
        )
        .values("form_version", "category", "unit__name", "partner__name")
        .annotate(n=Count("id"))
    )
    for refusal in declined:
        party = refusal["unit__name"] or refusal["partner__name"]
        by_category[refusal["form_version"], refusal["category"]].declined += refusal["n"]
        by_party[refusal["form_version"], party].declined += refusal["n"]
    labels = dict(Category.choices)
    return {
        "versions": sorted({v for v, _c in by_category} | {v for v, _p in by_party}),
        "by_category": sorted(
            ((v, labels.get(c, c), t) for (v, c), t in by_category.items()),
            key=lambda r: (r[0], str(r[1])),
        ),
        "by_party": sorted(
            ((v, p, t) for (v, p), t in by_party.items()), key=lambda r: (r[0], r[1] or "")
        ),
    }
