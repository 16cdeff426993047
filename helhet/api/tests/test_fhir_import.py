import copy
import datetime as dt
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action
from helhet.api import fhir, tokens
from helhet.consent.models import Consent, ConsentEvent, RequestedHow
from helhet.organisation.models import ExternalPartner, Role, Unit
from helhet.people.models import Person
from helhet.plans.models import IndividualPlan, PlanVersion
from helhet.portal import notices
from helhet.portal.models import StaffAct

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user, 'test')[1]}")
    return client


def _export(client, person_id) -> list[dict]:
    """The person's Patient, CarePlans and Consents, as a client would fetch them."""
    patient = client.get(reverse("fhir:patient", kwargs={"person_id": person_id})).json()
    found = []
    for name in ("fhir:care_plans", "fhir:consents"):
        bundle = client.get(reverse(name), {"patient": f"Patient/{person_id}"}).json()
        found += [e["resource"] for e in bundle["entry"]]
    return [patient, *found]


def _bundle(resources, base="https://kilde.example/fhir/r4/") -> dict:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"{base}{r['resourceType']}/{r['id']}",
                "resource": r,
                "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
            }
            for r in resources
        ],
    }


def _post(client, bundle, content_type=FHIR_JSON):
    body = bundle if isinstance(bundle, str) else json.dumps(bundle)
    return client.generic("POST", reverse("fhir:base"), body, content_type)


def _normalised(resource):
    """Ids, versions, our identifiers and the record time differ between two
    municipalities; everything else must be the same."""
    if isinstance(resource, list):
        return [_normalised(r) for r in resource]
    if not isinstance(resource, dict):
        return resource
    skip = {"id", "meta", "identifier", "dateTime"} if "resourceType" in resource else set()
    out = {}
    for key, value in resource.items():
        if key in skip and not (key == "id" and str(value).startswith(("goal-", "team"))):
            continue
        if key == "reference" and str(value).startswith("Patient/"):
            value = "Patient/*"
        out[key] = _normalised(value)
    return out


def _given_how(resources, drop=False):
    """The Consents' consent-given-how codes, or the resources without them."""
    url = f"{fhir.EXT}consent-given-how"
    if not drop:
        return [
            ext["valueCode"]
            for r in resources
            if r["resourceType"] == "Consent"
            for ext in r["extension"]
            if ext["url"] == url
        ]
    resources = copy.deepcopy(resources)
    for r in resources:
        r["extension"] = [e for e in r.get("extension", []) if e["url"] != url]
    return resources


def _empty_municipality(demo):
    """Another municipality with the same organisation and no persons."""
    other = t.municipality(name="Nabokommune")
    for unit in Unit.objects.filter(municipality=demo.ctx.municipality):
        Unit.objects.create(municipality=other, code=unit.code, name=unit.name, kind=unit.kind)
    for partner in ExternalPartner.objects.filter(municipality=demo.ctx.municipality):
        ExternalPartner.objects.create(
            municipality=other, code=partner.code, name=partner.name, kind=partner.kind
        )
    ke = t.staff(Unit.objects.get(municipality=other, code="ke"), Role.COORDINATING_UNIT)
    return other, ke


