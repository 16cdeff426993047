"""Helhet's records as FHIR R4 resources (HL7 FHIR 4.0.1).

Norwegian identifiers: fødselsnummer and D-nummer have the OIDs the
Directorate of e-health assigned (2.16.578.1.12.4.1.4.1 and .2). Plans,
consents and groups carry a URN of our own, ``urn:helhet:<kind>:<kommune>:<id>``,
so another system can match them when it sends them back. Every resource is
validated with ``fhir.resources`` (R4B models, which describe R4's
Patient/CarePlan/Goal/CareTeam/Consent unchanged) before it leaves.

Fields FHIR has no element for (the § 19 texts of the plan, a measure's scope
and how it is done, a consent's purpose) travel as extensions with
``urn:helhet:fhir:`` URLs, so an import loses nothing.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError as PydanticError

from helhet.consent.models import Consent
from helhet.people import identity
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant

FHIR_VERSION = "4.0.1"
CONTENT_TYPE = "application/fhir+json"
# Identifier systems of HL7 Norway's no-basis-Patient (Direktoratet for
# e-helse's OIDs): fødselsnummer 2.16.578.1.12.4.1.4.1, D-nummer .4.2, felles
# hjelpenummer (FH) .4.3 — .4.4 is the health personnel number (HPR), not a
# patient's. An H-nummer is assigned locally and has no national system:
# no-basis gives it the system "HNR", the type HNR from Volven 8327 (type of
# identity number) and requires the assigner.
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR = "urn:oid:2.16.578.1.12.4.1.4.2"
FHNR = "urn:oid:2.16.578.1.12.4.1.4.3"
HNR = "HNR"
ID_TYPE_CODES = "urn:oid:2.16.578.1.12.4.1.1.8327"
SYSTEMS = {identity.FNR: FNR, identity.DNR: DNR, identity.FHNR: FHNR, identity.HNR: HNR}
KIND_OF_SYSTEM = {system: kind for kind, system in SYSTEMS.items()}
URN = "urn:ietf:rfc:3986"
UNIT = "urn:helhet:unit"
PARTNER = "urn:helhet:partner"
EXT = "urn:helhet:fhir:"
PLAN_KIND = "urn:helhet:plan-kind"
PARTICIPANT_KIND = "urn:helhet:participant-kind"
MEMBER_KIND = "urn:helhet:group-member-kind"
CONSENT_CATEGORY = "urn:helhet:consent-category"

PLAN_STATUS: dict[str, str] = {
    IndividualPlan.Status.OFFERED: "draft",
    IndividualPlan.Status.ACTIVE: "active",
    IndividualPlan.Status.CLOSED: "completed",
    IndividualPlan.Status.DECLINED: "revoked",
}
GOAL_STATUS: dict[str, str] = {
    Goal.Status.ACTIVE: "active",
    Goal.Status.REACHED: "completed",
    Goal.Status.DROPPED: "cancelled",
}
MEASURE_STATUS: dict[str, str] = {
    Measure.Status.PLANNED: "not-started",
    Measure.Status.ONGOING: "in-progress",
    Measure.Status.DONE: "completed",
    Measure.Status.STOPPED: "stopped",
}
CONSENT_STATUS = {"gyldig": "active", "fremtidig": "proposed", "utlopt": "inactive"}
CONSENT_STATUS_WITHDRAWN = "inactive"
PLAN_TEXTS = ["resources", "needs", "person_contribution", "relatives_contribution", "cooperation"]
PLAN_DATES = ["offered_on", "answered_on", "revision_due", "closed_on"]


class Invalid(Exception):
    """A resource that does not validate against FHIR R4."""

    def __init__(self, issues: list[tuple[str, str]]):
        self.issues = issues
        super().__init__("; ".join(f"{where}: {what}" for where, what in issues))


# Pydantic's error types in words a user of the import understands; the
# English detail follows in parentheses for the other system's developer.
ERROR_TYPES = {
    "missing": _noop("Påkrevd element mangler."),
    "extra_forbidden": _noop("Elementet finnes ikke i denne ressurstypen i FHIR R4."),
    "string_type": _noop("Må være tekst."),
    "list_type": _noop("Må være en liste."),
    "dict_type": _noop("Må være et objekt."),
    "model_type": _noop("Må være et objekt."),
    "bool_type": _noop("Må være true eller false."),
    "bool_parsing": _noop("Må være true eller false."),
    "int_type": _noop("Må være et heltall."),
    "int_parsing": _noop("Må være et heltall."),
    "date_type": _noop("Ugyldig dato (bruk ÅÅÅÅ-MM-DD)."),
    "date_from_datetime_parsing": _noop("Ugyldig dato (bruk ÅÅÅÅ-MM-DD)."),
    "datetime_from_date_parsing": _noop("Ugyldig tidspunkt."),
    "string_pattern_mismatch": _noop("Verdien har feil format."),
    "literal_error": _noop("Ukjent kode."),
    "enum": _noop("Ukjent kode."),
    "value_error": _noop("Ugyldig verdi."),
}


def _issue(error: Any, kind: str | None) -> tuple[str, str]:
    where = ".".join(str(p) for p in error["loc"]) or kind or ""
    plain = ERROR_TYPES.get(error["type"], _noop("Ugyldig verdi."))
    if error["type"] == "value_error" and "date" in str(error["msg"]).lower():
        # fhir.resources checks date, dateTime and instant with one regex each.
        plain = _noop("Ugyldig dato eller tidspunkt (bruk ÅÅÅÅ-MM-DD, med klokkeslett og sone).")
    return where, f"{_(plain)} ({error['msg']})"


def parse(resource: Any) -> Any:
    """The resource as its ``fhir.resources`` R4B model, or ``Invalid`` with
    one Norwegian issue per error and where it is."""
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    try:
        model = get_fhir_model_class(kind) if isinstance(kind, str) else None
    except (KeyError, ValueError):
        model = None
    if model is None:
        raise Invalid(
            [("resourceType", _("Ukjent eller manglende ressurstype: %(kind)r") % {"kind": kind})]
        )
    try:
        return model.model_validate(resource)
    except PydanticError as error:
        raise Invalid([_issue(e, str(kind)) for e in error.errors(include_url=False)]) from error


def validate(resource: dict) -> dict:
    """The resource, if it validates as FHIR R4; otherwise ``Invalid``."""
    parse(resource)
    return resource


def urn(kind: str, municipality_number: str, pk) -> str:
    return f"urn:helhet:{kind}:{municipality_number}:{pk}"


def _identifier(value: str) -> dict:
    return {"system": URN, "value": value}


def _ext(name: str, value, kind: str = "valueString") -> dict | None:
    # An extension without a value is invalid FHIR (ext-1): leave it out.
    return None if value in (None, "") else {"url": EXT + name, kind: value}


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _clean(data):
    """Drop empty values: FHIR forbids empty strings, lists and objects."""
    if isinstance(data, dict):
        cleaned = {k: _clean(v) for k, v in data.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [c for c in (_clean(v) for v in data) if c not in (None, "", [], {})]
    return data


def _party(unit=None, partner=None, other: str = "") -> dict | None:
    if unit is not None:
        return {"identifier": {"system": UNIT, "value": unit.code}, "display": unit.name}
    if partner is not None:
        return {"identifier": {"system": PARTNER, "value": partner.code}, "display": partner.name}
    return {"display": other} if other else None


# --- Patient ----------------------------------------------------------------------


def person_identifier(person) -> dict:
    """The person's number with the no-basis system of its kind."""
    kind = identity.kind_of(person.national_id)
    found = {"use": "official", "system": SYSTEMS[kind], "value": person.national_id}
    if kind == identity.HNR:
        found["type"] = {"coding": [{"system": ID_TYPE_CODES, "code": "HNR"}]}
        found["assigner"] = {"display": person.municipality.name}
    return found


