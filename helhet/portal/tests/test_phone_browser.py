"""On a phone: Min side and the staff pages a person uses on the move (person,
plan, meeting, messages, consent form) have no horizontal scroll at 320, 375
and 768 px, and axe-core finds no WCAG 2.1 A/AA violation on them."""

import io
from pathlib import Path

import axe_playwright_python
import pytest
from django.core.management import call_command
from django.urls import reverse

from helhet import testing
from helhet.access import gate
from helhet.cooperation.models import Meeting
from helhet.plans.models import IndividualPlan

PASSWORD = "demo-passord-1"
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [320, 375, 768]


def _demo():
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("demo", persons=20, seed=1, password=PASSWORD, no_serve=True, **quiet)


def _login(page, username):
    page.context.clear_cookies()
    testing.browser_login(page, username, PASSWORD)


def _violations(page) -> list[str]:
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


def _too_wide(page) -> list[str]:
    """What sticks out to the right of the window (for the failure message)."""
    return page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => {"
        " const r = e.getBoundingClientRect();"
        " return r.right > window.innerWidth + 1 && getComputedStyle(e).position !== 'fixed'"
        "   && !e.closest('.table-scroll') && !e.closest('.visually-hidden'); })"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round("
        " e.getBoundingClientRect().right))"
    )


def _staff_pages() -> list[str]:
    from django.contrib.auth import get_user_model

    coordinator = get_user_model().objects.get(username="koordinator")
    mine = gate.accessible_persons(coordinator)
    meeting = (
        Meeting.objects.filter(group__person__in=mine, group__person__plans__isnull=False)
        .order_by("pk")
        .first()
    )
    plan = (
        IndividualPlan.objects.filter(person=meeting.group.person)
        if meeting
        else IndividualPlan.objects.filter(person__in=mine)
    ).order_by("pk")[0]
    pages = [
        reverse("people:detail", args=[plan.person_id]),
        reverse("plans:detail", args=[plan.pk]),
        reverse("cooperation:messages", args=[plan.person_id]),
        reverse("consent:create", args=[plan.person_id]),
    ]
    if meeting is not None:
        pages.append(reverse("cooperation:meeting", args=[meeting.pk]))
    return pages


PORTAL = [
    "/min-side/",
    "/min-side/plan/",
    "/min-side/samtykker/",
    "/min-side/samtykker/nytt/",
    "/min-side/innsyn/",
    "/min-side/meldinger/",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_used_on_the_move_fit_a_phone_and_pass_axe(page):
    _demo()
    too_wide, found = {}, {}
    for username, paths in [("bruker", PORTAL), ("koordinator", _staff_pages())]:
        _login(page, username)
        for path in paths:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                response = page.goto(path)
                assert response.status == 200, (username, path, response.status)
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    too_wide[(path, width)] = (overflow, _too_wide(page))
                if width == 375:
                    # The phone layout (stacked tables, scrolling boxes) is
                    # the one most at risk of an accessibility fault.
                    found[path] = _violations(page)
    assert too_wide == {}
    assert found == {path: [] for path in found}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_consent_form_is_a_list_per_party_on_a_phone(page):
    _demo()
    _login(page, "bruker")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/min-side/samtykker/nytt/")
    grid = page.locator("table.consent-grid")
    # Each party is its own block, its boxes one under another with their names.
    first_row = grid.locator("tbody tr").first
    box = first_row.bounding_box()
    assert box["width"] <= 375
    labels = first_row.locator("td label")
    assert labels.count() == 5
    assert labels.first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # IT, the auditors and the head of sector's office are never offered.
    text = grid.inner_text()
    for unit in ["IT-avdelingen", "Kommunerevisjonen", "Kommunalsjef helse og velferd"]:
        assert unit not in text
