"""Min side in a real browser: the demo person `bruker` edits a goal, withdraws
a consent, and sees in their access log the refusal that follows; keyboard
only; and axe-core finds no WCAG 2.1 A/AA violation on the portal's pages or
the main staff pages."""

import io
from pathlib import Path

import axe_playwright_python
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from helhet import testing
from helhet.consent.models import ConsentScope
from helhet.consent.services import valid_q
from helhet.people.models import Person
from helhet.plans.models import Goal

PASSWORD = "demo-passord-1"
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _demo():
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("demo", persons=20, seed=1, password=PASSWORD, no_serve=True, **quiet)
    return Person.objects.get(user__username="bruker")


def _logout(page):
    page.get_by_role("button", name="Logg ut").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bruker_edits_a_goal_withdraws_a_consent_and_sees_the_refusal(page):
    bruker = _demo()
    plan = bruker.plans.get(status="aktiv")
    # Home care reads the plan only because bruker's consent names its unit.
    scope = ConsentScope.objects.get(
        valid_q(prefix="consent__"),
        consent__person=bruker,
        unit__code="hjemmetjeneste",
        category="plan",
    )
    testing.browser_login(page, "tjenesteyter", PASSWORD)
    page.goto(f"/planer/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Ingen tilgang")
    _logout(page)

    testing.browser_login(page, "bruker", PASSWORD)
    expect(page).to_have_url(f"{page.url.split('/min-side/')[0]}/min-side/")
    page.get_by_role("navigation").get_by_role("link", name="Min plan").click()
    goal = Goal.objects.filter(plan=plan).order_by("position", "pk").first()
    section = page.get_by_role("region", name=goal.text)
    section.get_by_role("link", name="Endre målet").click()
    page.get_by_label("Målet, med dine egne ord").fill("Jeg vil ha min egen leilighet innen jul.")
    page.get_by_role("button", name="Lagre målet").click()
    expect(page.get_by_text("Målet er lagret i planen din.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Jeg vil ha min egen leilighet innen jul.")
    ).to_be_visible()
    assert plan.versions.order_by("-number").first().author.username == "bruker"

    page.get_by_role("navigation").get_by_role("link", name="Samtykker").click()
    page.locator(f"a[href='/min-side/samtykker/{scope.consent_id}/trekk-tilbake/']").click()
    page.get_by_role("button", name="Ja, trekk tilbake samtykket").click()
    expect(page.get_by_text("Samtykket er trukket tilbake.")).to_be_visible()
    _logout(page)

    testing.browser_login(page, "tjenesteyter", PASSWORD)
    page.goto(f"/planer/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
    _logout(page)

    testing.browser_login(page, "bruker", PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Hvem har sett opplysningene").click()
    refused = (
        page.get_by_role("row").filter(has_text="Tone Tjenesteyter").filter(has_text="Stoppet")
    )
    expect(refused.first).to_contain_text("samtykke")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_portal_works_with_the_keyboard_alone(page):
    _demo()
    page.goto("/logg-inn/")
    expect(page.get_by_label("Brukernavn")).to_be_focused()  # autofocus: no mouse needed
    page.keyboard.type("bruker")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/min-side/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Hopp til innholdet")
    _tab_to(page, "Min plan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/min-side/plan/")
    _tab_to(page, "Skriv en kommentar til målet", by_label=True)
    page.keyboard.type("Det går bedre nå.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Kommentaren er lagret.")).to_be_visible()
    expect(page.get_by_text("Det går bedre nå.")).to_be_visible()


def _tab_to(page, name: str, by_label: bool = False, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.labels && e.labels.length ? e.labels[0].innerText : e.innerText) || ''; }"
        )
        if focused.strip() == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def _paths(bruker) -> dict:
    plan = bruker.plans.get(status="aktiv")
    goal = Goal.objects.filter(plan=plan).first()
    consent = bruker.consents.first()
    return {
        "login": (None, "/logg-inn/"),
        "portal-home": ("bruker", "/min-side/"),
        "portal-plan": ("bruker", "/min-side/plan/"),
        "portal-goal-new": ("bruker", "/min-side/plan/mal/ny/"),
        "portal-goal-edit": ("bruker", f"/min-side/plan/mal/{goal.pk}/"),
        "portal-consents": ("bruker", "/min-side/samtykker/"),
        "portal-consent-new": ("bruker", "/min-side/samtykker/nytt/"),
        "portal-consent-withdraw": ("bruker", f"/min-side/samtykker/{consent.pk}/trekk-tilbake/"),
        "portal-access-log": ("bruker", "/min-side/innsyn/"),
        "portal-proxies": ("bruker", "/min-side/fullmakter/"),
        "portal-messages": ("bruker", "/min-side/meldinger/"),
        "portal-feedback": ("bruker", "/min-side/tilbakemelding/"),
        "portal-proxy-home": ("parorende", "/min-side/"),
        "portal-choose": ("parorende", "/min-side/velg/"),
        "staff-search": ("koordinator", f"/personer/?q={bruker.family_name}"),
        "staff-person": ("koordinator", f"/personer/{bruker.pk}/"),
        "staff-plan": ("koordinator", f"/planer/{plan.pk}/"),
        "staff-plan-history": ("koordinator", f"/planer/{plan.pk}/historikk/"),
        "staff-coordination": ("ke", "/koordinering/"),
        "staff-consents": ("koordinator", f"/samtykker/person/{bruker.pk}/"),
        "staff-cooperation": ("koordinator", f"/samarbeid/person/{bruker.pk}/"),
        "staff-worklist": ("saksbehandler", "/inntak/arbeidsliste/"),
        "staff-guardian": ("koordinator", f"/min-side/ansatt/verge/{bruker.pk}/"),
        "staff-feedback": ("leder", "/min-side/ansatt/tilbakemeldinger/"),
    }


PAGES = [
    "login",
    "portal-home",
    "portal-plan",
    "portal-goal-new",
    "portal-goal-edit",
    "portal-consents",
    "portal-consent-new",
    "portal-consent-withdraw",
    "portal-access-log",
    "portal-proxies",
    "portal-messages",
    "portal-feedback",
    "portal-proxy-home",
    "portal-choose",
    "staff-search",
    "staff-person",
    "staff-plan",
    "staff-plan-history",
    "staff-coordination",
    "staff-consents",
    "staff-cooperation",
    "staff-worklist",
    "staff-guardian",
    "staff-feedback",
]


def _violations(page) -> list[str]:
    # evaluate, not add_script_tag: the CSP (default-src 'self') refuses inline scripts.
    page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG,
    )
    return [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_violations(page, name):
    login, path = _paths(_demo())[name]
    if login:
        testing.browser_login(page, login, PASSWORD)
    response = page.goto(path)
    assert response.status == 200, f"{name}: {path} gave {response.status}"
    assert page.locator("html").get_attribute("lang") == "nb"
    assert _violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_axe_check_does_find_violations(page):
    """The check above is only worth something if it can fail."""
    page.goto("/logg-inn/")
    page.evaluate(
        "() => { const i = document.createElement('input'); document.body.append(i);"
        " const p = document.createElement('p'); p.textContent = 'lys';"
        " p.style.color = '#eee'; document.body.append(p); }"
    )
    found = " ".join(_violations(page))
    assert "label" in found and "color-contrast" in found
