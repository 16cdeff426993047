"""The decision letter as the person receives it: read back from the PDF."""

import datetime as dt
import io

import pytest
import time_machine
from pypdf import PdfReader

from helhet import testing
from helhet.intake.models import Application
from helhet.intake.tests.builders import application, decision
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2025, 3, 10, 10, 0), tick=False):
        yield


@pytest.fixture
def sender(world):
    unit = world.units.allocation
    unit.address = "Postboks 7, 2150 Årnes"
    unit.phone = "63 91 10 00"
    unit.email = "tildeling@nes.example"
    unit.save()
    return unit


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def letter(client, user, d) -> bytes:
    client.force_login(user)
    response = client.get(f"/inntak/vedtak/{d.pk}/brev.pdf")
    assert response.status_code == 200
    return response.content


def test_an_unsigned_decision_is_a_draft_on_every_page_with_the_senders_header(
    client, world, sender
):
    # Long reasons, so the letter runs over more than one page.
    reasons = "\n".join(f"Vurdering {n}: behovet er dokumentert i saken." for n in range(90))
    d = decision(world, application(world), signed=False, reasons=reasons)
    text = pages(letter(client, world.users.caseworker, d))
    assert len(text) > 1
    for page in text:
        assert "UTKAST" in page
    first = text[0]
    assert "Nes" in first
    assert "Tildelingskontoret" in first
    assert "Postboks 7, 2150 Årnes" in first
    assert "63 91 10 00" in first
    assert "tildeling@nes.example" in first
    # The signature block names who is to sign, and says it is not signed.
    assert "Test Tildelingsleder" in text[-1]
    assert "ikke signert" in text[-1]


def test_once_the_unit_head_has_signed_the_letter_is_no_longer_a_draft(client, world, sender):
    d = decision(world, application(world), signed=False)
    client.force_login(world.users.head)
    assert client.post(f"/inntak/vedtak/{d.pk}/signer/").status_code == 302
    text = "\n".join(pages(letter(client, world.users.caseworker, d)))
    assert "UTKAST" not in text
    assert "Test Tildelingsleder" in text
    assert "signert 10.03.2025" in text
    assert "Tildelingskontoret" in text


def test_a_health_care_decision_tells_four_weeks_to_the_state_governor(client, world, sender):
    d = decision(world, application(world))
    text = " ".join(" ".join(pages(letter(client, world.users.caseworker, d))).split())
    assert "Klagefristen er 4 uker" in text
    assert "Statsforvalteren" in text
    assert "pasient- og brukerrettighetsloven §§ 7-2 og 7-5" in text


def test_a_financial_assistance_decision_tells_three_weeks_through_nav(client, world):
    app = application(world, unit=world.units.nav, kind=Application.Kind.FINANCIAL)
    d = decision(world, app, outcome="avslag")
    d.caseworker = world.users.nav
    d.approved_by = world.users.nav_head
    d.save()
    text = " ".join(" ".join(pages(letter(client, world.users.nav, d))).split())
    assert "Klagefristen er 3 uker" in text
    assert "NAV-kontoret" in text
    assert "NAV Nes" in text
    assert "4 uker" not in text


def test_the_letter_is_a_tagged_pdf_with_title_author_and_language(client, world, sender):
    d = decision(world, application(world))
    reader = PdfReader(io.BytesIO(letter(client, world.users.caseworker, d)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "nb"
    assert reader.metadata.title == "Vedtak"
    assert reader.metadata.author == "Nes, Tildelingskontoret"
    # PDF/UA-1 identification in the XMP metadata.
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def test_a_unit_without_its_own_contact_shows_the_municipalitys(client, world):
    world.muni.address = "Rådhuset, 2150 Årnes"
    world.muni.phone = "63 91 00 00"
    world.muni.save()
    d = decision(world, application(world))
    first = pages(letter(client, world.users.caseworker, d))[0]
    assert "Rådhuset, 2150 Årnes" in first
    assert "63 91 00 00" in first


def test_the_decision_page_names_the_head_who_must_sign(client, world):
    d = decision(world, application(world), signed=False)
    client.force_login(world.users.caseworker)
    page = client.get(f"/inntak/vedtak/{d.pk}/").content.decode()
    assert "Skal signeres av lederen for Tildelingskontoret:" in page
    assert "Test Tildelingsleder" in page
    # The head of another unit is not named.
    assert "Test Hjemmeleder" not in page


def test_a_caseworker_who_also_heads_the_unit_is_not_named_to_sign_their_own(client, world):
    testing.membership(world.users.caseworker.staff, world.units.allocation, Role.LEADER)
    d = decision(world, application(world), signed=False)
    client.force_login(world.users.caseworker)
    page = client.get(f"/inntak/vedtak/{d.pk}/").content.decode()
    assert "Test Tildelingsleder" in page
    signers = page.split('id="skal-signere"')[1].split("</span>")[0]
    assert "Test Saksbehandler" not in signers


def test_the_decision_waits_on_the_right_leaders_start_page_only(client, world):
    d = decision(world, application(world), signed=False)
    client.force_login(world.users.head)
    page = client.get("/").content.decode()
    assert "Vedtak som venter på din signatur" in page
    assert f"/inntak/vedtak/{d.pk}/" in page
    for other in (world.users.provider_head, world.users.nav_head, world.users.ke_head):
        client.force_login(other)
        assert f"/inntak/vedtak/{d.pk}/" not in client.get("/").content.decode()
    # Signed, it leaves the head's start page.
    client.force_login(world.users.head)
    client.post(f"/inntak/vedtak/{d.pk}/signer/")
    assert f"/inntak/vedtak/{d.pk}/" not in client.get("/").content.decode()


def test_the_caseworkers_start_page_says_who_is_to_sign_each_waiting_decision(client, world):
    d = decision(world, application(world), signed=False)
    # The start page lists only persons the gate lists for the caseworker: one
    # with an application still in process in the unit.
    application(world, person=d.application.person)
    client.force_login(world.users.caseworker)
    page = client.get("/").content.decode()
    assert "Mine vedtak som venter på leders signatur" in page
    assert "skal signeres av Test Tildelingsleder" in page
