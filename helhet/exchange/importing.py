"""Bulk import of units, staff, persons and services from CSV or XLSX.

Every row is validated before anything is written, and the import is all or
nothing: a municipality moving from another system must be able to trust that
a file either went in whole or not at all (no half-imported register to clean
up by hand).
"""

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.organisation.models import Membership, Municipality, Role, StaffMember, Unit
from helhet.people import identity
from helhet.people.models import Person, Service

COLUMNS = {
    "units": ["code", "name", "kind"],
    "staff": ["username", "first_name", "last_name", "email", "unit_code", "role"],
    "persons": ["national_id", "given_name", "family_name", "phone", "email", "address"],
    "services": ["national_id", "unit_code", "name", "basis", "valid_from", "valid_to"],
}
REQUIRED = {
    "units": {"code", "name", "kind"},
    "staff": {"username", "first_name", "last_name", "unit_code", "role"},
    "persons": {"national_id", "given_name", "family_name"},
    "services": {"national_id", "unit_code", "name", "basis", "valid_from"},
}
KINDS = list(COLUMNS)


class FileError(Exception):
    """The file as a whole cannot be read (format, encoding, columns)."""


@dataclass
class Rejection:
    line: int
    reasons: list[str]


@dataclass
class Result:
    kind: str
    rows: int = 0
    created: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejections


