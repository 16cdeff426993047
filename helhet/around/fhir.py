"""A message to or from the GP as a FHIR R4 ``Communication`` (HL7 FHIR 4.0.1,
validated by ``fhir.resources`` like the rest of ``helhet.api.fhir``).

The structured parts of a message about the plan — what changed, the plan in
brief, the coordinator — travel as separate payloads, each titled in
Norwegian, so the GP's system shows them apart; the plan is referenced by the
same URN the CarePlan export uses."""

from helhet.api import fhir as base
from helhet.around.models import GpMessage

CONTENT_TYPE = base.CONTENT_TYPE
CATEGORY_SYSTEM = "urn:helhet:communication-category"


def _payload(title: str, text: str) -> dict | None:
    return {"contentString": f"{title}: {text.strip()}"} if text and text.strip() else None


def communication(message: GpMessage, municipality_number: str) -> dict:
    person = message.person
    subject = {"identifier": base.person_identifier(person), "display": person.full_name}
    gp = message.gp
    gp_party = (
        base._party(partner=gp.partner)
        if gp is not None and gp.partner is not None
        else {"display": gp.name}
        if gp is not None
        else {"display": "Fastlege"}
    )
    unit_party = base._party(unit=message.unit)
    to_gp = message.direction == GpMessage.Direction.TO_GP
    plan = None
    if message.about_plan:
        plan = person.plans.open().order_by("-offered_on").first()
    payload = [
        _payload("Hva er endret", message.what_changed),
        _payload("Planen", message.plan_summary),
        _payload("Koordinator", message.coordinator),
        _payload("Melding", message.text),
    ]
    resource = {
        "resourceType": "Communication",
        "id": str(message.pk),
        "identifier": [base._identifier(base.urn("gp-message", municipality_number, message.pk))],
        "status": "completed",
        "category": [
            {
                "coding": [
                    {
                        "system": CATEGORY_SYSTEM,
                        "code": "individuell-plan" if message.about_plan else "melding",
                        "display": "Individuell plan" if message.about_plan else "Melding",
                    }
                ]
            }
        ],
        "subject": subject,
        "about": (
            [{"identifier": base._identifier(base.urn("plan", municipality_number, plan.pk))}]
            if plan is not None
            else []
        ),
        "sent": message.sent_on.isoformat(),
        "recipient": [gp_party if to_gp else unit_party],
        "sender": unit_party if to_gp else gp_party,
        "payload": [p for p in payload if p],
    }
    return base.validate(base._clean(resource))


REFERRAL_STATUS = {
    "venter": "active",
    "tatt_imot": "active",
    "avvist": "revoked",
    "trukket": "revoked",
    "avsluttet": "completed",
}
REFERRAL_SERVICE = "urn:helhet:referral-service"


def service_request(referral, municipality_number: str) -> dict:
    """A referral as a FHIR R4 ``ServiceRequest``: the municipality's unit
    requests and the specialist service performs (or the other way round for a
    referral received); the status and answer travel as status and note."""
    from helhet.around.models import Referral

    person = referral.person
    unit_party = base._party(unit=referral.unit)
    other = (
        base._party(partner=referral.partner)
        if referral.partner is not None
        else {"display": referral.counterpart}
    )
    sent = referral.direction == Referral.Direction.SENT
    notes = [
        f"Status: {referral.get_status_display()}",
        f"Svar {referral.answered_on:%d.%m.%Y}: {referral.answer}"
        if referral.answered_on and referral.answer
        else "",
    ]
    resource = {
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "identifier": [base._identifier(base.urn("referral", municipality_number, referral.pk))],
        "status": REFERRAL_STATUS[referral.status],
        "intent": "order",
        "code": {
            "coding": [
                {
                    "system": REFERRAL_SERVICE,
                    "code": referral.service,
                    "display": referral.get_service_display(),
                }
            ],
            "text": referral.get_service_display(),
        },
        "subject": {"identifier": base.person_identifier(person), "display": person.full_name},
        "authoredOn": referral.sent_on.isoformat(),
        "requester": unit_party if sent else other,
        "performer": [other if sent else unit_party],
        "reasonCode": [{"text": referral.reason}] if referral.reason else [],
        "note": [{"text": text} for text in notes if text],
    }
    return base.validate(base._clean(resource))


