"""«Min arbeidsdag» in a real browser: each role's main task from its start
page; no horizontal scroll from 320 to 1,280 px; the header on one line at
1,280 px and behind «Meny» on a phone; axe-core finds no WCAG 2.1 A/AA
violation; a failed save focuses the error summary; screenshots for docs/."""

import io
import os
from pathlib import Path

import axe_playwright_python
import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from helhet import testing

PASSWORD = "demo-passord-1"
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# HELHET_SCREENSHOTS=1 renews the pictures in docs/screenshots/; otherwise they
# go to a temporary directory, so a test run leaves the working tree alone.
DOCS_SCREENSHOTS = Path(settings.BASE_DIR).parent / "docs" / "screenshots"
WIDTHS = [320, 375, 768, 1280]
STAFF = ["koordinator", "saksbehandler", "leder", "ke", "nav", "kommunalsjef", "revisor", "admin"]


def _demo():
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("demo", persons=20, seed=1, password=PASSWORD, no_serve=True, **quiet)


def _login(page, username):
    page.context.clear_cookies()
    testing.browser_login(page, username, PASSWORD)


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


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_role_does_its_main_task_from_the_start_page(page):
    _demo()
    # Coordinator: a person they coordinate, from the start page to the plan.
    _login(page, "koordinator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min arbeidsdag")
    mine = page.get_by_role("region", name="Personer jeg er koordinator for")
    expect(mine).to_be_visible()
    mine.get_by_role("row").nth(1).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Ingen tilgang")

    # Caseworker: the first case with a deadline opens.
    _login(page, "saksbehandler")
    cases = page.get_by_role("region", name="Saker og frister")
    expect(cases).to_be_visible()
    cases.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Ingen tilgang")

    # Leader: unusual access to review, from the start page.
    _login(page, "leder")
    review = page.get_by_role("region", name="Uvanlig tilgang å gå gjennom")
    expect(review).to_be_visible()
    if review.get_by_role("link").count():
        review.get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Ingen tilgang")

    # Coordinating unit: plan counts and the overview of every plan.
    _login(page, "ke")
    plans = page.get_by_role("region", name="Individuelle planer i kommunen")
    expect(plans).to_be_visible()
    plans.get_by_role("link", name="Til koordineringsoversikten").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Ingen tilgang")

    # System administrator: administration only, no person lists.
    _login(page, "admin")
    expect(page.get_by_role("link", name="Gå til administrasjonen")).to_be_visible()
    expect(page.get_by_role("region", name="Saker og frister")).to_have_count(0)

    # A person is sent to Min side.
    _login(page, "bruker")
    assert page.url.endswith("/min-side/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_horizontal_scroll_and_the_header_fits(page):
    _demo()
    for username, path in [("koordinator", "/"), ("leder", "/"), ("bruker", "/min-side/")]:
        _login(page, username)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(path)
            assert _overflow(page) <= 0, (username, path, width, _overflow(page))
        # At 1,280 px the header is one line: every menu link on the same row.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(path)
        rows = page.evaluate(
            "[...document.querySelectorAll('.site-header .brand, .site-header nav > ul > li,"
            " .site-user')].map(e => e.getBoundingClientRect())"
            ".map(r => [Math.round(r.top), Math.round(r.bottom)])"
        )
        # One line: every item overlaps the first one vertically.
        first_top, first_bottom = rows[0]
        assert all(top < first_bottom and bottom > first_top for top, bottom in rows), (
            username,
            rows,
        )
        expect(page.get_by_role("button", name="Meny")).to_be_hidden()
    # On a phone the menu is behind «Meny».
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/min-side/")
    nav = page.get_by_role("navigation", name="Hovedmeny")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Meny").click()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Min plan")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_start_pages_have_no_wcag_violations_and_are_photographed(page, tmp_path):
    _demo()
    shots = DOCS_SCREENSHOTS if os.environ.get("HELHET_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    found = {}
    for username in STAFF:
        _login(page, username)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/")
        found[username] = _violations(page)
        if username in {"koordinator", "saksbehandler", "leder", "ke"}:
            path = shots / f"start-{username}.png"
            page.screenshot(path=str(path), type="png")
            assert path.stat().st_size > 0
    page.goto("/personer/")
    found["personer"] = _violations(page)
    assert found == {name: [] for name in found}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_failed_save_focuses_the_error_summary_which_links_to_the_field(page):
    _demo()
    _login(page, "ke")
    page.goto("/personer/ny/")
    page.get_by_role("button", name="Registrer").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_contain_text("Rett dette")
    summary.get_by_role(
        "link", name="Fødselsnummer, D-nummer, H-nummer eller FH-nummer"
    ).first.click()
    expect(page.get_by_label("Fødselsnummer, D-nummer, H-nummer eller FH-nummer")).to_be_focused()
    # Labels without Django's colon.
    expect(page.locator("label[for=id_national_id]")).to_have_text(
        "Fødselsnummer, D-nummer, H-nummer eller FH-nummer"
    )