# --- reading ---------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_csv(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileError(_("Filen er ikke UTF-8. Lagre den som «CSV UTF-8».")) from error
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, [c.strip() for c in row]))
    except csv.Error as error:
        raise FileError(
            _("Linje %(line)s: ugyldig CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise FileError(_("Kunne ikke lese Excel-filen (.xlsx).")) from error
    try:
        sheet = book.worksheets[0]
        return [
            (number, [_cell(c) for c in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header, and (line number, row) for each non-blank data row."""
    if not path.is_file():
        raise FileError(_("Fant ikke filen %(path)s.") % {"path": path})
    rows = _read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)
    if not rows:
        raise FileError(_("Filen er tom."))
    header = [h.strip().lower() for h in rows[0][1]]
    return header, [
        (line, dict(zip(header, values, strict=False))) for line, values in rows[1:] if any(values)
    ]


def _check_header(kind: str, header: list[str]) -> None:
    missing = [c for c in COLUMNS[kind] if c not in header]
    if missing:
        raise FileError(
            _("Filen mangler kolonnene: %(missing)s. Forventet: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ";".join(COLUMNS[kind])}
        )


# --- field checks ----------------------------------------------------------------


def _length(row, name, limit, reasons):
    if len(row.get(name, "")) > limit:
        reasons.append(_("«%(f)s» kan ha høyst %(n)s tegn.") % {"f": name, "n": limit})


def _choice(value: str, choices) -> str | None:
    """Accept the stored value or the Norwegian label, in any case."""
    wanted = value.strip().lower()
    for stored, label in choices:
        if wanted in (stored.lower(), str(label).lower()):
            return stored
    return None


def _choice_reason(name, value, choices) -> str:
    return _("Ugyldig verdi «%(v)s» i «%(f)s». Gyldige verdier: %(c)s.") % {
        "v": value,
        "f": name,
        "c": ", ".join(stored for stored, _label in choices),
    }


def parse_date(value: str) -> dt.date:
    """dd.mm.åååå or ISO (åååå-mm-dd); ValueError otherwise."""
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _date(row, name, reasons) -> dt.date | None:
    value = row.get(name, "")
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        reasons.append(
            _("Ugyldig dato «%(v)s» i «%(f)s» (bruk dd.mm.åååå).") % {"v": value, "f": name}
        )
        return None


def _email(row, reasons) -> None:
    _length(row, "email", 254, reasons)
    if row.get("email"):
        try:
            validate_email(row["email"])
        except ValidationError:
            reasons.append(_("Ugyldig e-postadresse «%(v)s».") % {"v": row["email"]})


def _national_id(row, reasons, kinds=identity.ALL_KINDS) -> str | None:
    value = row.get("national_id", "")
    # Excel drops the leading zero of numbers born on days 01–09.
    if value.isdigit() and len(value) == 10:
        value = "0" + value
    try:
        return identity.clean_national_id(value, kinds=kinds)
    except ValidationError as error:
        reasons.extend(error.messages)
        return None


# --- per kind: validate a row, then commit the accepted rows --------------------


class _Context:
    """Database state the rows are checked against, loaded once per import."""

    def __init__(self, municipality: Municipality, rows):
        self.municipality = municipality
        self.units = {u.code: u for u in Unit.objects.filter(municipality=municipality)}
        ids = set()
        for _line, row in rows:
            value = row.get("national_id", "")
            ids.add("0" + value if value.isdigit() and len(value) == 10 else value)
        self.persons = {
            p.national_id: p
            for p in Person.objects.filter(municipality=municipality, national_id__in=ids)
        }
        wanted = [row.get("username", "").lower() for _line, row in rows]
        self.usernames = set(
            get_user_model()
            .objects.annotate(lower=Lower("username"))
            .filter(lower__in=wanted)
            .values_list("lower", flat=True)
        )
        self.services = set(
            Service.objects.filter(person__in=self.persons.values()).values_list(
                "person_id", "unit_id", "name", "valid_from"
            )
        )
        self.seen: set = set()
        self.accepted: list[dict] = []


def _validate_unit(row, ctx: _Context, reasons):
    code = row.get("code", "")
    if code:
        try:
            validate_slug(code)
        except ValidationError:
            reasons.append(
                _("Koden «%(v)s» kan bare ha bokstaver a–z, tall, - og _.") % {"v": code}
            )
    _length(row, "code", 40, reasons)
    _length(row, "name", 120, reasons)
    kind = _choice(row.get("kind", ""), Unit.Kind.choices) if row.get("kind") else None
    if row.get("kind") and kind is None:
        reasons.append(_choice_reason("kind", row["kind"], Unit.Kind.choices))
    if code in ctx.units:
        reasons.append(_("Enheten «%(v)s» finnes allerede i kommunen.") % {"v": code})
    return ("unit", code), {"code": code, "name": row.get("name", ""), "kind": kind}


def _commit_units(ctx: _Context) -> dict[str, int]:
    Unit.objects.bulk_create([Unit(municipality=ctx.municipality, **spec) for spec in ctx.accepted])
    return {_("enheter"): len(ctx.accepted)}


def _validate_staff(row, ctx: _Context, reasons):
    username = row.get("username", "")
    _length(row, "username", 150, reasons)
    _length(row, "first_name", 150, reasons)
    _length(row, "last_name", 150, reasons)
    _email(row, reasons)
    unit = ctx.units.get(row.get("unit_code", ""))
    if row.get("unit_code") and unit is None:
        reasons.append(_("Enheten «%(v)s» finnes ikke i kommunen.") % {"v": row["unit_code"]})
    role = _choice(row.get("role", ""), Role.choices) if row.get("role") else None
    if row.get("role") and role is None:
        reasons.append(_choice_reason("role", row["role"], Role.choices))
    if username.lower() in ctx.usernames:
        reasons.append(_("Brukernavnet «%(v)s» finnes allerede.") % {"v": username})
    earlier = next((s for s in ctx.accepted if s["username"] == username), None)
    if earlier and (earlier["first_name"], earlier["last_name"]) != (
        row.get("first_name", ""),
        row.get("last_name", ""),
    ):
        reasons.append(
            _("Brukernavnet «%(v)s» står tidligere i filen med et annet navn.") % {"v": username}
        )
    spec = {
        "username": username,
        "first_name": row.get("first_name", ""),
        "last_name": row.get("last_name", ""),
        "email": row.get("email", ""),
        "unit": unit,
        "role": role,
    }
    # The same user on several rows gets several memberships (unit, role).
    return ("staff", username.lower(), row.get("unit_code"), role), spec


def _commit_staff(ctx: _Context) -> dict[str, int]:
    staff_of: dict[str, StaffMember] = {}
    for spec in ctx.accepted:
        staff = staff_of.get(spec["username"])
        if staff is None:
            user = get_user_model()(
                username=spec["username"],
                first_name=spec["first_name"],
                last_name=spec["last_name"],
                email=spec["email"],
            )
            # No password in a file: they log in through OIDC or an admin sets one.
            user.set_unusable_password()
            user.save()
            staff = StaffMember.objects.create(user=user, municipality=ctx.municipality)
            staff_of[spec["username"]] = staff
        Membership.objects.create(staff=staff, unit=spec["unit"], role=spec["role"])
    return {_("ansatte"): len(staff_of), _("tilknytninger"): len(ctx.accepted)}


def _validate_person(row, ctx: _Context, reasons):
    # The file has no birth date or gender column: an FH-number, which carries
    # neither, is registered in Helhet by hand.
    national_id = _national_id(row, reasons, kinds=identity.WITH_BIRTH_DATE)
    for name, limit in (("given_name", 100), ("family_name", 100), ("phone", 20)):
        _length(row, name, limit, reasons)
    _length(row, "address", 200, reasons)
    _email(row, reasons)
    if national_id in ctx.persons:
        reasons.append(_("Personen med dette fødselsnummeret finnes allerede i kommunen."))
    spec = {name: row.get(name, "") for name in COLUMNS["persons"]}
    spec["national_id"] = national_id
    return ("person", national_id), spec


def _commit_persons(ctx: _Context, source: str) -> dict[str, int]:
    # bulk_create skips Person.save, so derive what save would.
    persons = Person.objects.bulk_create(
        [
            Person(
                municipality=ctx.municipality,
                id_type=identity.kind_of(spec["national_id"]),
                birth_date=identity.birth_date(spec["national_id"]),
                gender=identity.gender(spec["national_id"]),
                **spec,
            )
            for spec in ctx.accepted
        ]
    )
    decision = gate.Decision(True, "import", _("Masseimport fra fil %(file)s") % {"file": source})
    for person in persons:
        gate.log(AnonymousUser(), person, Action.EDIT, decision, category=gate.BASIC, what="import")
    return {_("personer"): len(persons)}


def _validate_service(row, ctx: _Context, reasons):
    national_id = _national_id(row, reasons)
    person = ctx.persons.get(national_id) if national_id else None
    if national_id and person is None:
        reasons.append(_("Personen med dette fødselsnummeret finnes ikke i kommunen."))
    unit = ctx.units.get(row.get("unit_code", ""))
    if row.get("unit_code") and unit is None:
        reasons.append(_("Enheten «%(v)s» finnes ikke i kommunen.") % {"v": row["unit_code"]})
    _length(row, "name", 120, reasons)
    basis = _choice(row.get("basis", ""), Service.Basis.choices) if row.get("basis") else None
    if row.get("basis") and basis is None:
        reasons.append(_choice_reason("basis", row["basis"], Service.Basis.choices))
    valid_from = _date(row, "valid_from", reasons)
    valid_to = _date(row, "valid_to", reasons)
    if valid_from and valid_to and valid_to < valid_from:
        reasons.append(_("Sluttdato kan ikke være før startdato."))
    key = ("service", national_id, row.get("unit_code"), row.get("name", ""), valid_from)
    if person and unit and (person.pk, unit.pk, row.get("name", ""), valid_from) in ctx.services:
        reasons.append(_("Tjenesten er allerede registrert for personen."))
    spec = {
        "person": person,
        "unit": unit,
        "name": row.get("name", ""),
        "basis": basis,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    return key, spec


def _commit_services(ctx: _Context) -> dict[str, int]:
    from helhet.people.services import service_type_guesser

    # The import file has no type column: the type follows from the name, the
    # basis and the unit (people.catalogue.guess_type), as for older rows.
    guess = service_type_guesser()
    rows = [
        Service(**spec, type=guess(spec["unit"].kind, spec["basis"], spec["name"]))
        for spec in ctx.accepted
    ]
    Service.objects.bulk_create(rows)
    return {_("tjenester"): len(ctx.accepted)}


VALIDATORS: dict[str, Callable] = {
    "units": _validate_unit,
    "staff": _validate_staff,
    "persons": _validate_person,
    "services": _validate_service,
}


def _commit(kind: str, ctx: _Context, source: str) -> dict[str, int]:
    if kind == "units":
        return _commit_units(ctx)
    if kind == "staff":
        return _commit_staff(ctx)
    if kind == "persons":
        return _commit_persons(ctx, source)
    return _commit_services(ctx)


def run(kind: str, path: Path, municipality: Municipality, dry_run: bool = False) -> Result:
    """Validate every row; write all of them in one transaction, or none."""
    header, rows = read_rows(path)
    _check_header(kind, header)
    ctx = _Context(municipality, rows)
    result = Result(kind=kind, rows=len(rows), dry_run=dry_run)
    for line, row in rows:
        reasons = [
            _("«%(f)s» må fylles ut.") % {"f": name}
            for name in COLUMNS[kind]
            if name in REQUIRED[kind] and not row.get(name)
        ]
        key, spec = VALIDATORS[kind](row, ctx, reasons)
        complete = None not in key and "" not in key
        if complete and key in ctx.seen:
            reasons.append(_("Raden er en gjentakelse av en tidligere rad i filen."))
        if reasons:
            result.rejections.append(Rejection(line, list(dict.fromkeys(reasons))))
        else:
            ctx.accepted.append(spec)
        if complete:
            ctx.seen.add(key)
    if result.ok and not dry_run:
        with transaction.atomic():
            result.created = _commit(kind, ctx, path.name)
    elif result.ok:
        result.created = {_("rader som ville blitt importert"): len(ctx.accepted)}
    return result
