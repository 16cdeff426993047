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