def patient(person) -> dict:
    telecom = [
        {"system": "phone", "value": person.phone},
        {"system": "email", "value": person.email},
    ]
    return validate(
        _clean(
            {
                "resourceType": "Patient",
                "id": str(person.pk),
                "identifier": [person_identifier(person)],
                "name": [
                    {
                        "use": "official",
                        "family": person.family_name,
                        "given": person.given_name.split(),
                    }
                ],
                "gender": "female" if person.gender == "K" else "male",
                "birthDate": _date(person.birth_date),
                "telecom": [t for t in telecom if t["value"]],
                "address": [{"text": person.address}] if person.address else [],
            }
        )
    )


# --- CarePlan with its goals, measures and participants ----------------------------


def _goal(goal: Goal, local_id: str, subject: dict) -> dict:
    return {
        "resourceType": "Goal",
        "id": local_id,
        "lifecycleStatus": GOAL_STATUS[goal.status],
        "description": {"text": goal.text},
        "subject": subject,
    }


def _activity(measure: Measure, goal_ref: str) -> dict:
    performer = _party(
        measure.responsible_unit, measure.responsible_partner, measure.responsible_other
    )
    return {
        "extension": [_ext("measure-scope", measure.scope), _ext("measure-how", measure.how)],
        "detail": {
            "status": MEASURE_STATUS[measure.status],
            "description": measure.title,
            "goal": [{"reference": goal_ref}],
            "scheduledPeriod": {
                "start": _date(measure.starts_on),
                "end": _date(measure.ends_on),
            },
            "performer": [performer] if performer else [],
        },
    }


