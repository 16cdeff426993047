"""Rules of the individual plan, as pure functions over plain facts.

``missing_items`` is the one place that decides which of forskrift § 19 a–i a
plan lacks; the plan page, the coordinating unit's overview and the audit
criteria all ask it.
"""

import datetime as dt
from dataclasses import dataclass, field

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
    providers = [p for p in f.participants if p.kind != "parorende"]
    return (
        f.has_person_contribution and bool(providers) and all(p.has_contribution for p in providers)
    )


def _e(f: PlanFacts) -> bool:
    return bool(f.measures) and all(m.has_scope and m.has_responsible for m in f.measures)


def _f(f: PlanFacts) -> bool:
    return bool(f.measures) and all(m.has_how for m in f.measures)


def _g(f: PlanFacts) -> bool:
    return bool(f.period_start and f.period_end and f.revision_due)


def _h(f: PlanFacts) -> bool:
    # The consent must cover the plan and every participant who is not the
    # person's own relative: each of them gets confidential information.
    for p in f.participants:
        if p.unit_id is not None and p.unit_id not in f.consented_units:
            return False
        if p.partner_id is not None and p.partner_id not in f.consented_partners:
            return False
    return f.consent_to_plan


def _i(f: PlanFacts) -> bool:
    return f.has_cooperation


CHECKS = {"a": _a, "b": _b, "c": _c, "d": _d, "e": _e, "f": _f, "g": _g, "h": _h, "i": _i}


def missing_items(facts: PlanFacts) -> list[tuple[str, str]]:
    """The § 19 letters the plan lacks, with their Norwegian labels, in order."""
    return [(letter, IP_CONTENT[letter]) for letter, check in CHECKS.items() if not check(facts)]


def revision_overdue(revision_due: dt.date | None, today: dt.date) -> bool:
    return revision_due is not None and revision_due < today
