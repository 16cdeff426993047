"""Registering, deciding, signing, starting: through the views, as users do."""

import datetime as dt

import pytest
import time_machine

from helhet import testing
from helhet.access import gate
from helhet.access.models import AccessLogEntry
from helhet.intake.models import Appeal, Application, Decision
from helhet.intake.tests.builders import application, decision
from helhet.people.models import Person, Service

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2025, 3, 10, 10, 0), tick=False):
        yield


def login(client, user):
    client.force_login(user)
    return client


def post_registration(client, world, **overrides):
    data = {
        "unit": world.units.allocation.pk,
        "national_id": "",
        "given_name": "Ola",
        "family_name": "Nordmann",
        "kind": Application.Kind.HEALTH_CARE,
        "channel": Application.Channel.ORAL,
        "source": Application.Source.RELATIVE,
        "source_name": "Kari Nordmann (datter)",
        "received_on": "2025-03-03",
        "summary": "Ringte om hjemmesykepleie etter sykehusopphold.",
    }
    data["national_id"] = Person(national_id="").national_id or overrides.pop("national_id", None)
    data.update(overrides)
    return client.post("/inntak/ny/", data)


def new_national_id():
    from helhet.people import identity

    return identity.synthetic_national_id(testing._rng, dt.date(1950, 2, 2), "M")


def test_caseworker_registers_an_oral_application_for_an_unknown_person(client, world):
    login(client, world.users.caseworker)
    response = post_registration(client, world, national_id=new_national_id())
    app = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/inntak/soknad/{app.pk}/"
    assert app.person.full_name == "Ola Nordmann"
    assert app.written_down_by == world.users.caseworker
    page = client.get(response["Location"]).content.decode()
    assert "Muntlig (skrevet ned)" in page
    assert "Kari Nordmann (datter)" in page
    # The read is logged with the intake basis: the person will see it.
    entry = AccessLogEntry.objects.filter(person=app.person, granted=True).last()
    assert entry.basis == "soknad_til_enhet"