def _team(participants: list[Participant], subject: dict) -> dict:
    return {
        "resourceType": "CareTeam",
        "id": "team",
        "status": "active",
        "subject": subject,
        "participant": [
            {
                "extension": [_ext("participant-contribution", p.contribution)],
                "role": [{"coding": [{"system": PARTICIPANT_KIND, "code": p.kind}]}],
                "member": {"display": p.name},
                "onBehalfOf": _party(p.unit, p.partner),
            }
            for p in participants
        ],
    }


def care_plan(plan: IndividualPlan, municipality_number: str, extra_identifiers=()) -> dict:
    """``plan`` with goals, measures (with responsible unit/partner) and
    participants prefetched (``plans.services.with_content``)."""
    subject = {"reference": f"Patient/{plan.person_id}"}
    goals = list(plan.goals.all())
    goal_ids = {goal.pk: f"goal-{n}" for n, goal in enumerate(goals, start=1)}
    participants = list(plan.participants.all())
    contained = [_goal(g, goal_ids[g.pk], subject) for g in goals]
    if participants:
        contained.append(_team(participants, subject))
    measures = sorted(plan.measures.all(), key=lambda m: (list(goal_ids).index(m.goal_id), m.pk))
    identifiers = [urn("plan", municipality_number, plan.pk), *extra_identifiers]
    return validate(
        _clean(
            {
                "resourceType": "CarePlan",
                "id": str(plan.pk),
                "meta": {
                    "versionId": str(plan.version),
                    # What _lastUpdated searches (fhir_search).
                    "lastUpdated": plan.updated_at.isoformat() if plan.updated_at else None,
                },
                "identifier": [_identifier(v) for v in identifiers],
                "extension": [_ext(f"ip-{name}", getattr(plan, name)) for name in PLAN_TEXTS]
                + [
                    _ext(f"ip-{name}", _date(getattr(plan, name)), "valueDate")
                    for name in PLAN_DATES
                ],
                "status": PLAN_STATUS[plan.status],
                "intent": "plan",
                "category": [
                    {
                        "coding": [
                            {
                                "system": PLAN_KIND,
                                "code": plan.kind,
                                "display": plan.get_kind_display(),
                            }
                        ]
                    }
                ],
                "title": str(plan.get_kind_display()),
                "subject": subject,
                "period": {"start": _date(plan.period_start), "end": _date(plan.period_end)},
                "contained": contained,
                "careTeam": [{"reference": "#team"}] if participants else [],
                "goal": [{"reference": f"#{goal_ids[g.pk]}"} for g in goals],
                "activity": [_activity(m, f"#{goal_ids[m.goal_id]}") for m in measures],
            }
        )
    )


