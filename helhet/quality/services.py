"""Deviations and procedures: who sees what, and each step of handling."""

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet

from helhet.access import gate
from helhet.access.models import Action
from helhet.organisation.models import Role
from helhet.organisation.services import memberships_of, roles_of
from helhet.people.models import Person
from helhet.quality import rules
from helhet.quality.models import Acknowledgement, Deviation, Procedure, ProcedureVersion


def led_units(*, user: User) -> set[int]:
    return {m.unit_id for m in memberships_of(user=user) if m.role == Role.LEADER}


def visible_deviations(*, user: User) -> QuerySet[Deviation]:
    """Quality officers and the head of sector see every deviation of the
    municipality (the routine to top management); a leader those of the units
    they lead; everyone the ones they reported themselves."""
    staff = user.staff
    found = Deviation.objects.filter(municipality_id=staff.municipality_id)
    if roles_of(user=user) & rules.OVERVIEW_ROLES:
        return found
    return found.filter(Q(reported_by=user) | Q(unit_id__in=led_units(user=user)))


def may_handle(*, user: User, deviation: Deviation) -> bool:
    return rules.may_handle(
        {Role.LEADER} if deviation.unit_id in led_units(user=user) else set(), roles_of(user=user)
    )


def person_reference(*, user: User, national_id: str) -> Person | None:
    """The person a deviation is about, found among those the user has a basis
    for (the gate); logged like any other access. None if not found."""
    person = gate.accessible_persons(user).filter(national_id=national_id.strip()).first()
    if person is None:
        return None
    decision = gate.check(
        user, person, Action.EDIT, category=gate.BASIC, what="avvik: personreferanse"
    )
    # The gate's answer stands: nothing is referenced after a refusal.
    return person if decision.granted else None


def report(*, user: User, person: Person, **fields: Any) -> Deviation:
    deviation = Deviation(
        municipality_id=user.staff.municipality_id,
        reported_by=user,
        person=person,
        deadline=rules.deadline_for(fields["kind"], fields["severity"], fields["reported_on"]),
        **fields,
    )
    deviation.full_clean()
    deviation.save()
    return deviation


def shown_person(*, user: User, deviation: Deviation) -> str | None:
    """The name of the person the deviation is about, if the gate allows; else None."""
    if deviation.person is None:
        return None
    person = deviation.person
    decision = gate.decide(user, person, Action.VIEW, category=gate.BASIC)
    if not decision.granted:
        # The handler needs the deviation, not the person: nothing is shown, so
        # nothing is accessed, and no refusal is flagged as snooping.
        return None
    gate.log(user, person, Action.VIEW, decision, category=gate.BASIC, what=f"avvik {deviation.pk}")
    return person.full_name


STEP_FIELDS = {
    "vurdert": ("assessment", "assessed_on"),
    "tiltak": ("cause", "measures", "measures_on"),
    "lukket": ("learning", "closed_on"),
}


def advance(
    *, deviation: Deviation, user: User, target: str, fields: dict[str, Any], today: dt.date
) -> None:
    """One step of the leader's handling: assess → cause and measures → close."""
    errors = rules.step_errors(deviation.status, target, fields)
    if errors:
        raise ValidationError(errors)
    names = STEP_FIELDS[target]
    for name in names[:-1]:
        setattr(deviation, name, fields[name].strip())
    setattr(deviation, names[-1], today)
    deviation.status = target
    deviation.handled_by = user
    deviation.save(update_fields=[*names, "status", "handled_by"])


def inform_top_management(*, deviation: Deviation, today: dt.date) -> None:
    deviation.top_management_informed_on = today
    deviation.save(update_fields=["top_management_informed_on"])


def statistics(*, deviations: QuerySet[Deviation], today: dt.date) -> dict[str, Any]:
    """Counts per unit and month, per kind, open and overdue — no person data."""
    rows = list(
        deviations.values_list(
            "unit__name", "reported_on", "kind", "status", "deadline", "closed_on"
        )
    )
    kinds = dict(Deviation.Kind.choices)
    by_kind = Counter(kinds[kind] for _u, _r, kind, *_rest in rows)
    overdue: defaultdict[str, int] = defaultdict(int)
    for unit, _reported, _kind, _status, deadline, closed_on in rows:
        if rules.is_overdue(deadline, closed_on, today):
            overdue[unit] += 1
    return {
        "monthly": rules.monthly((unit, reported) for unit, reported, *_rest in rows),
        "by_kind": sorted(by_kind.items(), key=lambda kv: -kv[1]),
        "overdue": sorted(overdue.items()),
        "total": len(rows),
        "open": sum(1 for row in rows if row[3] != Deviation.Status.CLOSED),
    }


def learning_summary(*, deviations: QuerySet[Deviation]) -> list[tuple[str, list[str]]]:
    """What the closed deviations taught, by kind: the quality circle's "correct"."""
    kinds = dict(Deviation.Kind.choices)
    found: defaultdict[str, list[str]] = defaultdict(list)
    for kind, learning in (
        deviations.filter(status=Deviation.Status.CLOSED)
        .exclude(learning="")
        .order_by("-closed_on")
        .values_list("kind", "learning")
    ):
        found[str(kinds[kind])].append(learning)
    return sorted(found.items())


# --- procedures -------------------------------------------------------------------


def may_manage_procedures(*, user: User) -> bool:
    return bool(roles_of(user=user) & rules.PROCEDURE_MANAGER_ROLES)


def create_procedure(*, user: User, content: str, approved_on: dt.date, **fields: Any) -> Procedure:
    with transaction.atomic():
        procedure = Procedure(municipality_id=user.staff.municipality_id, owner=user, **fields)
        procedure.full_clean()
        procedure.save()
        ProcedureVersion.objects.create(
            procedure=procedure, number=1, content=content, approved_on=approved_on, created_by=user
        )
    return procedure


def new_version(
    *, procedure: Procedure, user: User, content: str, change_note: str, approved_on: dt.date
) -> ProcedureVersion:
    """A new version: every staff member must acknowledge it again."""
    with transaction.atomic():
        Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        return ProcedureVersion.objects.create(
            procedure=procedure,
            number=number,
            content=content,
            change_note=change_note,
            approved_on=approved_on,
            created_by=user,
        )


def acknowledge(*, version: ProcedureVersion, user: User) -> bool:
    """True if this was the first acknowledgement by the user of this version."""
    _ack, created = Acknowledgement.objects.get_or_create(version=version, user=user)
    return created


def procedure_rows(*, municipality_id: int, user: User) -> list[dict[str, Any]]:
    """Each procedure with its current version and whether the user has read it."""
    procedures = list(
        Procedure.objects.filter(municipality_id=municipality_id)
        .select_related("owner", "unit")
        .prefetch_related("versions")
    )
    current = {
        p.pk: max(p.versions.all(), key=lambda v: v.number, default=None) for p in procedures
    }
    read = set(
        Acknowledgement.objects.filter(
            user=user, version_id__in=[v.pk for v in current.values() if v]
        ).values_list("version_id", flat=True)
    )
    return [
        {
            "procedure": p,
            "version": current[p.pk],
            "read": (version := current[p.pk]) is not None and version.pk in read,
        }
        for p in procedures
    ]
