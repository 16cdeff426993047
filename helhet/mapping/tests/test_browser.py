"""The coordinating unit reads the municipal statistics and downloads the XLSX."""

import datetime as dt
import io
import random
from pathlib import Path

import axe_playwright_python
import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from helhet import testing
from helhet.mapping.models import Mapping
from helhet.mapping.tests.builders import mapping, population
from helhet.organisation.models import Role, Unit

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def wcag_violations(page) -> list[str]:
    # evaluate, not add_script_tag: the CSP (default-src 'self') refuses inline scripts.
    page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG,
    )
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ke_views_statistics_with_text_alternative_and_downloads_xlsx(page):
    muni = testing.municipality(name="Fjordvik")
    mental = testing.unit(muni, name="Psykisk helse og rus")
    nav = testing.unit(muni, Unit.Kind.NAV, name="NAV Fjordvik")
    worker = testing.staff(mental, Role.SERVICE_PROVIDER)
    testing.staff(
        testing.unit(muni, Unit.Kind.COORDINATING, name="KE"), Role.COORDINATING_UNIT, username="ke"
    )
    rng = random.Random(4)
    year = dt.date.today().year - 1
    population(muni, worker, [mental], 24, year, rng)
    population(muni, worker, [nav], 9, year, rng, rus=3)

    testing.browser_login(page, "ke", testing.PASSWORD)
    page.get_by_role("link", name="Kartlegging", exact=True).click()
    page.get_by_role("link", name="Kommunestatistikk fra kartleggingene").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunestatistikk fra kartlegging")
    expect(page.get_by_text(f"33 personer ble kartlagt i {year}.")).to_be_visible()

    chart = page.get_by_role("img", name="Fordeling per livsområde")
    expect(chart).to_be_visible()
    # The chart's text alternative names every domain with its numbers...
    description = chart.locator("desc").text_content()
    assert "Rusmiddelbruk:" in description and "Alvorlig problem" in description
    assert any(ch.isdigit() for ch in description)
    # ...and the table under it has the same numbers, small cells as "<5".
    table = page.get_by_role("table").filter(has_text="Antall personer per nivå")
    expect(table.get_by_role("row")).to_have_count(9)
    expect(table).to_contain_text("<5")
    expect(page.get_by_role("img", name="Andel med alvorlige problemer per år")).to_be_visible()
    assert wcag_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == f"kartlegging-{year}.xlsx"
    book = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    sheet = book["Fordeling per livsområde"]
    counts = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert counts[0] == 33
    assert "<5" in counts
    assert all(c in ("<5", ":") or c >= 5 for c in counts)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_maps_a_person_with_the_keyboard_and_sees_the_change(page):
    muni = testing.municipality()
    mental = testing.unit(muni, name="Psykisk helse og rus")
    worker = testing.staff(mental, Role.SERVICE_PROVIDER, username="miljo")
    person = testing.person(
        muni, born=dt.date(1990, 2, 3), given_name="Ola", family_name="Nordmann"
    )
    testing.service(person, mental)
    mapping(worker, person, mental, dt.date(2025, 3, 1), bolig=3)

    testing.browser_login(page, "miljo", testing.PASSWORD)
    page.goto(f"/kartlegging/person/{person.pk}/ny/")
    assert wcag_violations(page) == []
    page.get_by_label("Dato for kartleggingen").fill("2026-03-01")
    page.get_by_role("group", name="Var personen til stede?").get_by_label("Ja").check()
    for domain in [
        "Rusmiddelbruk",
        "Økonomi",
        "Psykisk helse",
        "Fysisk helse",
        "Sosial fungering",
        "Nettverk",
        "Arbeid og aktivitet",
    ]:
        page.get_by_role("group", name=domain, exact=True).get_by_label(
            "Ingen eller lite problem"
        ).check()
    housing = page.get_by_role("group", name="Bolig", exact=True)
    housing.get_by_label("Moderat problem").focus()
    page.keyboard.press("Space")
    page.get_by_role("group", name="Har personen omsorg for barn under 18 år?").get_by_label(
        "Nei"
    ).check()
    page.get_by_role("button", name="Lagre kartleggingen").press("Enter")
    expect(page.get_by_text("Kartleggingen er lagret.")).to_be_visible()
    assert Mapping.objects.filter(person=person).count() == 2

    page.get_by_role("link", name="Alle kartlegginger for personen").click()
    housing_chart = page.get_by_role("img", name="Bolig")
    expect(housing_chart.locator("desc")).to_have_text(
        "01.03.2025: Alvorlig problem. 01.03.2026: Moderat problem. "
    )
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Bolig"))
    expect(row).to_contain_text("Bedre")
    assert wcag_violations(page) == []
