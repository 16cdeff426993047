"""Importing a FHIR transaction Bundle of Patient, CarePlan (with Goals,
measures as activities and participants as a CareTeam) and Consent.

All or nothing, in three steps:

1. **Read**: every resource is validated against FHIR R4 and read into plain
   values (``PatientIn``, ``PlanIn``, ``ConsentIn``); any error, with where
   it is, stops the import before anything is looked up.
2. **Gate**: an existing person is changed only if the gate grants the
   importer ``endre``/``plan`` — decided and logged like any edit. A refusal
   stops the import (403) with the refusals still in the log.
3. **Write**, in one transaction: persons are matched by fødselsnummer/
   D-nummer, plans and consents by the identifiers we emit (our own URN, or
   one recorded at an earlier import). What is unchanged is left alone, so
   importing the same Bundle twice changes nothing the second time. A new
   consent, or a withdrawal, is the importer acting on the person's behalf:
   the same privileged act as on the consent pages (``consent.privileged``),
   decided by the gate per person once the Bundle's plans are written; a
   refusal undoes the whole Bundle (403).

Units and partners are matched by their code in the importer's
municipality; a consent naming an unknown party is refused (a consent must
not silently shrink or grow), a measure's unknown responsible is kept by name.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.patient import Patient

from helhet.access import gate
from helhet.access.models import Action
from helhet.api import fhir
from helhet.api.models import ImportedIdentifier
from helhet.consent import privileged as consent_privileged
from helhet.consent import rules as consent_rules
from helhet.consent import services as consent_services
from helhet.consent.models import Category, Consent, RequestedHow
from helhet.organisation.models import ExternalPartner, Role, Unit
from helhet.people import identity
from helhet.people.models import Person
from helhet.plans import completeness
from helhet.plans import services as plan_services
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant

IMPORT = "import"
WHAT = "FHIR-import"
REVERSED_PLAN = {v: k for k, v in fhir.PLAN_STATUS.items()}
REVERSED_GOAL = {v: k for k, v in fhir.GOAL_STATUS.items()}
REVERSED_MEASURE = {v: k for k, v in fhir.MEASURE_STATUS.items()}


# --- plain values read from the Bundle --------------------------------------------


@dataclass
class PatientIn:
    index: int
    national_id: str
    given_name: str
    family_name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    # Only for an FH-number, which carries neither.
    birth_date: dt.date | None = None
    gender: str = ""


@dataclass
class PlanIn:
    index: int
    patient: int  # index of the Patient entry
    identifiers: list[str]
    content: dict


@dataclass
class ConsentIn:
    index: int
    patient: int
    identifiers: list[str]
    fields: dict
    scopes: set
    withdrawn_at: dt.datetime | None


@dataclass
class Parsed:
    patients: list[PatientIn] = field(default_factory=list)
    plans: list[PlanIn] = field(default_factory=list)
    consents: list[ConsentIn] = field(default_factory=list)
    others: list[int] = field(default_factory=list)


MAX_BUNDLE_ENTRIES = 500


VALUE_KINDS = ("valueString", "valueCode", "valueDate", "valueDateTime", "valueBoolean")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class _Reader:
    """Reads a Bundle, parsed into ``fhir.resources`` R4B models (which check
    it against FHIR R4 on the way), into plain values, collecting every error
    with its place."""

    def __init__(self, bundle: Any, municipality_id: int):
        self.bundle = bundle
        self.issues: list[tuple[str, str]] = []
        self.units = {u.code: u.pk for u in Unit.objects.filter(municipality_id=municipality_id)}
        self.partners = {
            p.code: p.pk for p in ExternalPartner.objects.filter(municipality_id=municipality_id)
        }

    def error(self, where: str, what: str) -> None:
        self.issues.append((where, what))

    def read(self) -> Parsed:
        bundle = self.bundle
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise fhir.Invalid([("", _("Forventet en Bundle av typen transaction."))])
        entries = bundle.get("entry")
        if isinstance(entries, list) and len(entries) > MAX_BUNDLE_ENTRIES:
            # One transaction is one database transaction and one gate
            # decision per person: bounded, so one request cannot hold the
            # database for minutes.
            raise fhir.Invalid(
                [
                    (
                        "Bundle.entry",
                        _(
                            "Bundle har %(count)s oppføringer; høyst %(max)s i én transaksjon. "
                            "Del importen i flere transaksjoner."
                        )
                        % {"count": len(entries), "max": MAX_BUNDLE_ENTRIES},
                    )
                ]
            )
        model: Bundle = fhir.parse(bundle)
        if model.type != "transaction":
            raise fhir.Invalid([("Bundle.type", _("Bundle må ha type «transaction»."))])
        self.entries: list[Any] = [e.resource for e in model.entry or []]
        self.keys: dict[str, int] = {}
        for index, entry in enumerate(model.entry or []):
            resource = self.entries[index]
            if entry.fullUrl:
                self.keys[entry.fullUrl] = index
            if resource is not None and resource.id:
                self.keys[f"{resource.get_resource_type()}/{resource.id}"] = index
        parsed = Parsed()
        for index, resource in enumerate(self.entries):
            where = f"Bundle.entry[{index}].resource"
            kind = resource.get_resource_type() if resource is not None else None
            if isinstance(resource, Patient):
                parsed.patients.append(self.patient(index, resource, where))
            elif isinstance(resource, CarePlan):
                parsed.plans.append(self.plan(index, resource, where))
            elif isinstance(resource, FhirConsent):
                parsed.consents.append(self.consent(index, resource, where))
            elif kind == "Goal":
                parsed.others.append(index)
            else:
                self.error(where, _("Ressurstypen %(kind)s kan ikke importeres.") % {"kind": kind})
        numbers = [p.national_id for p in parsed.patients if p]
        if len(numbers) != len(set(numbers)):
            self.error("Bundle.entry", _("Samme person står flere ganger i bundelen."))
        if self.issues:
            raise fhir.Invalid(self.issues)
        return parsed

    # --- helpers ---

    def resolve(self, reference: str | None, kind: str, container: Any = None) -> tuple[Any, Any]:
        """The resource a reference points at: contained (#id) or in the Bundle."""
        if not reference:
            return None, None
        if reference.startswith("#") and container is not None:
            for item in container.contained or []:
                if item.id == reference[1:] and item.get_resource_type() == kind:
                    return item, None
            return None, None
        index = self.keys.get(reference)
        if index is None:
            tail = "/".join(reference.rstrip("/").split("/")[-2:])
            index = self.keys.get(tail)
        resource = self.entries[index] if index is not None else None
        if resource is None or resource.get_resource_type() != kind:
            return None, None
        return resource, index

    def patient_index(self, reference: Any, where: str) -> int | None:
        _resource, index = self.resolve(reference.reference if reference else None, "Patient")
        if index is None:
            self.error(where, _("Må peke på en Patient i samme bundle."))
        return index

    @staticmethod
    def extensions(element: Any) -> dict[str, Any]:
        found = {}
        for ext in element.extension or []:
            if ext.url.startswith(fhir.EXT):
                value = next(
                    (getattr(ext, k) for k in VALUE_KINDS if getattr(ext, k) is not None), None
                )
                found[ext.url.removeprefix(fhir.EXT)] = value
        return found

    def date(self, value: Any, where: str) -> dt.date | None:
        """A date, from a model's date or dateTime (or a text one in an
        extension); a partial date ("2026-03") cannot be a day."""
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        day = parse_date(str(value)[:10]) if len(str(value)) >= 10 else None
        if day is None:
            self.error(where, _("Ugyldig dato."))
        return day

    def party(self, reference: Any) -> tuple[int | None, int | None, str]:
        """(unit id, partner id, name) for a Reference with our identifier."""
        if reference is None:
            return None, None, ""
        ident = reference.identifier
        code = _text(ident.value) if ident else ""
        system = ident.system if ident else None
        if system == fhir.UNIT and code in self.units:
            return self.units[code], None, ""
        if system == fhir.PARTNER and code in self.partners:
            return None, self.partners[code], ""
        return None, None, _text(reference.display)

    # --- resources ---

    def patient(self, index: int, resource: Patient, where: str) -> PatientIn | None:
        """The Patient's number, under the no-basis system of its kind: a number
        whose digits say another kind than its system is refused, naming both."""
        ours = [i for i in resource.identifier or [] if i.system in fhir.KIND_OF_SYSTEM]
        if not ours:
            self.error(
                f"{where}.identifier",
                _(
                    "Personen mangler identitetsnummer med et kjent system "
                    "(fødselsnummer, D-nummer, H-nummer eller FH-nummer)."
                ),
            )
            return None
        try:
            number = identity.clean_national_id(_text(ours[0].value))
        except ValidationError as error:
            self.error(f"{where}.identifier", " ".join(error.messages))
            return None
        stated = fhir.KIND_OF_SYSTEM[_text(ours[0].system)]
        if identity.kind_of(number) != stated:
            self.error(
                f"{where}.identifier",
                _("Nummeret er et %(kind)s, men står med systemet for %(stated)s.")
                % {
                    "kind": identity.KINDS[identity.kind_of(number)],
                    "stated": identity.KINDS[stated],
                },
            )
            return None
        born, gender = None, ""
        if not identity.carries_birth_date(number):
            # An FH-number has no birth date or gender; the resource must give both.
            born = self.date(resource.birthDate, f"{where}.birthDate")
            if born is None and not resource.birthDate:
                self.error(
                    f"{where}.birthDate",
                    _("Et FH-nummer har ingen fødselsdato; oppgi birthDate."),
                )
            gender = {"female": "K", "male": "M"}.get(_text(resource.gender), "")
            if not gender:
                self.error(
                    f"{where}.gender",
                    _("Et FH-nummer har ingen kjønn; oppgi gender (female eller male)."),
                )
        name = resource.name[0] if resource.name else None
        given = " ".join(name.given or []) if name else ""
        family = _text(name.family) if name else ""
        if not given or not family:
            self.error(f"{where}.name", _("Personen må ha fornavn og etternavn."))
        telecom = {t.system: _text(t.value) for t in resource.telecom or []}
        address = _text(resource.address[0].text) if resource.address else ""
        return PatientIn(
            index,
            number,
            given[:100],
            family[:100],
            telecom.get("phone", "")[:20],
            telecom.get("email", ""),
            address[:200],
            birth_date=born,
            gender=gender,
        )

    def plan(self, index: int, resource: CarePlan, where: str) -> PlanIn | None:
        patient = self.patient_index(resource.subject, f"{where}.subject")
        ext = self.extensions(resource)
        status = REVERSED_PLAN.get(resource.status)
        if status is None:
            self.error(f"{where}.status", _("Planstatus kan ikke tolkes."))
        period = resource.period
        fields = {
            "status": status,
            "period_start": self.date(period.start if period else None, f"{where}.period"),
            "period_end": self.date(period.end if period else None, f"{where}.period"),
            **{name: _text(ext.get(f"ip-{name}")) for name in fhir.PLAN_TEXTS},
            **{
                name: self.date(ext.get(f"ip-{name}"), f"{where}.extension")
                for name in fhir.PLAN_DATES
            },
        }
        if fields["offered_on"] is None:
            self.error(f"{where}.extension", _("Planen mangler dato for tilbud (ip-offered_on)."))
        goals: list[dict[str, Any]] = []
        goal_refs: dict[str, int] = {}
        for n, ref in enumerate(resource.goal or []):
            goal, _i = self.resolve(ref.reference, "Goal", resource)
            if goal is None:
                self.error(f"{where}.goal[{n}]", _("Fant ikke målet det pekes på."))
                continue
            status_ = REVERSED_GOAL.get(goal.lifecycleStatus, Goal.Status.ACTIVE)
            text = _text(goal.description.text if goal.description else "").strip()
            if not text:
                self.error(f"{where}.goal[{n}]", _("Målet mangler tekst."))
            goal_refs[_text(ref.reference)] = len(goals)
            goals.append({"text": text[:1000], "status": status_, "measures": []})
        for n, activity in enumerate(resource.activity or []):
            self.measure(activity, goals, goal_refs, f"{where}.activity[{n}]")
        participants = []
        for ref in resource.careTeam or []:
            team, _i = self.resolve(ref.reference, "CareTeam", resource)
            for p in (team.participant or []) if team else []:
                kind = next(
                    (
                        c.code
                        for r in p.role or []
                        for c in r.coding or []
                        if c.system == fhir.PARTICIPANT_KIND
                    ),
                    Participant.Kind.PARTNER,
                )
                unit, partner, _name = self.party(p.onBehalfOf)
                participants.append(
                    {
                        "kind": kind if kind in Participant.Kind.values else "ekstern",
                        "name": _text(p.member.display if p.member else "")[:200],
                        "contribution": _text(self.extensions(p).get("participant-contribution")),
                        "unit_id": unit,
                        "partner_id": partner,
                    }
                )
        identifiers = [_text(i.value) for i in resource.identifier or [] if i.value]
        if not identifiers:
            self.error(f"{where}.identifier", _("Planen må ha en identifikator."))
        content = {"fields": fields, "goals": goals, "participants": participants}
        return PlanIn(index, patient, identifiers, content)

    def measure(
        self, activity: Any, goals: list[dict[str, Any]], goal_refs: dict[str, int], where: str
    ) -> None:
        detail = activity.detail
        refs = [g.reference for g in (detail.goal or [])] if detail else []
        target = next((goal_refs[r] for r in refs if r in goal_refs), None)
        if target is None:
            self.error(f"{where}.detail.goal", _("Tiltaket må høre til et av planens mål."))
            return
        unit, partner, other = self.party((detail.performer or [None])[0])
        if not (unit or partner or other):
            self.error(f"{where}.detail.performer", _("Tiltaket må ha en ansvarlig."))
        ext = self.extensions(activity)
        period = detail.scheduledPeriod
        goals[target]["measures"].append(
            {
                "title": _text(detail.description)[:300],
                "scope": _text(ext.get("measure-scope"))[:200],
                "how": _text(ext.get("measure-how")),
                "status": REVERSED_MEASURE.get(detail.status, Measure.Status.PLANNED),
                "starts_on": self.date(
                    period.start if period else None, f"{where}.detail.scheduledPeriod"
                ),
                "ends_on": self.date(
                    period.end if period else None, f"{where}.detail.scheduledPeriod"
                ),
                "responsible_unit_id": unit,
                "responsible_partner_id": partner,
                "responsible_other": other[:200],
            }
        )

    def consent(self, index: int, resource: FhirConsent, where: str) -> ConsentIn | None:
        patient = self.patient_index(resource.patient, f"{where}.patient")
        ext = self.extensions(resource)
        provision = resource.provision
        period = provision.period if provision else None
        fields = {
            "purpose": _text(ext.get("consent-purpose")).strip()[:300],
            "given_how": _text(ext.get("consent-given-how")),
            "given_by": _text(ext.get("consent-given-by")) or Consent.GivenBy.PERSON,
            "giver_name": _text(ext.get("consent-giver-name"))[:200],
            "covers_plan": bool(ext.get("consent-covers-plan")),
            "form_version": (
                _text(ext.get("consent-form-version")) or consent_rules.CURRENT_FORM_VERSION
            )[:20],
            "valid_from": self.date(period.start if period else None, f"{where}.provision.period"),
            "valid_to": self.date(period.end if period else None, f"{where}.provision.period"),
        }
        if not fields["purpose"]:
            self.error(f"{where}.extension", _("Samtykket mangler formål (consent-purpose)."))
        if fields["given_how"] not in Consent.GivenHow.values:
            self.error(f"{where}.extension", _("Ukjent måte samtykket er gitt på."))
        if not (fields["valid_from"] and fields["valid_to"]):
            self.error(f"{where}.provision.period", _("Samtykket må ha start- og sluttdato."))
        for key, message in {
            **consent_rules.period_errors(fields["valid_from"], fields["valid_to"]),
            **consent_rules.giver_errors(
                fields["given_by"], fields["giver_name"], fields["given_how"], False
            ),
        }.items():
            self.error(f"{where}.{key}", str(message))
        scopes = set()
        for n, item in enumerate((provision.provision or []) if provision else []):
            codes = [
                c.code
                for cc in item.code or []
                for c in cc.coding or []
                if c.system == fhir.CONSENT_CATEGORY
            ]
            for actor in item.actor or []:
                unit, partner, name = self.party(actor.reference)
                if not (unit or partner):
                    self.error(
                        f"{where}.provision.provision[{n}].actor",
                        _("Enheten eller samarbeidspartneren «%(name)s» finnes ikke i kommunen.")
                        % {"name": name or "?"},
                    )
                for code in codes:
                    if code not in Category.values:
                        self.error(f"{where}.provision.provision[{n}].code", _("Ukjent kategori."))
                    elif unit or partner:
                        scopes.add(
                            consent_services.Scope("u" if unit else "p", unit or partner, code)
                        )
        withdrawn = ext.get("consent-withdrawn")
        withdrawn_at = (
            withdrawn
            if isinstance(withdrawn, dt.datetime)
            else parse_datetime(_text(withdrawn))
            if withdrawn
            else None
        )
        if withdrawn and withdrawn_at is None:
            self.error(f"{where}.extension", _("Ugyldig tidspunkt for tilbaketrekking."))
        identifiers = [_text(i.value) for i in resource.identifier or [] if i.value]
        if not identifiers:
            self.error(f"{where}.identifier", _("Samtykket må ha en identifikator."))
        return ConsentIn(index, patient, identifiers, fields, scopes, withdrawn_at)


# --- the plan's content as plain values, for comparing and writing -------------------


MEASURE_FIELDS = [
    "title",
    "scope",
    "how",
    "status",
    "starts_on",
    "ends_on",
    "responsible_unit_id",
    "responsible_partner_id",
    "responsible_other",
]
PARTICIPANT_FIELDS = ["kind", "name", "contribution", "unit_id", "partner_id"]
PLAN_FIELDS = ["status", "period_start", "period_end", *fhir.PLAN_TEXTS, *fhir.PLAN_DATES]


def content_of(plan: IndividualPlan) -> dict:
    measures: dict[int, list] = {}
    for m in plan.measures.order_by("pk"):
        measures.setdefault(m.goal_id, []).append({f: getattr(m, f) for f in MEASURE_FIELDS})
    return {
        "fields": {f: getattr(plan, f) for f in PLAN_FIELDS},
        "goals": [
            {"text": g.text, "status": g.status, "measures": measures.get(g.pk, [])}
            for g in plan.goals.order_by("position", "pk")
        ],
        "participants": [
            {f: getattr(p, f) for f in PARTICIPANT_FIELDS} for p in plan.participants.order_by("pk")
        ],
    }


def _write_content(plan: IndividualPlan, content: dict) -> str:
    plan.participants.all().delete()
    plan.measures.all().delete()
    plan.goals.all().delete()
    for name, value in content["fields"].items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    for position, goal_in in enumerate(content["goals"]):
        goal = Goal(plan=plan, text=goal_in["text"], status=goal_in["status"], position=position)
        goal.full_clean()
        goal.save()
        for measure_in in goal_in["measures"]:
            measure = Measure(plan=plan, goal=goal, **measure_in)
            measure.full_clean()
            measure.save()
    for participant_in in content["participants"]:
        participant = Participant(plan=plan, **participant_in)
        participant.full_clean()
        participant.save()
    return _("Oppdatert fra FHIR-import")


# --- matching -----------------------------------------------------------------------------


def _own_id(value: str, kind: str, municipality_number: str) -> int | None:
    prefix = f"urn:helhet:{kind}:{municipality_number}:"
    tail = value.removeprefix(prefix) if value.startswith(prefix) else ""
    return int(tail) if tail.isdigit() else None


def _match(kind: str, model, identifiers, municipality, person: Person | None):
    for value in identifiers:
        own = _own_id(value, kind, municipality.number)
        if own is not None and person is not None:
            found = model.objects.filter(pk=own, person=person).first()
            if found:
                return found
        record = ImportedIdentifier.objects.filter(municipality=municipality, value=value).first()
        if record is not None:
            found = getattr(record, kind)
            if person is not None and found.person_id == person.pk:
                return found
    return None


def _remember(kind: str, identifiers, municipality, record) -> None:
    for value in identifiers:
        if _own_id(value, kind, municipality.number) is None:
            ImportedIdentifier.objects.get_or_create(
                municipality=municipality, value=value, defaults={kind: record}
            )


def plans_with_identifier(user, value: str) -> list[int]:
    """Plans in the user's municipality with this identifier (ours or imported)."""
    staff = getattr(user, "staff", None)
    if staff is None or not value:
        return []
    municipality = staff.municipality
    own = _own_id(value, "plan", municipality.number)
    ids = set(
        IndividualPlan.objects.filter(pk=own, person__municipality=municipality).values_list(
            "pk", flat=True
        )
        if own
        else []
    )
    ids |= set(
        ImportedIdentifier.objects.filter(
            municipality=municipality, value=value, plan__isnull=False
        ).values_list("plan_id", flat=True)
    )
    return sorted(ids)


# --- the import ----------------------------------------------------------------------------


def _importer(user):
    staff = getattr(user, "staff", None)
    if staff is None or not staff.memberships.filter(role=Role.COORDINATING_UNIT).exists():
        raise PermissionDenied(_("Import krever rollen koordinerende enhet."))
    return staff


def _gate_existing(user, municipality, patients: list[PatientIn]) -> dict[int, Person]:
    """Existing persons by entry index, each passed through the gate (logged)."""
    found = {
        p.national_id: p
        for p in Person.objects.filter(
            municipality=municipality, national_id__in=[p.national_id for p in patients]
        )
    }
    persons, refused = {}, []
    for patient_in in patients:
        person = found.get(patient_in.national_id)
        if person is None:
            continue
        decision = gate.check(user, person, Action.EDIT, category=Category.PLAN, what=WHAT)
        if not decision.granted:
            refused.append(decision.detail)
        persons[patient_in.index] = person
    if refused:
        raise PermissionDenied(
            _("Du har ikke tilgang til å endre %(n)s av personene i bundelen: %(reason)s")
            % {"n": len(refused), "reason": refused[0]}
        )
    return persons


def _write_person(user, patient_in: PatientIn, existing: Person | None, municipality):
    fields = {
        "given_name": patient_in.given_name,
        "family_name": patient_in.family_name,
        "phone": patient_in.phone,
        "email": patient_in.email,
        "address": patient_in.address,
    }
    if existing is None:
        person = Person(
            municipality=municipality,
            national_id=patient_in.national_id,
            birth_date=patient_in.birth_date,
            gender=patient_in.gender,
            **fields,
        )
        person.full_clean()
        person.save()
        gate.log(
            user,
            person,
            Action.EDIT,
            gate.Decision(True, IMPORT, _("Registrert ved FHIR-import")),
            category=Category.PLAN,
            what=WHAT,
        )
        return person, "201 Created"
    changed = {k: v for k, v in fields.items() if getattr(existing, k) != v}
    if changed:
        for name, value in changed.items():
            setattr(existing, name, value)
        existing.full_clean()
        existing.save()
    return existing, "200 OK"


def _write_plan(user, plan_in: PlanIn, person: Person, municipality) -> tuple[object, str]:
    plan = _match("plan", IndividualPlan, plan_in.identifiers, municipality, person)
    if plan is None:
        fields = plan_in.content["fields"]
        plan = plan_services.create_plan(
            user=user,
            person=person,
            status=fields["status"],
            offered_on=fields["offered_on"],
        )
        status = "201 Created"
    elif content_of(plan) == plan_in.content:
        _remember("plan", plan_in.identifiers, municipality, plan)
        return plan, "200 OK"
    else:
        status = "200 OK"
    plan = plan_services.change_plan(
        plan_id=plan.pk,
        user=user,
        expected_version=plan.version,
        apply=lambda p: _write_content(p, plan_in.content),
    )
    _remember("plan", plan_in.identifiers, municipality, plan)
    return plan, status


def _write_consent(user, consent_in: ConsentIn, person: Person, municipality, link: str):
    """A consent brought over from another system is registered by the
    importer on the person's behalf: the privileged act the consent pages do
    (``consent.privileged``: the gate's decision, a flagged row, the leader's
    control page, the person told), recorded as imported. A withdrawal in the
    other system is a withdrawal at the person's request, likewise."""
    consent = _match("consent", Consent, consent_in.identifiers, municipality, person)
    status = "200 OK"
    if consent is None:
        scopes = consent_in.scopes
        if not (scopes or consent_in.fields["covers_plan"]):
            raise ValidationError(_("Samtykket gir ingen enhet tilgang og gjelder ikke planen."))
        consent = consent_privileged.register(
            user,
            person,
            link=link,
            scopes=scopes,
            offered=list(scopes),
            what=f"{WHAT}: {consent_privileged.REGISTERED}",
            **{**consent_in.fields, "given_how": Consent.GivenHow.IMPORTED},
        )
        status = "201 Created"
    if consent_in.withdrawn_at and consent.withdrawn_at is None:
        withdrawn_at = consent_in.withdrawn_at
        if timezone.is_naive(withdrawn_at):
            withdrawn_at = timezone.make_aware(withdrawn_at)
        consent_privileged.withdraw(
            user,
            consent,
            link=link,
            requested_how=RequestedHow.IMPORTED,
            requested_on=timezone.localdate(withdrawn_at),
            note=WHAT,
            what=f"{WHAT}: {consent_privileged.WITHDRAWN}",
        )
        # The consent was withdrawn in the other system at this moment, not now.
        Consent.objects.filter(pk=consent.pk).update(withdrawn_at=withdrawn_at)
        completeness.invalidate_consents([consent.pk])  # update() sends no signal
    _remember("consent", consent_in.identifiers, municipality, consent)
    return consent, status


class _ConsentRefusedAt(Exception):
    def __init__(self, refused: consent_privileged.Refused, index: int):
        super().__init__(str(refused))
        self.refused = refused
        self.index = index


def _refused_consent(refused: consent_privileged.Refused, index: int) -> PermissionDenied:
    """The gate refused registering or withdrawing a consent: the whole Bundle
    has rolled back. The refusal is logged on the person, unless the person
    was new in this Bundle and went with the rollback."""
    if Person.objects.filter(pk=refused.person.pk).exists():
        refused.log()
    return PermissionDenied(
        _(
            "Du har ikke tilgang til å registrere eller trekke tilbake samtykke for personen "
            "i Bundle.entry[%(index)s]: %(reason)s Ingenting er importert."
        )
        % {"index": index, "reason": refused.decision.detail}
    )


def _messages(error: Exception) -> list[tuple[str, str]]:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [(k, " ".join(v)) for k, v in error.message_dict.items()]
    if isinstance(error, ValidationError):
        return [("", " ".join(error.messages))]
    return [("", str(error))]


def import_bundle(request, bundle, base: str) -> dict:
    user = request.user
    staff = _importer(user)
    municipality = staff.municipality
    parsed = _Reader(bundle, municipality.pk).read()
    existing = _gate_existing(user, municipality, parsed.patients)
    responses: dict[int, dict] = {i: {"status": "200 OK"} for i in parsed.others}
    try:
        with transaction.atomic():
            persons = {}
            for patient_in in parsed.patients:
                person, status = _write_person(
                    user, patient_in, existing.get(patient_in.index), municipality
                )
                persons[patient_in.index] = person
                responses[patient_in.index] = {"status": status, "location": f"Patient/{person.pk}"}
            for plan_in in parsed.plans:
                plan, status = _write_plan(user, plan_in, persons[plan_in.patient], municipality)
                responses[plan_in.index] = {"status": status, "location": f"CarePlan/{plan.pk}"}
            link = consent_privileged.portal_link(request)
            for consent_in in parsed.consents:
                try:
                    consent, status = _write_consent(
                        user, consent_in, persons[consent_in.patient], municipality, link
                    )
                except consent_privileged.Refused as refused:
                    raise _ConsentRefusedAt(refused, consent_in.index) from refused
                responses[consent_in.index] = {
                    "status": status,
                    "location": f"Consent/{consent.pk}",
                }
    except _ConsentRefusedAt as error:
        raise _refused_consent(error.refused, error.index) from None
    except (ValidationError, consent_services.ConsentRefused) as error:
        raise fhir.Invalid(_messages(error)) from error
    except IntegrityError as error:
        raise fhir.Invalid(
            [("", _("Importen kom i konflikt med en samtidig endring. Prøv igjen."))]
        ) from error
    except plan_services.StaleEdit as error:
        raise fhir.Invalid([("", str(error))]) from error
    return fhir.validate(
        {
            "resourceType": "Bundle",
            "type": "transaction-response",
            "entry": [{"response": responses[i]} for i in sorted(responses)],
        }
    )
