"""The intake workflow in a real browser: an oral application is registered,
decided, signed and started; a KE officer assigns coordinator responsibility
and sees it escalate 15 days later.

time_machine patches the clock process-wide, so the live server's thread sees
the moved date too (asserted below through the deadline the page shows).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from helhet import testing
from helhet.intake.models import Application
from helhet.intake.tests.builders import application, decision
from helhet.people import identity
from helhet.people.models import Service

OSLO = ZoneInfo("Europe/Oslo")


def login(page, user):
    page.context.clear_cookies()
    testing.browser_login(page, user.username, testing.PASSWORD)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_oral_application_to_started_service_and_coordinator_escalation(page, world):
    national_id = identity.synthetic_national_id(testing._rng, dt.date(1948, 4, 2), "M")
    with time_machine.travel(dt.datetime(2025, 3, 10, 9, 0, tzinfo=OSLO), tick=True) as clock:
        # A caseworker writes down a phone call from a daughter.
        login(page, world.users.caseworker)
        page.get_by_role("link", name="Arbeidsliste").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Arbeidsliste")
        page.goto("/inntak/ny/")
        page.get_by_label("Fødselsnummer, D-nummer eller hjelpenummer").fill(national_id)
        page.get_by_label("Fornavn").fill("Per")
        page.get_by_label("Etternavn").fill("Bakken")
        page.get_by_label("Gjelder", exact=True).select_option(
            label="Helse- og omsorgstjenester (hol. § 3-2)"
        )
        page.get_by_label("Muntlig (skrevet ned)").check()
        page.get_by_label("Pårørende").check()
        page.get_by_label("Navn på innsender").fill("Siri Bakken, datter")
        page.get_by_label("Mottatt", exact=True).fill("2025-03-07")
        page.get_by_label("Hva henvendelsen gjelder").fill("Trenger hjelp med medisiner.")
        page.get_by_role("button", name="Registrer").click()
        expect(page.get_by_text("Henvendelsen er registrert.")).to_be_visible()
        expect(page.get_by_text("Muntlig (skrevet ned) – skrevet ned av")).to_be_visible()
        expect(page.get_by_text("frist 07.04.2025")).to_be_visible()

        page.get_by_role("link", name="Fatt vedtak").click()
        page.get_by_label("Innvilget").check()
        page.get_by_label("Tjeneste", exact=True).fill("Hjemmesykepleie")
        page.get_by_label("Omfang").fill("Medisinhjelp hver morgen")
        page.get_by_label("Utførende enhet").select_option(label="Hjemmetjenesten")
        page.get_by_label("Fra", exact=True).fill("2025-03-10")
        page.get_by_label("Evalueres innen").fill("2025-06-10")
        page.get_by_role("button", name="Lagre vedtak").click()
        expect(page.get_by_text("Vedtaket er lagret og venter på leders signatur.")).to_be_visible()

        # The unit head co-signs from the work list.
        login(page, world.users.head)
        page.goto("/inntak/arbeidsliste/")
        page.get_by_role("link", name="Signer vedtak som leder").click()
        page.get_by_role("button", name="Signer som leder").click()
        expect(
            page.get_by_text("Vedtaket er signert og sendt til utførende enhet.")
        ).to_be_visible()

        # The providing unit confirms the start; the service now exists.
        login(page, world.users.provider)
        page.goto("/inntak/arbeidsliste/")
        row = page.get_by_role("row").filter(has_text="Per Bakken")
        row.get_by_role("link", name="Bekreft oppstart av tjenesten").click()
        page.get_by_label("Tjenesten startet").fill("2025-03-10")
        page.get_by_role("button", name="Bekreft oppstart").click()
        expect(
            page.get_by_text("Oppstart er bekreftet, og tjenesten er registrert.")
        ).to_be_visible()
        assert Service.objects.filter(person__family_name="Bakken", basis="vedtak").exists()

        # KE assigns coordinator responsibility on a granted IP decision.
        ip = decision(
            world,
            application(
                world,
                unit=world.units.ke,
                kind=Application.Kind.COORDINATION,
                received_on=dt.date(2025, 2, 20),
            ),
            service_name="Koordinator",
            scope="Koordinator og individuell plan",
            decided_on=dt.date(2025, 3, 3),
        )
        person = ip.application.person
        login(page, world.users.ke)
        page.goto(f"/inntak/vedtak/{ip.pk}/")
        page.get_by_label("Enhet som får koordinatoransvar").select_option(label="Hjemmetjenesten")
        page.get_by_label("Personens ønsker").fill("Ønsker å slippe å gjenta historien sin.")
        page.get_by_label("Ansvar tildelt").fill("2025-03-10")
        page.get_by_role("button", name="Tildel koordinatoransvar").click()
        expect(page.get_by_text("Enhetens leder har 14 dager på seg")).to_be_visible()
        expect(page.locator("#naming-state")).to_have_text("Forfaller")

        # Fifteen days later nobody has been named: escalated.
        clock.shift(dt.timedelta(days=15))
        login(page, world.users.ke)
        page.goto("/inntak/arbeidsliste/")
        row = (
            page.get_by_role("row")
            .filter(has_text=person.full_name)
            .filter(has_text="Oppnevn koordinator")
        )
        expect(row).to_contain_text("Eskalert til kommunalsjef")
        expect(row).to_contain_text("24.03.2025")
        row.get_by_role("link", name="Oppnevn koordinator (innen 14 dager").click()
        expect(page.locator("#naming-state")).to_have_text("Eskalert til kommunalsjef")
