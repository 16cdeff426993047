"""Rules of the individual plan, as pure functions over plain facts.

``missing_items`` is the one place that decides which of forskrift § 19 a–i a
plan lacks; the plan page, the coordinating unit's overview and the audit
criteria all ask it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from helhet.core.legal import IP_CONTENT
from helhet.plans.models import OPEN_STATUSES, PlanStatus

if TYPE_CHECKING:
    from helhet.plans.models import Participant


@dataclass(frozen=True)
class ParticipantFacts:
    kind: str
    unit_id: int | None = None
    partner_id: int | None = None
    has_contribution: bool = False


@dataclass(frozen=True)
class MeasureFacts:
    has_scope: bool
    has_responsible: bool
    has_how: bool


@dataclass(frozen=True)
class PlanFacts:
    goals: int = 0
    has_resources: bool = False
    has_needs: bool = False
    participants: tuple[ParticipantFacts, ...] = ()
    coordinator_named: bool = False
    has_person_contribution: bool = False
    measures: tuple[MeasureFacts, ...] = ()
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    revision_due: dt.date | None = None
    consent_to_plan: bool = False
    consented_units: frozenset[int] = field(default_factory=frozenset)
    consented_partners: frozenset[int] = field(default_factory=frozenset)
    has_cooperation: bool = False


def _a(f: PlanFacts) -> bool:
    return f.goals > 0 and f.has_resources and f.has_needs


def _b(f: PlanFacts) -> bool:
    return bool(f.participants)


def _c(f: PlanFacts) -> bool:
    return f.coordinator_named


def _d(f: PlanFacts) -> bool:
    """§ 19 d: what the person, the service providers and, where relevant
    («eventuelt»), relatives will contribute. Judged on those who do take part:
    the person's own contribution, and that of every participant who is not a
    relative (the coordinator among them when listed). Who takes part at all is
    § 19 b; a plan with no participants yet lacks b, not d, so each letter can
    be missing alone. Relatives' contributions are not demanded: the regulation
    says «eventuelt pårørende»."""
    providers = [p for p in f.participants if p.kind != "parorende"]
    return f.has_person_contribution and all(p.has_contribution for p in providers)


def _e(f: PlanFacts) -> bool:
    return bool(f.measures) and all(m.has_scope and m.has_responsible for m in f.measures)


def _f(f: PlanFacts) -> bool:
    return bool(f.measures) and all(m.has_how for m in f.measures)


def _g(f: PlanFacts) -> bool:
    """§ 19 g: the plan states its period and when it is to be adjusted/revised.
    The letter asks that the plan *says* so; whether the stated revision day has
    passed is a separate criterion (``revision_overdue``, «Revisjonsdatoen for
    planen er ikke passert»), never a missing § 19 item."""
    return bool(f.period_start and f.period_end and f.revision_due)


def consent_covers(
    unit_id: int | None,
    partner_id: int | None,
    units: frozenset[int],
    partners: frozenset[int],
) -> bool | None:
    """Whether the consent lets a participant's unit/partner receive confidential
    information; None for a participant with neither (a relative, a named person)."""
    if unit_id is None and partner_id is None:
        return None
    return (unit_id is None or unit_id in units) and (partner_id is None or partner_id in partners)


def _h(f: PlanFacts) -> bool:
    # The consent must cover the plan and every participant who is not the
    # person's own relative: each of them gets confidential information.
    covered = (
        consent_covers(p.unit_id, p.partner_id, f.consented_units, f.consented_partners)
        for p in f.participants
    )
    return f.consent_to_plan and all(c is not False for c in covered)


def _i(f: PlanFacts) -> bool:
    return f.has_cooperation


CHECKS = {"a": _a, "b": _b, "c": _c, "d": _d, "e": _e, "f": _f, "g": _g, "h": _h, "i": _i}


def missing_items(facts: PlanFacts) -> list[tuple[str, str]]:
    """The § 19 letters the plan lacks, with their Norwegian labels, in order."""
    return [(letter, IP_CONTENT[letter]) for letter, check in CHECKS.items() if not check(facts)]


def revision_overdue(revision_due: dt.date | None, today: dt.date) -> bool:
    return revision_due is not None and revision_due < today


def is_open(status: str) -> bool:
    """One plan is open: the same statuses as ``IndividualPlan.objects.open()``
    (``plans.models.OPEN_STATUSES``). Declined and closed plans are read-only history."""
    return status in OPEN_STATUSES


def may_answer_offer(status: str) -> bool:
    return status == PlanStatus.OFFERED


def may_offer_plan(statuses_of_existing_plans: Iterable[str]) -> bool:
    """One plan per person across sectors (docs/plan.md): no second open plan."""
    return not any(is_open(s) for s in statuses_of_existing_plans)


def participant_problem(
    kind: str, has_user: bool, has_unit: bool, has_partner: bool, has_name: bool
) -> str | None:
    """Why a participant row cannot be saved, or None. Each kind names who takes part (§ 19 b)."""
    if kind == "ansatt" and not (has_user or has_unit):
        return _("Velg en ansatt eller en enhet.")
    if kind == "ekstern" and not has_partner:
        return _("Velg en ekstern samarbeidspartner.")
    if kind == "parorende" and not has_name:
        return _("Skriv navnet på den pårørende.")
    return None


@dataclass(frozen=True)
class ParticipantGroups:
    """Who takes part (§ 19 b), as the printed plan lists them: relatives,
    the municipality's staff per unit, and services outside the municipality."""

    relatives: list["Participant"]
    staff_by_unit: list[tuple[str, list["Participant"]]]  # by unit name
    outside: list["Participant"]


