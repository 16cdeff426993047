"""Bulk import of units, staff, persons and services from CSV or XLSX.

Every row is validated before anything is written, and the import is all or
nothing: a municipality moving from another system must be able to trust that
a file either went in whole or not at all (no half-imported register to clean
up by hand).
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
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


# --- the row forms ---------------------------------------------------------------
#
# Each kind's row is a Django form: the fields check lengths, choices, dates,
# e-mail addresses and numbers with Django's own validators, with messages
# that name the column (the file's author fixes the file, not a page).


def _choice(value: str, choices) -> str | None:
    """Accept the stored value or the Norwegian label, in any case."""
    wanted = value.strip().lower()
    for stored, label in choices:
        if wanted in (stored.lower(), str(label).lower()):
            return stored
    return None


class _LabelChoiceField(forms.ChoiceField):
    """A choice written as the stored value or the Norwegian label."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return _choice(text, self.choices) or text if text else text


def parse_date(value: str) -> dt.date:
    """dd.mm.åååå or ISO (åååå-mm-dd); ValueError otherwise."""
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")


class _DateField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=DATE_FORMATS, **kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            # Django's message does not repeat the value; the file's author needs it.
            raise ValidationError(self.error_messages["invalid"] % {"value": value}) from error


class _NationalIdField(forms.CharField):
    def __init__(self, kinds=identity.ALL_KINDS, **kwargs: Any) -> None:
        self.kinds = kinds
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        # Excel drops the leading zero of numbers born on days 01–09.
        if text.isdigit() and len(text) == 10:
            text = "0" + text
        return identity.clean_national_id(text, kinds=self.kinds) if text else text


class _RowForm(forms.Form):
    """One row, checked against the file's columns and the database state
    (``ctx``). ``reasons()``: its messages in column order."""

    file_kind: str

    def __init__(self, row: dict[str, str], ctx: "_Context") -> None:
        super().__init__(data=row)
        self.ctx = ctx
        for name, row_field in self.fields.items():
            row_field.required = name in REQUIRED[self.file_kind]
            row_field.error_messages["required"] = _("«%(f)s» må fylles ut.") % {"f": name}
            max_length = getattr(row_field, "max_length", None)
            if max_length:
                row_field.error_messages["max_length"] = _("«%(f)s» kan ha høyst %(n)s tegn.") % {
                    "f": name,
                    "n": max_length,
                }
            if isinstance(row_field, _LabelChoiceField):
                row_field.error_messages["invalid_choice"] = _(
                    "Ugyldig verdi «%(v)s» i «%(f)s». Gyldige verdier: %(c)s."
                ) % {
                    "v": "%(value)s",
                    "f": name,
                    # The fields are built from the models' flat TextChoices.
                    "c": ", ".join(
                        str(stored)
                        for stored, _label in cast(list[tuple[str, str]], row_field.choices)
                    ),
                }
            elif isinstance(row_field, _DateField):
                row_field.error_messages["invalid"] = _(
                    "Ugyldig dato «%(v)s» i «%(f)s» (bruk dd.mm.åååå)."
                ) % {"v": "%(value)s", "f": name}
            elif isinstance(row_field, forms.EmailField):
                row_field.error_messages["invalid"] = _("Ugyldig e-postadresse «%(v)s».") % {
                    "v": "%(value)s"
                }

    def reasons(self) -> list[str]:
        found = [str(m) for name in self.fields for m in self.errors.get(name, [])]
        return found + [str(m) for m in self.non_field_errors()]

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None

    def key(self) -> tuple:
        raise NotImplementedError

    def spec(self) -> dict[str, Any]:
        raise NotImplementedError


class UnitRow(_RowForm):
    file_kind = "units"
    code = forms.SlugField(max_length=40)
    name = forms.CharField(max_length=120)
    kind = _LabelChoiceField(choices=Unit.Kind.choices)

    def __init__(self, row: dict[str, str], ctx: "_Context") -> None:
        super().__init__(row, ctx)
        self.fields["code"].error_messages["invalid"] = _(
            "Koden «%(v)s» kan bare ha bokstaver a–z, tall, - og _."
        ) % {"v": "%(value)s"}

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code in self.ctx.units:
            raise ValidationError(_("Enheten «%(v)s» finnes allerede i kommunen.") % {"v": code})
        return code

    def key(self) -> tuple:
        return ("unit", self.data.get("code", ""))

    def spec(self) -> dict[str, Any]:
        return {"code": self.value("code"), "name": self.value("name"), "kind": self.value("kind")}