def test_registering_for_a_known_person_reuses_them(client, world):
    person = testing.person(world.muni)
    login(client, world.users.caseworker)
    post_registration(client, world, national_id=person.national_id, given_name="", family_name="")
    assert Application.objects.get().person == person
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"national_id": "12345678901"}, "kontrollsiffer"),
        ({"given_name": "", "family_name": ""}, "Fyll ut fornavn og etternavn"),
        ({"source_name": ""}, "Skriv hvem som sendte henvendelsen"),
        ({"received_on": "2025-03-11"}, "kan ikke være fram i tid"),
    ],
)
def test_bad_registration_is_refused_and_nothing_saved(client, world, overrides, message):
    login(client, world.users.caseworker)
    overrides.setdefault("national_id", new_national_id())
    response = post_registration(client, world, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists()
    assert not Person.objects.exists()


def test_only_receiving_roles_register(client, world):
    login(client, world.users.provider)
    assert client.get("/inntak/ny/").status_code == 403


def test_service_provider_cannot_read_an_application_to_another_unit(client, world):
    app = application(world)
    login(client, world.users.provider)
    assert client.get(f"/inntak/soknad/{app.pk}/").status_code == 403
    assert AccessLogEntry.objects.get(person=app.person).flagged


def test_another_municipality_sees_404(client, world):
    app = application(world)
    other = testing.municipality(name="Eidskog")
    stranger = testing.staff(testing.unit(other, "tildeling"), "saksbehandler")
    login(client, stranger)
    assert client.get(f"/inntak/soknad/{app.pk}/").status_code == 404
    assert client.get("/inntak/soknad/999999/").status_code == 404


def decision_data(world, **overrides):
    data = {
        "outcome": Decision.Outcome.GRANTED,
        "decided_on": "2025-03-05",
        "service_name": "Hjemmesykepleie",
        "scope": "Tre besøk per uke",
        "provider": world.units.provider.pk,
        "period_from": "2025-03-10",
        "period_to": "",
        "evaluation_on": "2025-06-01",
        "reasons": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"decided_on": "2025-01-14"}, "Vedtaksdatoen kan ikke være før søknaden ble mottatt"),
        ({"scope": ""}, "Et innvilget vedtak må ha omfang."),
        ({"provider": ""}, "Et innvilget vedtak må ha en utførende enhet."),
        ({"evaluation_on": ""}, "Et innvilget vedtak må ha en dato for evaluering."),
        ({"outcome": Decision.Outcome.REFUSED}, "Et avslag må begrunnes"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_saved(client, world, overrides, message):
    app = application(world)
    login(client, world.users.caseworker)
    response = client.post(f"/inntak/soknad/{app.pk}/vedtak/", decision_data(world, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Decision.objects.exists()
    app.refresh_from_db()
    assert app.status == Application.Status.RECEIVED


def test_decide_sign_start_creates_the_service_and_the_providers_relation(client, world):
    app = application(world)
    login(client, world.users.caseworker)
    response = client.post(f"/inntak/soknad/{app.pk}/vedtak/", decision_data(world))
    d = Decision.objects.get()
    assert response["Location"] == f"/inntak/vedtak/{d.pk}/"
    # The provider cannot see the decision until the unit head has signed it.
    login(client, world.users.provider)
    assert client.get(f"/inntak/vedtak/{d.pk}/").status_code == 403
    # The caseworker cannot be the second signature.
    login(client, world.users.caseworker)
    assert client.post(f"/inntak/vedtak/{d.pk}/signer/").status_code == 403
    login(client, world.users.head)
    client.post(f"/inntak/vedtak/{d.pk}/signer/")
    d.refresh_from_db()
    assert d.approved_by == world.users.head
    assert not gate.decide(world.users.provider, app.person, "vis", category=gate.BASIC).granted
    login(client, world.users.provider)
    page = client.get(f"/inntak/vedtak/{d.pk}/").content.decode()
    assert "Bekreft oppstart" in page
    client.post(f"/inntak/vedtak/{d.pk}/oppstart/", {"started_on": "2025-03-10"})
    service = Service.objects.get(person=app.person)
    assert (service.unit, service.basis, service.valid_from) == (
        world.units.provider,
        Service.Basis.DECISION,
        dt.date(2025, 3, 10),
    )
    assert service.decision_reference == d.reference
    assert gate.decide(world.users.provider, app.person, "vis", category=gate.BASIC).granted


def test_start_before_the_decision_date_is_refused(client, world):
    d = decision(world, application(world))
    login(client, world.users.provider)
    response = client.post(f"/inntak/vedtak/{d.pk}/oppstart/", {"started_on": "2025-01-20"})
    assert response.status_code == 400
    assert "Tjenesten kan ikke starte før vedtaksdatoen." in response.content.decode()
    assert not Service.objects.exists()


def test_unstarted_decision_shows_for_provider_and_allocation_unit(client, world):
    app = application(world)
    d = decision(world, app, period_from=dt.date(2025, 3, 1))
    login(client, world.users.provider)
    page = client.get("/inntak/arbeidsliste/").content.decode()
    assert "Bekreft oppstart av tjenesten" in page
    assert app.person.full_name in page
    login(client, world.users.caseworker)
    page = client.get("/inntak/arbeidsliste/").content.decode()
    assert "Vedtak ikke startet hos utførende enhet" in page
    assert "Frist passert" in page
    d.started_on = dt.date(2025, 3, 2)
    d.save()
    assert "Vedtak ikke startet" not in client.get("/inntak/arbeidsliste/").content.decode()


def test_decision_letter_is_a_pdf_and_the_print_is_logged(client, world):
    d = decision(world, application(world))
    login(client, world.users.caseworker)
    response = client.get(f"/inntak/vedtak/{d.pk}/brev.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(action="utskrift", what="vedtaksbrev").exists()


def test_a_health_care_letter_in_the_digital_mailbox_gives_four_weeks_from_that_day(client, world):
    # pbrl. § 7-5: four weeks; eForvaltningsforskriften § 11: from the day the
    # decision was made available in the mailbox (Monday 3 March 2025).
    d = decision(world, application(world))
    login(client, world.users.caseworker)
    response = client.post(
        f"/inntak/vedtak/{d.pk}/brev-sendt/", {"day": "2025-03-03", "delivery": "digital"}
    )
    assert response.status_code == 302
    page = client.get(f"/inntak/vedtak/{d.pk}/").content.decode()
    assert "31.03.2025" in page
    assert "4 uker til Statsforvalteren" in page
    letter = client.get(f"/inntak/vedtak/{d.pk}/brev.pdf")
    assert letter.content.startswith(b"%PDF")


def test_a_letter_by_post_starts_no_deadline_until_its_arrival_is_recorded(client, world):
    d = decision(world, application(world))
    login(client, world.users.caseworker)
    client.post(f"/inntak/vedtak/{d.pk}/brev-sendt/", {"day": "2025-03-03", "delivery": "post"})
    page = client.get(f"/inntak/vedtak/{d.pk}/").content.decode()
    assert "Løper ikke ennå: registrer hvilken dag brevet kom fram." in page
    early = client.post(f"/inntak/vedtak/{d.pk}/brev-mottatt/", {"day": "2025-03-01"})
    assert early.status_code == 400
    assert "Brevet kan ikke ha kommet fram før det ble sendt." in early.content.decode()
    client.post(f"/inntak/vedtak/{d.pk}/brev-mottatt/", {"day": "2025-03-05"})
    d.refresh_from_db()
    assert d.letter_received_on == dt.date(2025, 3, 5)
    assert "02.04.2025" in client.get(f"/inntak/vedtak/{d.pk}/").content.decode()


def test_a_letter_without_a_delivery_channel_is_refused_and_nothing_saved(client, world):
    d = decision(world, application(world))
    login(client, world.users.caseworker)
    response = client.post(f"/inntak/vedtak/{d.pk}/brev-sendt/", {"day": "2025-03-03"})
    assert response.status_code == 400
    assert "Velg hvordan brevet ble levert." in response.content.decode()
    d.refresh_from_db()
    assert d.letter_sent_on is None


def test_a_social_services_letter_handed_over_gives_three_weeks(client, world):
    # sotjl. § 48 with fvl. § 29: three weeks from the day the notice reached the party.
    app = application(world, unit=world.units.nav, kind=Application.Kind.GUIDANCE)
    d = decision(world, app, outcome=Decision.Outcome.REFUSED, reasons="Ikke behov.")
    login(client, world.users.nav)
    client.post(
        f"/inntak/vedtak/{d.pk}/brev-sendt/", {"day": "2025-03-03", "delivery": "personlig"}
    )
    d.refresh_from_db()
    assert d.appeal_deadline == dt.date(2025, 3, 24)
    page = client.get(f"/inntak/vedtak/{d.pk}/").content.decode()
    assert "3 uker til Statsforvalteren" in page


def test_an_appeal_is_shown_late_or_in_time_and_a_posted_appeal_counts_from_posting(client, world):
    d = decision(world, application(world), outcome=Decision.Outcome.REFUSED, reasons="Nei.")
    d.letter_sent_on = d.letter_received_on = dt.date(2025, 1, 27)
    d.letter_delivery = "post"
    d.save()
    # Four weeks from Monday 27 January 2025: Monday 24 February.
    login(client, world.users.caseworker)
    client.post(
        f"/inntak/vedtak/{d.pk}/klage/",
        {"received_on": "2025-02-26", "posted_on": "2025-02-24", "grounds": "Uenig"},
    )
    client.post(f"/inntak/vedtak/{d.pk}/klage/", {"received_on": "2025-02-25", "grounds": "Sent"})
    timings = {a.grounds: a.timing for a in Appeal.objects.all()}
    assert timings == {"Uenig": "i_tide", "Sent": "for_sent"}
    page = client.get(f"/inntak/vedtak/{d.pk}/").content.decode()
    assert "Kom i tide" in page and "Kom for sent" in page


def test_appeals_are_registered_and_tracked(client, world):
    d = decision(world, application(world), outcome=Decision.Outcome.REFUSED, reasons="Ikke behov.")
    login(client, world.users.caseworker)
    bad = client.post(
        f"/inntak/vedtak/{d.pk}/klage/", {"received_on": "2025-01-01", "grounds": "x"}
    )
    assert bad.status_code == 400
    assert "En klage kan ikke være mottatt før vedtaket ble fattet." in bad.content.decode()
    client.post(f"/inntak/vedtak/{d.pk}/klage/", {"received_on": "2025-03-03", "grounds": "Uenig"})
    appeal = Appeal.objects.get()
    assert "Behandle klage" in client.get("/inntak/arbeidsliste/").content.decode()
    client.post(
        f"/inntak/vedtak/{d.pk}/klage/{appeal.pk}/status/",
        {
            f"klage{appeal.pk}-status": Appeal.Status.FORWARDED,
            f"klage{appeal.pk}-day": "2025-03-08",
        },
    )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.FORWARDED
    assert "Oversendt Statsforvalteren" in client.get(f"/inntak/vedtak/{d.pk}/").content.decode()


def test_acknowledgement_and_preliminary_answer_are_recorded_and_printable(client, world):
    app = application(world)
    login(client, world.users.caseworker)
    assert client.get(f"/inntak/soknad/{app.pk}/brev/kvittering.pdf").content.startswith(b"%PDF")
    client.post(f"/inntak/soknad/{app.pk}/kvittering/", {"day": "2025-01-16"})
    bad = client.post(
        f"/inntak/soknad/{app.pk}/forelopig-svar/",
        {"sent_on": "2025-02-10", "reason": "Venter på fastlege", "expected_by": "2025-02-01"},
    )
    assert "Forventet svardato må være etter" in bad.content.decode()
    client.post(
        f"/inntak/soknad/{app.pk}/forelopig-svar/",
        {"sent_on": "2025-02-10", "reason": "Venter på fastlege", "expected_by": "2025-03-20"},
    )
    app.refresh_from_db()
    assert (app.acknowledged_on, app.preliminary_sent_on) == (
        dt.date(2025, 1, 16),
        dt.date(2025, 2, 10),
    )
    page = client.get(f"/inntak/soknad/{app.pk}/").content.decode()
    assert "Utført i tide" in page
    assert client.get(f"/inntak/soknad/{app.pk}/brev/forelopig-svar.pdf").status_code == 200


def test_investigation_note_moves_the_case_to_investigation(client, world):
    app = application(world)
    login(client, world.users.caseworker)
    client.post(
        f"/inntak/soknad/{app.pk}/notat/",
        {"kind": "hjemmebesok", "noted_on": "2025-02-01", "text": "Trapp uten rekkverk."},
    )
    app.refresh_from_db()
    assert app.status == Application.Status.INVESTIGATING
    assert "Trapp uten rekkverk." in client.get(f"/inntak/soknad/{app.pk}/").content.decode()


def test_statistics_show_processing_time_and_refusal_rate(client, world):
    for days, outcome in [(10, "innvilget"), (20, "avslag"), (45, "innvilget")]:
        app = application(world, received_on=dt.date(2025, 1, 2))
        decision(
            world,
            app,
            outcome=outcome,
            decided_on=app.received_on + dt.timedelta(days),
            reasons="r",
        )
    login(client, world.users.head)
    page = client.get("/inntak/statistikk/").content.decode()
    assert "<td>01.2025</td><td>2</td><td>1</td>" in page.replace("\n", "").replace("    ", "")
    assert "<td>02.2025</td><td>1</td><td>0</td>" in page.replace("\n", "").replace("    ", "")
    login(client, world.users.provider)
    assert client.get("/inntak/statistikk/").status_code == 403