def test_round_trip_into_another_municipality(demo):
    person = demo.ctx.persons[0]
    source = demo.client("koordinator")
    exported = _export(source, person.pk)
    assert {r["resourceType"] for r in exported} == {"Patient", "CarePlan", "Consent"}
    other, ke = _empty_municipality(demo)
    target = _client(ke)

    response = _post(target, _bundle(exported))
    assert response.status_code == 200, response.content
    assert {e["response"]["status"] for e in response.json()["entry"]} == {"201 Created"}
    copy_ = Person.objects.get(municipality=other, national_id=person.national_id)
    again = _export(target, copy_.pk)
    # Everything comes over unchanged, except that the consent is now one
    # imported from another system.
    assert _given_how(again) == ["importert"]
    assert _normalised(_given_how(again, drop=True)) == _normalised(_given_how(exported, drop=True))

    # The same Bundle again changes nothing: no new person, plan, consent or version.
    counts = (Person.objects.count(), Consent.objects.count(), PlanVersion.objects.count())
    repeated = _post(target, _bundle(exported))
    assert repeated.status_code == 200
    assert {e["response"]["status"] for e in repeated.json()["entry"]} == {"200 OK"}
    assert (Person.objects.count(), Consent.objects.count(), PlanVersion.objects.count()) == counts

    # Sent back, the plan is recognised by the source's own identifier.
    back = _post(source_ke := demo.client("ke"), _bundle(again))
    assert back.status_code == 200, back.content
    plan = IndividualPlan.objects.get(person=person, status="aktiv")
    locations = [e["response"].get("location") for e in back.json()["entry"]]
    assert f"CarePlan/{plan.pk}" in locations
    assert _normalised(_export(source_ke, person.pk)) == _normalised(exported)


def test_a_changed_plan_is_updated_as_a_new_version(demo):
    person = demo.ctx.persons[0]
    exported = _export(demo.client("koordinator"), person.pk)
    other, ke = _empty_municipality(demo)
    target = _client(ke)
    assert _post(target, _bundle(exported)).status_code == 200
    plan = IndividualPlan.objects.get(person__municipality=other)
    care_plan = next(r for r in exported if r["resourceType"] == "CarePlan")
    goal = next(c for c in care_plan["contained"] if c["resourceType"] == "Goal")
    goal["description"]["text"] = "Jeg vil ha egen hund"
    response = _post(target, _bundle(exported))
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.goals.filter(text="Jeg vil ha egen hund").exists()
    assert plan.versions.first().summary == "Oppdatert fra FHIR-import"


def test_a_bundle_with_one_bad_resource_changes_nothing(demo):
    exported = _export(demo.client("koordinator"), demo.ctx.persons[0].pk)
    care_plan = next(r for r in exported if r["resourceType"] == "CarePlan")
    care_plan["activity"][0]["detail"]["goal"] = [{"reference": "#finnes-ikke"}]
    other, ke = _empty_municipality(demo)
    response = _post(_client(ke), _bundle(exported))
    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert "activity[0].detail.goal" in body["issue"][0]["expression"][0]
    assert "mål" in body["issue"][0]["diagnostics"]
    assert not Person.objects.filter(municipality=other).exists()


def test_a_resource_that_is_not_valid_fhir_is_refused(demo):
    exported = _export(demo.client("koordinator"), demo.ctx.persons[0].pk)
    exported[0]["gender"] = ["kvinne"]
    other, ke = _empty_municipality(demo)
    response = _post(_client(ke), _bundle(exported))
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    assert not Person.objects.filter(municipality=other).exists()


def test_a_consent_naming_an_unknown_unit_is_refused(demo):
    exported = _export(demo.client("koordinator"), demo.ctx.persons[0].pk)
    other, ke = _empty_municipality(demo)
    consent = next(r for r in exported if r["resourceType"] == "Consent")
    actor = consent["provision"]["provision"][0]["actor"][0]["reference"]
    actor["identifier"]["value"] = "nedlagt-enhet"
    response = _post(_client(ke), _bundle(exported))
    assert response.status_code == 400
    assert "finnes ikke i kommunen" in json.dumps(response.json(), ensure_ascii=False)
    assert not Person.objects.filter(municipality=other).exists()


def test_changing_a_person_without_basis_is_refused_and_logged(demo):
    stranger = t.person(demo.ctx.municipality, born=dt.date(1980, 8, 8))
    patient = demo.client("ke")
    resource = {
        "resourceType": "Patient",
        "id": "x",
        "identifier": [{"system": FNR, "value": stranger.national_id}],
        "name": [{"family": "Endret", "given": ["Navn"]}],
    }
    response = _post(patient, _bundle([resource]))
    assert response.status_code == 403
    assert response.json()["issue"][0]["code"] == "forbidden"
    assert AccessLogEntry.objects.filter(person=stranger, granted=False).count() == 1
    stranger.refresh_from_db()
    assert stranger.family_name != "Endret"