def group_participants(participants: Iterable["Participant"]) -> ParticipantGroups:
    relatives: list[Participant] = []
    outside: list[Participant] = []
    by_unit: dict[str, list[Participant]] = {}
    for p in participants:
        if p.kind == "parorende":
            relatives.append(p)
        elif p.kind == "ekstern" or p.partner_id:
            outside.append(p)
        else:
            # Staff without a registered unit still show, under «Annen enhet».
            by_unit.setdefault(p.unit.name if p.unit is not None else "", []).append(p)
    return ParticipantGroups(
        relatives=relatives,
        staff_by_unit=sorted(by_unit.items(), key=lambda item: (item[0] == "", item[0])),
        outside=outside,
    )


# --- the crisis plan -------------------------------------------------------------

# A crisis plan's contact row as stored (JSON): name, phone, when …
Contact = dict[str, Any]

# When a contact can be reached: by day, evening and night, or at all hours.
CONTACT_TIMES = {"dag": ("dag",), "natt": ("natt",), "alltid": ("dag", "natt")}


def contacts_at(contacts: Iterable[Contact], time: str) -> list[Contact]:
    """The contact rows reachable at ``time`` ("dag" or "natt"), in their order."""
    return [c for c in contacts if time in CONTACT_TIMES.get(c.get("when", ""), ())]


def _reachable(contact: Contact) -> bool:
    # Whom to call needs a number to call (the guideline: «navngitte
    # tjenesteytere og telefonnummer»).
    return bool(str(contact.get("phone", "")).strip())


def crisis_plan_missing(
    warning_signs: str, what_helps: str, contacts: Iterable[Contact]
) -> list[str]:
    """What a crisis plan lacks, in Norwegian, by the national ROP guideline: the
    warning signs, what is to be done (what helps) and whom to contact by day and
    by night, with a phone number. Agreements about medicines and admission, and
    what does not help, are written where relevant and never demanded."""
    contacts = list(contacts)
    missing = []
    if not warning_signs.strip():
        missing.append(_("varselsignaler"))
    if not what_helps.strip():
        missing.append(_("hva som hjelper"))
    if not any(_reachable(c) for c in contacts_at(contacts, "dag")):
        missing.append(_("hvem som kontaktes på dagtid, med telefonnummer"))
    if not any(_reachable(c) for c in contacts_at(contacts, "natt")):
        missing.append(_("hvem som kontaktes kveld og natt, med telefonnummer"))
    return missing


# --- several people editing the same plan ----------------------------------------


# A key of a flat document: (section, row id or "", field name).
Key = tuple[str, str, str]
# A flat document for ``merge``: values are whatever the plan stores (JSON-safe).
Document = dict[Key, Any]


class _Absent:
    """A key missing from a document (a row that does not exist there)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


@dataclass(frozen=True)
class Conflict:
    """One key both sides changed, differently, since the base."""

    key: Key
    base: object
    theirs: object
    mine: object


@dataclass(frozen=True)
class Merged:
    values: Document
    conflicts: tuple[Conflict, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge(base: Document, theirs: Document, mine: Document) -> Merged:
    """A three-way merge of flat documents, key by key.

    ``base`` is what the editor started from, ``theirs`` what is saved now and
    ``mine`` the editor's submission; a key is one field of the plan, of one
    goal or of one measure (e.g. ``("goals", "7", "text")``), and a missing key
    is a row that does not exist on that side. A key only one side changed
    takes that side's value; a key both changed to the same value takes it;
    a key both changed differently is a conflict and keeps *their* value until
    the editor chooses. So no change of the other editor is ever dropped
    silently: every key they changed ends as theirs or as a conflict.
    """
    values: Document = {}
    conflicts: list[Conflict] = []
    for key in sorted(set(base) | set(theirs) | set(mine), key=repr):
        b, t, m = base.get(key, ABSENT), theirs.get(key, ABSENT), mine.get(key, ABSENT)
        if m == b or m == t:
            result = t
        elif t == b:
            result = m
        else:
            conflicts.append(Conflict(key, b, t, m))
            result = t
        if result is not ABSENT:
            values[key] = result
    return Merged(values, tuple(conflicts))


def flatten(snapshot: dict[str, Any]) -> Document:
    """A plan snapshot (``plans.services.snapshot``) as a flat document for ``merge``:
    plan and crisis-plan fields by name, goals, measures and participants by id."""
    flat: Document = {}
    for section in ("plan", "crisis_plan"):
        for name, value in snapshot.get(section, {}).items():
            flat[(section, "", name)] = value
    for section in ("goals", "measures", "participants"):
        for item, row in snapshot.get(section, {}).items():
            for name, value in row.items():
                flat[(section, str(item), name)] = value
    return flat


def resolve(merged: Merged, seen: Document, keep_mine: Iterable[str]) -> Merged:
    """Settle the conflicts the editor has answered: where they chose to keep
    their own value, having seen the saved one (``seen`` holds the values they
    were shown), theirs gives way. A value saved again after that is a new
    conflict: the editor must see it first."""
    keep_mine = set(keep_mine)
    values, left = dict(merged.values), []
    for conflict in merged.conflicts:
        shown = seen.get(conflict.key, ABSENT)
        if conflict.key[2] in keep_mine and shown == conflict.theirs:
            if conflict.mine is ABSENT:
                values.pop(conflict.key, None)
            else:
                values[conflict.key] = conflict.mine
        else:
            left.append(conflict)
    return Merged(values, tuple(left))