# --- CareTeam: the responsibility group -----------------------------------------------


def care_team(group, municipality_number: str) -> dict:
    members = [m for m in group.members.all() if m.left_on is None]
    return validate(
        _clean(
            {
                "resourceType": "CareTeam",
                "id": str(group.pk),
                "identifier": [_identifier(urn("group", municipality_number, group.pk))],
                "status": "active",
                "name": "Ansvarsgruppe",
                "subject": {"reference": f"Patient/{group.person_id}"},
                "participant": [
                    {
                        "role": [
                            {
                                "coding": [{"system": MEMBER_KIND, "code": m.kind}],
                                "text": m.role,
                            }
                        ],
                        "member": {"display": m.name},
                        "onBehalfOf": _party(m.unit, m.partner),
                    }
                    for m in members
                ],
            }
        )
    )


# --- Consent ---------------------------------------------------------------------------


def consent(item: Consent, municipality_number: str, extra_identifiers=()) -> dict:
    """``item`` with ``scopes`` (and their unit and partner) prefetched."""
    state = item.status()
    status = CONSENT_STATUS_WITHDRAWN if state == "trukket" else CONSENT_STATUS[state]
    scopes = sorted(
        item.scopes.all(),
        key=lambda s: (
            s.unit.code if s.unit else "",
            s.partner.code if s.partner else "",
            s.category,
        ),
    )
    identifiers = [urn("consent", municipality_number, item.pk), *extra_identifiers]
    return validate(
        _clean(
            {
                "resourceType": "Consent",
                "id": str(item.pk),
                "identifier": [_identifier(v) for v in identifiers],
                "extension": [
                    _ext("consent-purpose", item.purpose),
                    _ext("consent-given-how", item.given_how, "valueCode"),
                    _ext("consent-given-by", item.given_by, "valueCode"),
                    _ext("consent-giver-name", item.giver_name),
                    _ext("consent-covers-plan", item.covers_plan, "valueBoolean"),
                    _ext("consent-form-version", item.form_version),
                    _ext(
                        "consent-withdrawn",
                        item.withdrawn_at.isoformat() if item.withdrawn_at else None,
                        "valueDateTime",
                    ),
                ],
                "status": status,
                "scope": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                            "code": "patient-privacy",
                        }
                    ]
                },
                "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                "patient": {"reference": f"Patient/{item.person_id}"},
                "dateTime": item.created_at.isoformat() if item.created_at else None,
                "policyRule": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                            "code": "OPTIN",
                        }
                    ]
                },
                "provision": {
                    "type": "permit",
                    "period": {"start": _date(item.valid_from), "end": _date(item.valid_to)},
                    "provision": [
                        {
                            "type": "permit",
                            "actor": [
                                {
                                    "role": {
                                        "coding": [
                                            {
                                                "system": "http://terminology.hl7.org/"
                                                "CodeSystem/v3-ParticipationType",
                                                "code": "IRCP",
                                            }
                                        ]
                                    },
                                    "reference": _party(s.unit, s.partner),
                                }
                            ],
                            "code": [
                                {"coding": [{"system": CONSENT_CATEGORY, "code": s.category}]}
                            ],
                        }
                        for s in scopes
                    ],
                },
            }
        )
    )


# --- Bundle, OperationOutcome, CapabilityStatement -----------------------------------------