# --- Outside services as Organization (and the GP as Practitioner) -----------------

EXTERNAL_KIND = "urn:helhet:external-service-kind"


def _external_identifiers(service, municipality_number: str) -> list[dict]:
    found = [base._identifier(base.urn("external-service", municipality_number, service.pk))]
    if service.partner is not None:
        found.append({"system": base.PARTNER, "value": service.partner.code})
    return found


def _active(service, today) -> bool:
    return service.valid_from <= today and (service.valid_to is None or service.valid_to >= today)


def organization(service, municipality_number: str, today) -> dict:
    """An outside service around the person (DPS, TSB, child welfare, the
    correctional service, the county's follow-up service...) as a FHIR R4
    ``Organization``; the contact person travels as ``contact``, the period
    the person has the service as ``active`` today."""
    telecom = [{"system": "phone", "value": service.phone}] if service.phone else []
    resource = {
        "resourceType": "Organization",
        "id": str(service.pk),
        "identifier": _external_identifiers(service, municipality_number),
        "active": _active(service, today),
        "type": [
            {
                "coding": [
                    {
                        "system": EXTERNAL_KIND,
                        "code": service.kind,
                        "display": service.get_kind_display(),
                    }
                ],
                "text": service.get_kind_display(),
            }
        ],
        "name": service.partner.name if service.partner is not None else service.name,
        "alias": [service.name] if service.partner is not None else [],
        "telecom": telecom,
        "contact": (
            [{"name": {"text": service.contact_person}, "telecom": telecom}]
            if service.contact_person
            else []
        ),
    }
    return base.validate(base._clean(resource))


def practitioner(service, municipality_number: str, today) -> dict:
    """The person's GP (fastlege) as a FHIR R4 ``Practitioner``: the named
    doctor if registered, else the practice's name."""
    resource = {
        "resourceType": "Practitioner",
        "id": str(service.pk),
        "identifier": _external_identifiers(service, municipality_number),
        "active": _active(service, today),
        "name": [{"text": service.contact_person or service.name}],
        "telecom": [{"system": "phone", "value": service.phone}] if service.phone else [],
    }
    return base.validate(base._clean(resource))


# --- Relatives as RelatedPerson ---------------------------------------------------

# HL7 v3 RoleCode, the value set FHIR R4 binds RelatedPerson.relationship to.
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
RELATION_CODES = {
    "forelder": ("PRN", "parent"),
    "partner": ("SIGOTHR", "significant other"),
    "barn": ("CHILD", "child"),
    "sosken": ("SIB", "sibling"),
    "annen": ("FAMMEMB", "family member"),
}


def related_person(relative, municipality_number: str) -> dict:
    """A relative (pårørende) as a FHIR R4 ``RelatedPerson``: the kinship as a
    v3 RoleCode; a guardian (verge, v3 GUARD) and a proxy (fullmektig, v3
    POWATT, power of attorney) as further relationships beside it."""
    code, display = RELATION_CODES.get(relative.relation, RELATION_CODES["annen"])
    roles = [
        {
            "coding": [{"system": ROLE_CODE, "code": code, "display": display}],
            "text": relative.get_relation_display(),
        }
    ]
    if relative.is_guardian:
        roles.append({"coding": [{"system": ROLE_CODE, "code": "GUARD"}], "text": "Verge"})
    if relative.is_proxy:
        roles.append({"coding": [{"system": ROLE_CODE, "code": "POWATT"}], "text": "Fullmektig"})
    telecom = [
        {"system": "phone", "value": relative.phone},
        {"system": "email", "value": relative.email},
    ]
    resource = {
        "resourceType": "RelatedPerson",
        "id": str(relative.pk),
        "identifier": [base._identifier(base.urn("relative", municipality_number, relative.pk))],
        "active": True,
        "patient": {"reference": f"Patient/{relative.person_id}"},
        "relationship": roles,
        "name": [{"text": relative.name}],
        "telecom": [t for t in telecom if t["value"]],
    }
    return base.validate(base._clean(resource))