class StaffRow(_RowForm):
    file_kind = "staff"
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)
    unit_code = forms.CharField()
    role = _LabelChoiceField(choices=Role.choices)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if username.lower() in self.ctx.usernames:
            raise ValidationError(_("Brukernavnet «%(v)s» finnes allerede.") % {"v": username})
        return username

    def clean_unit_code(self) -> Unit:
        code = self.cleaned_data["unit_code"]
        if code not in self.ctx.units:
            raise ValidationError(_("Enheten «%(v)s» finnes ikke i kommunen.") % {"v": code})
        return self.ctx.units[code]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username = self.data.get("username", "")
        earlier = next((s for s in self.ctx.accepted if s["username"] == username), None)
        if earlier and (earlier["first_name"], earlier["last_name"]) != (
            self.data.get("first_name", ""),
            self.data.get("last_name", ""),
        ):
            raise ValidationError(
                _("Brukernavnet «%(v)s» står tidligere i filen med et annet navn.")
                % {"v": username}
            )
        return data

    def key(self) -> tuple:
        # The same user on several rows gets several memberships (unit, role).
        return (
            "staff",
            self.data.get("username", "").lower(),
            self.data.get("unit_code"),
            self.value("role"),
        )

    def spec(self) -> dict[str, Any]:
        return {
            "username": self.value("username"),
            "first_name": self.value("first_name"),
            "last_name": self.value("last_name"),
            "email": self.value("email") or "",
            "unit": self.value("unit_code"),
            "role": self.value("role"),
        }


class PersonRow(_RowForm):
    file_kind = "persons"
    # The file has no birth date or gender column: an FH-number, which carries
    # neither, is registered in Helhet by hand.
    national_id = _NationalIdField(kinds=identity.WITH_BIRTH_DATE)
    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    phone = forms.CharField(max_length=20)
    email = forms.EmailField(max_length=254)
    address = forms.CharField(max_length=200)

    def clean_national_id(self) -> str:
        number = self.cleaned_data["national_id"]
        if number in self.ctx.persons:
            raise ValidationError(
                _("Personen med dette fødselsnummeret finnes allerede i kommunen.")
            )
        return number

    def key(self) -> tuple:
        return ("person", self.value("national_id"))

    def spec(self) -> dict[str, Any]:
        return {name: self.value(name) or "" for name in COLUMNS["persons"]}


class ServiceRow(_RowForm):
    file_kind = "services"
    national_id = _NationalIdField()
    unit_code = forms.CharField()
    name = forms.CharField(max_length=120)
    basis = _LabelChoiceField(choices=Service.Basis.choices)
    valid_from = _DateField()
    valid_to = _DateField()

    def clean_national_id(self) -> Person:
        number = self.cleaned_data["national_id"]
        if number not in self.ctx.persons:
            raise ValidationError(_("Personen med dette fødselsnummeret finnes ikke i kommunen."))
        return self.ctx.persons[number]

    def clean_unit_code(self) -> Unit:
        code = self.cleaned_data["unit_code"]
        if code not in self.ctx.units:
            raise ValidationError(_("Enheten «%(v)s» finnes ikke i kommunen.") % {"v": code})
        return self.ctx.units[code]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            raise ValidationError(_("Sluttdato kan ikke være før startdato."))
        person, unit = data.get("national_id"), data.get("unit_code")
        if (
            person
            and unit
            and (person.pk, unit.pk, data.get("name", ""), start) in (self.ctx.services)
        ):
            raise ValidationError(_("Tjenesten er allerede registrert for personen."))
        return data

    def key(self) -> tuple:
        person = self.value("national_id")
        return (
            "service",
            person.national_id if person else None,
            self.data.get("unit_code"),
            self.data.get("name", ""),
            self.value("valid_from"),
        )

    def spec(self) -> dict[str, Any]:
        return {
            "person": self.value("national_id"),
            "unit": self.value("unit_code"),
            "name": self.value("name"),
            "basis": self.value("basis"),
            "valid_from": self.value("valid_from"),
            "valid_to": self.value("valid_to"),
        }


# --- per kind: the database state rows are checked against, and the commit ------


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


def _commit_units(ctx: _Context) -> dict[str, int]:
    Unit.objects.bulk_create([Unit(municipality=ctx.municipality, **spec) for spec in ctx.accepted])
    return {_("enheter"): len(ctx.accepted)}


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


ROW_FORMS: dict[str, type[_RowForm]] = {
    "units": UnitRow,
    "staff": StaffRow,
    "persons": PersonRow,
    "services": ServiceRow,
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
        form = ROW_FORMS[kind](row, ctx)
        reasons = form.reasons()
        key, spec = form.key(), form.spec()
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