def searchset(
    resources: list[dict],
    total: int | None,
    base: str,
    links: list[dict[str, str]] | None = None,
    outcome: dict | None = None,
) -> dict:
    """A search's answer: the matches on this page, the total over all pages,
    the paging links, and an OperationOutcome telling what was ignored.
    ``total``: None leaves it out, which FHIR allows (Bundle.total is 0..1) — for
    a search whose matches were not all counted (docs/performance.md)."""
    entries = [
        {
            "fullUrl": f"{base}{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    if outcome is not None:
        entries.append({"resource": outcome, "search": {"mode": "outcome"}})
    bundle: dict = {"resourceType": "Bundle", "type": "searchset"}
    if total is not None:
        bundle["total"] = total
    if links:
        bundle["link"] = links
    # "entry" even when empty, as clients of this API have always read it.
    return validate({**bundle, "entry": entries})


def outcome(issues: list[tuple[str, str]], code: str = "invalid", severity: str = "error") -> dict:
    """Every error (and warning), as FHIR says they are told."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": severity, "code": code, "diagnostics": what, "expression": [where]}
            if where
            else {"severity": severity, "code": code, "diagnostics": what}
            for where, what in issues
        ],
    }


def capability_statement(
    base: str, software_version: str, searches: dict[str, list[tuple[str, str, str]]]
) -> dict:
    """``searches``: per resource type, its search parameters as (name, type,
    documentation), read from the search views themselves (``fhir_search``),
    so what is declared is what is served."""

    def resource(kind: str, params: list[tuple[str, str, str]]) -> dict:
        return _clean(
            {
                "type": kind,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [
                    {"name": name, "type": type_, "documentation": doc}
                    for name, type_, doc in params
                ],
            }
        )

    return validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-01-01",
            "kind": "instance",
            "software": {"name": "Helhet", "version": software_version},
            "implementation": {"description": "Helhet FHIR R4", "url": base},
            "fhirVersion": FHIR_VERSION,
            "format": [CONTENT_TYPE, "json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "description": "Personlig API-nøkkel (Authorization: Token …) eller "
                        "OIDC bearer-token. Hver lesing går gjennom tilgangskontrollen og logges."
                    },
                    "resource": [
                        resource(kind, params) for kind, params in sorted(searches.items())
                    ],
                    "interaction": [{"code": "transaction"}],
                }
            ],
        }
    )


# --- QuestionnaireResponse: a needs mapping (kartlegging) ------------------------------------

MAPPING_QUESTIONNAIRE = "urn:helhet:questionnaire:kartlegging"
MAPPING_LEVEL = "urn:helhet:mapping-level"


def _answer_item(link_id: str, text: str, answer: dict | None, items=()) -> dict | None:
    if answer is None:
        return None
    return {"linkId": link_id, "text": text, "answer": [{**answer, "item": list(items)}]}


def questionnaire_response(mapping, municipality_number: str) -> dict:
    """``mapping`` with ``scores`` prefetched: one item per life domain."""
    scores = [
        _answer_item(
            s.domain,
            str(s.get_domain_display()),
            {
                "valueCoding": {
                    "system": MAPPING_LEVEL,
                    "code": str(s.level),
                    "display": str(s.get_level_display()),
                }
            },
            [_answer_item(f"{s.domain}.merknad", "Merknad", {"valueString": s.note})]
            if s.note
            else (),
        )
        for s in sorted(mapping.scores.all(), key=lambda s: s.domain)
    ]
    return validate(
        _clean(
            {
                "resourceType": "QuestionnaireResponse",
                "id": str(mapping.pk),
                "identifier": _identifier(urn("mapping", municipality_number, mapping.pk)),
                "questionnaire": MAPPING_QUESTIONNAIRE,
                "status": "completed",
                "subject": {"reference": f"Patient/{mapping.person_id}"},
                "authored": _date(mapping.mapped_on),
                "author": {"display": mapping.mapped_by_name},
                "item": [
                    _answer_item(
                        "personen-til-stede",
                        "Personen var til stede",
                        {"valueBoolean": mapping.person_present},
                    ),
                    _answer_item(
                        "tjenester",
                        "Tjenester personen mottar",
                        {"valueString": mapping.services_received}
                        if mapping.services_received
                        else None,
                    ),
                    _answer_item(
                        "omsorg-for-barn",
                        "Omsorg for barn under 18 år",
                        {"valueString": mapping.cares_for_children},
                    ),
                    *scores,
                ],
            }
        )
    )
