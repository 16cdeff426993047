"""Export of one person's data (GDPR art. 20, data portability) or of a whole
municipality (moving to another system, or a backup an administrator can read).

Both exports are model-driven: a new app's models are included as soon as they
point at a person (person export) or at anything that leads to a municipality
(full export), without changes here.
"""

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.organisation.models import Municipality
from helhet.people.models import Person

FORMAT = "helhet-dataportabilitet"
VERSION = 1
# Internal control data about the staff's work, not data the person provided
# or that is about their care: the access log is given through innsyn
# (pjl § 18, hpl § 22), deviations belong to the quality system.
PERSON_EXCLUDED = {"access.accesslogentry", "access.accessreview", "quality.deviation"}
MAX_DEPTH = 4
BATCH = 500


class ExportError(Exception):
    pass


# --- one person ----------------------------------------------------------------


def _user_name(user) -> str:
    # Staff appear by name only; usernames and contact details are internals.
    return user.get_full_name() or _("(ansatt)")


def _value(obj, field, person: Person):
    if field.many_to_one or field.one_to_one:
        target_id = getattr(obj, field.attname)
        if target_id is None:
            return None
        target = field.related_model
        if target is get_user_model():
            return _user_name(getattr(obj, field.name))
        if target is Person:
            return _("(personen selv)") if target_id == person.pk else None
        if target._meta.label_lower in (
            "organisation.unit",
            "organisation.externalpartner",
            "organisation.municipality",
        ):
            return str(getattr(obj, field.name))
        return target_id
    value = field.value_from_object(obj)
    if isinstance(field, models.FileField):
        return value.name if value else ""
    return value


def _object(obj, person: Person, seen: set, depth: int) -> dict:
    seen.add((obj._meta.label_lower, obj.pk))
    data = {
        f.name: _value(obj, f, person)
        for f in obj._meta.concrete_fields
        if not _is_credential(f.name)
    }
    for m2m in obj._meta.many_to_many:
        data[m2m.name] = (
            [str(o) for o in getattr(obj, m2m.name).all()]
            if m2m.related_model not in (Person, get_user_model())
            else [
                _user_name(o) if m2m.related_model is not Person else _("(personen selv)")
                for o in getattr(obj, m2m.name).all()
                if m2m.related_model is not Person or o.pk == person.pk
            ]
        )
    if depth < MAX_DEPTH:
        data.update(_children(obj, person, seen, depth + 1))
    return data


def _children(obj, person: Person, seen: set, depth: int) -> dict:
    found = {}
    for relation in obj._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or model._meta.label_lower in PERSON_EXCLUDED:
            continue
        rows = model._default_manager.filter(**{relation.field.name: obj}).order_by("pk")
        items = [
            _object(child, person, seen, depth)
            for child in rows
            if (model._meta.label_lower, child.pk) not in seen
        ]
        if items:
            found[f"{model._meta.label_lower}:{relation.get_accessor_name()}"] = items
    return found


def person_export(person: Person) -> dict:
    return {
        "format": FORMAT,
        "versjon": VERSION,
        "eksportert": timezone.now(),
        "kommune": str(person.municipality),
        "person": _object(person, person, set(), 0),
    }


# --- a whole municipality ------------------------------------------------------


def _path_to_municipality(model, depth: int = 0) -> str | None:
    """The ORM lookup from ``model`` to its municipality, following FKs."""
    if model is Municipality:
        return "pk"
    if depth > 4:
        return None
    # Required links first: a nullable one would miss the rows where it is empty.
    fields = sorted(
        (f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one),
        key=lambda f: f.null,
    )
    for f in fields:
        if f.related_model is Municipality:
            return f.name
    for f in fields:
        if f.related_model in (model, get_user_model()) or not f.related_model:
            continue
        rest = _path_to_municipality(f.related_model, depth + 1)
        if rest is not None:
            return f.name if rest == "pk" else f"{f.name}__{rest}"
    return None


def municipality_querysets(municipality: Municipality) -> Iterator[models.QuerySet]:
    """Every model's rows that belong to the municipality, in dependency order;
    users only as far as they are the municipality's staff or persons."""
    User = get_user_model()
    ordered = serializers.sort_dependencies(
        [(a, list(a.get_models())) for a in apps.get_app_configs()]
    )
    for model in ordered:
        if model is User:
            yield User.objects.filter(
                models.Q(staff__municipality=municipality)
                | models.Q(person__municipality=municipality)
            ).order_by("pk")
            continue
        path = _path_to_municipality(model)
        if path is not None and not model._meta.proxy:
            yield model._default_manager.filter(**{path: municipality.pk}).distinct().order_by("pk")


def _municipality_records(municipality: Municipality) -> Iterator[dict]:
    for queryset in municipality_querysets(municipality):
        batch = []
        for obj in queryset.iterator(chunk_size=BATCH):
            batch.append(obj)
            if len(batch) == BATCH:
                yield from _records(batch)
                batch = []
        yield from _records(batch)


def _is_credential(name: str) -> bool:
    return name in ("password", "secret") or name.endswith("_hash") or "token" in name


def _records(batch) -> Iterator[dict]:
    # Credentials (password hashes, webhook secrets, token hashes) never leave
    # the system: a backup or a move must not hand out a way in.
    for record in serializers.serialize("python", batch):
        record["fields"] = {
            name: value for name, value in record["fields"].items() if not _is_credential(name)
        }
        yield record


# --- writing safely --------------------------------------------------------------


def _write_atomically(output: Path, write) -> None:
    """Write to a temporary file beside the target and rename it, so a failed
    export never leaves a half file (or a half file that looks complete)."""
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(_("Mappen %(dir)s finnes ikke.") % {"dir": directory})
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".helhet-eksport-")
    except OSError as error:
        raise ExportError(
            _("Kan ikke skrive til %(path)s: %(error)s") % {"path": output, "error": error.strerror}
        ) from error
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            write(stream)
        os.replace(temporary, output)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ExportError(
                _("Kan ikke skrive til %(path)s: %(error)s")
                % {"path": output, "error": error.strerror}
            ) from error
        raise


def write_person(person: Person, output: Path) -> None:
    def write(stream):
        json.dump(
            person_export(person), stream, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        )

    _write_atomically(output, write)
    gate.log(
        AnonymousUser(),
        person,
        Action.EXPORT,
        gate.Decision(True, "eksport", _("Dataportabilitet (personvernforordningen art. 20)")),
        category=gate.BASIC,
        what="dataportabilitet",
    )


def write_municipality(municipality: Municipality, output: Path) -> int:
    """Django's fixture format (``loaddata`` reads it), streamed; returns the count."""
    count = 0

    def write(stream):
        nonlocal count
        stream.write("[")
        for record in _municipality_records(municipality):
            stream.write(",\n" if count else "\n")
            json.dump(record, stream, cls=DjangoJSONEncoder, ensure_ascii=False)
            count += 1
        stream.write("\n]\n")

    _write_atomically(output, write)
    return count
