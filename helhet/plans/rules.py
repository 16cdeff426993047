"""Rules of the individual plan, as pure functions over plain facts.

``missing_items`` is the one place that decides which of forskrift § 19 a–i a
plan lacks; the plan page, the coordinating unit's overview and the audit
criteria all ask it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from helhet.core.legal import IP_CONTENT


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
    unit_id: int | None, partner_id: int | None, units: frozenset, partners: frozenset
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


OPEN_STATUSES = ("tilbudt", "aktiv")


def is_open(status: str) -> bool:
    """Offered or active plans are worked on; declined and closed ones are read-only history."""
    return status in OPEN_STATUSES


def may_answer_offer(status: str) -> bool:
    return status == "tilbudt"


def may_offer_plan(statuses_of_existing_plans: Iterable[str]) -> bool:
    """One plan per person across sectors (DOMAIN.md §4.1): no second open plan."""
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

    relatives: list
    staff_by_unit: list  # [(unit name, [participant, ...]), ...] by unit name
    outside: list


def group_participants(participants: Iterable) -> ParticipantGroups:
    relatives, outside, by_unit = [], [], {}
    for p in participants:
        if p.kind == "parorende":
            relatives.append(p)
        elif p.kind == "ekstern" or p.partner_id:
            outside.append(p)
        else:
            # Staff without a registered unit still show, under «Annen enhet».
            by_unit.setdefault(p.unit.name if p.unit_id else "", []).append(p)
    return ParticipantGroups(
        relatives=relatives,
        staff_by_unit=sorted(by_unit.items(), key=lambda item: (item[0] == "", item[0])),
        outside=outside,
    )