def test_only_the_coordinating_unit_imports(demo):
    response = _post(demo.client("koordinator"), _bundle([]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{ikke json", FHIR_JSON, 400),
        ("<Bundle/>", "application/xml", 415),
        (json.dumps({"resourceType": "Patient"}), FHIR_JSON, 400),
        (json.dumps({"resourceType": "Bundle", "type": "collection"}), FHIR_JSON, 400),
    ],
)
def test_malformed_imports_get_operation_outcomes(demo, body, content_type, status):
    response = _post(demo.client("ke"), body, content_type)
    assert response.status_code == status
    assert response.json()["resourceType"] == "OperationOutcome"


def test_normalising_keeps_what_matters():
    resource = {"resourceType": "Goal", "id": "goal-1", "subject": {"reference": "Patient/7"}}
    assert _normalised(copy.deepcopy(resource)) == {
        "resourceType": "Goal",
        "id": "goal-1",
        "subject": {"reference": "Patient/*"},
    }


# --- identity numbers of every kind, under HL7 Norway's no-basis systems ---------

SYSTEMS = {
    "fnr": "urn:oid:2.16.578.1.12.4.1.4.1",
    "dnr": "urn:oid:2.16.578.1.12.4.1.4.2",
    "fhnr": "urn:oid:2.16.578.1.12.4.1.4.3",
    "hnr": "HNR",
}


def _numbers():
    import random

    from helhet.people import identity

    rng, born = random.Random(8), dt.date(1988, 8, 8)
    return {
        "fnr": identity.synthetic_national_id(rng, born, "K"),
        "dnr": identity.synthetic_national_id(rng, born, "K", d_number=True),
        "hnr": identity.synthetic_national_id(rng, born, "K", h_number=True),
        "fhnr": identity.synthetic_fh_number(rng),
    }


def _patient(number, system, **extra):
    return {
        "resourceType": "Patient",
        "id": f"p{number}",
        "identifier": [{"system": system, "value": number}],
        "name": [{"family": "Nordmann", "given": ["Kari"]}],
        **extra,
    }


def test_each_kind_is_exported_with_its_own_system(demo):
    from helhet.api import fhir

    muni = demo.ctx.municipality
    for kind, number in _numbers().items():
        extra = {"birth_date": dt.date(1988, 8, 8), "gender": "K"} if kind == "fhnr" else {}
        person = Person.objects.create(
            municipality=muni, national_id=number, given_name="Kari", family_name="N", **extra
        )
        assert person.id_type == kind
        (identifier,) = fhir.patient(person)["identifier"]
        assert (identifier["system"], identifier["value"]) == (SYSTEMS[kind], number)
        if kind == "hnr":
            # no-basis: a local H-nummer has type HNR (Volven 8327) and an assigner.
            assert identifier["type"]["coding"][0]["code"] == "HNR"
            assert identifier["assigner"]["display"] == muni.name


def test_each_kind_is_imported_and_its_type_stored(demo):
    other, ke = _empty_municipality(demo)
    numbers = _numbers()
    resources = [
        _patient(number, SYSTEMS[kind])
        | ({"birthDate": "1988-08-08", "gender": "female"} if kind == "fhnr" else {})
        for kind, number in numbers.items()
    ]
    response = _post(_client(ke), _bundle(resources))
    assert response.status_code == 200, response.content
    stored = dict(Person.objects.filter(municipality=other).values_list("national_id", "id_type"))
    assert stored == {number: kind for kind, number in numbers.items()}


def test_a_number_under_another_kinds_system_or_an_fh_without_birth_date_is_refused(demo):
    other, ke = _empty_municipality(demo)
    numbers = _numbers()
    response = _post(
        _client(ke),
        _bundle(
            [
                _patient(numbers["dnr"], SYSTEMS["fnr"]),
                _patient(numbers["fhnr"], SYSTEMS["fhnr"]),
            ]
        ),
    )
    assert response.status_code == 400
    text = json.dumps(response.json(), ensure_ascii=False)
    assert "Nummeret er et D-nummer, men står med systemet for Fødselsnummer." in text
    assert "Et FH-nummer har ingen fødselsdato; oppgi birthDate." in text
    assert not Person.objects.filter(municipality=other).exists()


def test_a_patient_without_a_known_system_is_not_told_must_be_filled(demo):
    other, ke = _empty_municipality(demo)
    response = _post(_client(ke), _bundle([_patient("12345", "urn:example:local")]))
    assert response.status_code == 400
    text = json.dumps(response.json(), ensure_ascii=False)
    assert "må fylles ut" not in text
    assert "mangler identitetsnummer med et kjent system" in text


# --- consents: the importer registers them on the person's behalf -----------------

EMAIL = "kari.importert@example.org"


def _exported_with_email(demo):
    person = demo.ctx.persons[0]
    person.email = EMAIL
    person.save()
    return person, _export(demo.client("koordinator"), person.pk)


def test_an_imported_consent_is_the_privileged_act_flagged_listed_and_told(
    demo, client, django_capture_on_commit_callbacks
):
    """The coordinating unit imports a person with a plan and a consent: the
    consent is registered as staff register one on the consent pages — the
    gate's flagged row, the act on the leader's control page, the person told
    on Min side and by an e-mail without details — recorded as imported."""
    person, exported = _exported_with_email(demo)
    other, ke = _empty_municipality(demo)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(_client(ke), _bundle(exported))
    assert response.status_code == 200, response.content

    copy_ = Person.objects.get(municipality=other, national_id=person.national_id)
    consent = Consent.objects.get(person=copy_)
    assert consent.given_how == Consent.GivenHow.IMPORTED
    assert consent.registered_by == ke
    entry = AccessLogEntry.objects.get(person=copy_, action=Action.REGISTER_CONSENT)
    assert entry.granted and entry.flagged and entry.user == ke
    act = StaffAct.objects.get(person=copy_)
    assert act.kind == StaffAct.Kind.CONSENT_GIVEN
    assert act.consent == consent and act.log_entry == entry
    assert list(notices.open_acts(copy_)) == [act]  # on Min side until seen

    (message,) = mail.outbox
    assert message.to == [EMAIL]
    for detail in (person.given_name, person.family_name, consent.purpose):
        assert detail not in message.body
    assert "/min-side/" in message.body

    leader = t.staff(Unit.objects.get(municipality=other, code="ke"), Role.SECTOR_HEAD)
    client.force_login(leader)
    page = client.get(reverse("access:review")).content.decode()
    section = page.split("Samtykker registrert av ansatte", 1)[1]
    assert copy_.full_name in section and "Importert fra et annet system" in section


def test_a_consent_withdrawn_in_the_other_system_is_withdrawn_as_the_person_asked(demo):
    _person, exported = _exported_with_email(demo)
    other, ke = _empty_municipality(demo)
    assert _post(_client(ke), _bundle(exported)).status_code == 200
    withdrawn_at = (timezone.now() - dt.timedelta(hours=3)).replace(microsecond=0)
    resource = next(r for r in exported if r["resourceType"] == "Consent")
    resource["extension"].append(
        {"url": f"{fhir.EXT}consent-withdrawn", "valueDateTime": withdrawn_at.isoformat()}
    )

    response = _post(_client(ke), _bundle(exported))

    assert response.status_code == 200, response.content
    consent = Consent.objects.get(person__municipality=other)
    assert consent.withdrawn_at == withdrawn_at
    event = consent.events.get(kind=ConsentEvent.Kind.WITHDRAWN)
    assert event.requested_how == RequestedHow.IMPORTED
    assert event.requested_on == timezone.localdate(withdrawn_at)
    entry = AccessLogEntry.objects.get(action=Action.WITHDRAW_CONSENT, person=consent.person)
    assert entry.granted and entry.flagged
    assert StaffAct.objects.filter(
        consent=consent, kind=StaffAct.Kind.CONSENT_WITHDRAWN, log_entry=entry
    ).exists()


def _nothing_written(other) -> None:
    assert not Person.objects.filter(municipality=other).exists()
    assert not Consent.objects.filter(person__municipality=other).exists()
    assert not StaffAct.objects.exists()
    assert not mail.outbox


def test_a_consent_for_a_person_the_importer_has_no_case_relation_to_is_refused(
    demo, django_capture_on_commit_callbacks
):
    """A new person with a consent but no plan: the coordinating unit has no
    case relation to them (hol. § 7-3 gives it the persons with a plan or a
    coordinator case), so it cannot register a consent that opens access."""
    _person, exported = _exported_with_email(demo)
    without_plan = [r for r in exported if r["resourceType"] != "CarePlan"]
    other, ke = _empty_municipality(demo)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(_client(ke), _bundle(without_plan))

    assert response.status_code == 403
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == "forbidden"
    text = body["issue"][0]["diagnostics"]
    assert "Du har ikke tilgang til å registrere eller trekke tilbake samtykke" in text
    assert "Ingen tjenstlig relasjon til personen." in text
    _nothing_written(other)


def test_an_importer_on_emergency_access_alone_cannot_import_a_consent(
    demo, django_capture_on_commit_callbacks
):
    """Emergency access lets the coordinating unit change the person, but
    never register a consent: the whole Bundle is refused, the person's name
    is not changed either, and the refusal is in the person's access log."""
    stranger = t.person(demo.ctx.municipality, born=dt.date(1980, 8, 8))
    ke = demo.user("ke")
    gate.grant_emergency(ke, stranger, reason="Akutt innleggelse, trenger kontaktopplysninger nå")
    _person, exported = _exported_with_email(demo)
    consent = copy.deepcopy(next(r for r in exported if r["resourceType"] == "Consent"))
    consent.update(
        id="fra-annet-system",
        identifier=[{"system": "urn:example:annet-system", "value": "samtykke-77"}],
        patient={"reference": "Patient/x"},
    )
    patient = {
        "resourceType": "Patient",
        "id": "x",
        "identifier": [{"system": FNR, "value": stranger.national_id}],
        "name": [{"family": "Endret", "given": ["Navn"]}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(demo.client("ke"), _bundle([patient, consent]))

    assert response.status_code == 403
    assert "samtykke" in response.json()["issue"][0]["diagnostics"]
    stranger.refresh_from_db()
    assert stranger.family_name != "Endret"
    assert not Consent.objects.filter(person=stranger).exists()
    assert not StaffAct.objects.filter(person=stranger).exists()
    assert not mail.outbox
    refusal = AccessLogEntry.objects.get(person=stranger, action=Action.REGISTER_CONSENT)
    assert not refusal.granted and refusal.flagged


def test_a_resource_that_is_not_fhir_r4_is_told_in_norwegian_and_changes_nothing(db):
    ke = t.staff(t.unit(t.municipality(), Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": FNR, "value": "01017012345"}],
        "birthDate": "1. januar 1970",
        "favouriteColour": "blå",
    }
    response = _post(_client(ke), _bundle([patient]))
    assert response.status_code == 400
    issues = response.json()["issue"]
    where = {i["expression"][0]: i["diagnostics"] for i in issues}
    birth = next(v for k, v in where.items() if k.endswith("birthDate"))
    extra = next(v for k, v in where.items() if k.endswith("favouriteColour"))
    assert birth.startswith("Ugyldig dato")
    assert extra.startswith("Elementet finnes ikke i denne ressurstypen")
    assert not Person.objects.exists()
