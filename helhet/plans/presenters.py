"""The plan's versions as people read them: Norwegian labels, readable values.

Presentation only (the plan's pages and PDFs ask here); stored snapshots and
their differences are made in ``plans.services``.
"""

import datetime as dt
from typing import Any

from django.db.models import DateField, Field
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from helhet.plans import rules
from helhet.plans.models import CrisisPlan, Goal, IndividualPlan, Measure, Participant
from helhet.plans.services import diff

SECTIONS = {
    "plan": (IndividualPlan, _lazy("Planen")),
    "goals": (Goal, _lazy("Mål")),
    "measures": (Measure, _lazy("Tiltak")),
    "participants": (Participant, _lazy("Deltakere")),
    "crisis_plan": (CrisisPlan, _lazy("Kriseplan")),
}
_EXTRA_LABELS = {
    "responsible": _lazy("ansvarlig"),
    "goal": _lazy("mål"),
    # The crisis plan's free-text contacts before it had contact rows (old versions).
    "contacts_day": _lazy("kontakt på dagtid"),
    "contacts_night": _lazy("kontakt kveld og natt"),
}
_CONTACT_TIMES = {
    "dag": _lazy("dagtid"),
    "natt": _lazy("kveld og natt"),
    "alltid": _lazy("hele døgnet"),
}


def contact_line(contact: dict) -> str:
    """One crisis-plan contact as a line: «Navn (rolle), tlf. 12345678 – dagtid»."""
    who = contact.get("name") or ""
    if contact.get("role"):
        who = f"{who} ({contact['role']})" if who else contact["role"]
    if contact.get("phone"):
        who = f"{who}, {_('tlf.')} {contact['phone']}"
    when = _CONTACT_TIMES.get(contact.get("when", ""))
    return f"{who} – {when}" if when else who


_ITEM_NAME = {"goals": "text", "measures": "title", "participants": "name"}


def field_label(section: str, name: str) -> str:
    if name in _EXTRA_LABELS:
        return str(capfirst(_EXTRA_LABELS[name]))
    field_ = SECTIONS[section][0]._meta.get_field(name)
    # The sections' own columns; a reverse relation has no label of its own.
    return str(capfirst(field_.verbose_name if isinstance(field_, Field) else name))


def display_value(section: str, name: str, value, goals: dict | None = None) -> str:
    """A snapshot value as the user reads it: labels for codes, dd.mm.åååå for dates."""
    if value is rules.ABSENT or value in (None, ""):
        return "–"
    if name == "goal":
        return (goals or {}).get(str(value), {}).get("text", "–")
    if name == "contacts" and isinstance(value, list):
        return "\n".join(contact_line(c) for c in value) or "–"
    field_ = None if name in _EXTRA_LABELS else SECTIONS[section][0]._meta.get_field(name)
    if field_ is not None and field_.is_relation:
        model = field_.related_model
        related = (
            model._default_manager.filter(pk=value).first() if isinstance(model, type) else None
        )
        return str(related) if related is not None else "–"
    if isinstance(field_, Field) and field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(field_, DateField):
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return str(_lazy("Ja") if value else _lazy("Nei"))
    return str(value)


def _field_order(section: str, name: str) -> int:
    """Model field order, so rows read as the form does (jsonb does not keep key order)."""
    names = [f.name for f in SECTIONS[section][0]._meta.get_fields()]
    return names.index(name) if name in names else len(names)


def _rows(section: str, values: dict, goals: dict) -> list[tuple[str, str]]:
    return [
        (field_label(section, name), display_value(section, name, values[name], goals))
        for name in sorted(values, key=lambda name: _field_order(section, name))
    ]


def version_display(snapshot_: dict) -> dict:
    """A stored snapshot laid out for reading: plan fields, goals with measures, the rest."""
    goals = snapshot_.get("goals", {})
    measures = snapshot_.get("measures", {})
    return {
        "plan": _rows("plan", snapshot_.get("plan", {}), goals),
        "goals": [
            {
                "fields": _rows("goals", goal, goals),
                "measures": [
                    _rows("measures", {k: v for k, v in m.items() if k != "goal"}, goals)
                    for m in measures.values()
                    if str(m.get("goal")) == key
                ],
            }
            for key, goal in goals.items()
        ],
        "participants": [
            _rows("participants", p, goals) for p in snapshot_.get("participants", {}).values()
        ],
        "crisis_plan": _rows("crisis_plan", snapshot_.get("crisis_plan", {}), goals),
    }


def diff_display(before: dict, after: dict) -> list[dict]:
    """``diff`` with Norwegian section, item and field labels and readable values."""
    goals = {**before.get("goals", {}), **after.get("goals", {})}
    rows = []
    sections = list(SECTIONS)
    changes = sorted(
        diff(before=before, after=after),
        key=lambda r: (
            sections.index(r["section"]),
            int(r["item"] or 0),
            _field_order(r["section"], r["field"]),
        ),
    )
    for row in changes:
        section, name = row["section"], row["field"]
        item = ""
        if row["item"]:
            values = after.get(section, {}).get(row["item"]) or before.get(section, {}).get(
                row["item"], {}
            )
            item = values.get(_ITEM_NAME[section], "")
        rows.append(
            {
                "section": SECTIONS[section][1],
                "item": item,
                "field": field_label(section, name),
                "before": display_value(section, name, row["before"], goals),
                "after": display_value(section, name, row["after"], goals),
            }
        )
    return rows


def conflict_display(conflict: dict[str, Any]) -> dict[str, Any]:
    """A refused save's conflict (``services.StaleEdit``) as the editor reads it:
    the field's label and both values worded like the rest of the page."""
    if not conflict.get("name"):
        return conflict
    section, name = conflict["section"], conflict["name"]
    return {
        **conflict,
        "label": field_label(section, name),
        "theirs": display_value(section, name, conflict["theirs"]),
        "mine": display_value(section, name, conflict["mine"]),
    }
