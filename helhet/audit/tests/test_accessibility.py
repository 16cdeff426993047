"""axe-core finds no WCAG 2.1 A/AA violation on the audit and quality pages."""

import datetime as dt
import io
from pathlib import Path

import axe_playwright_python
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from helhet import testing
from helhet.audit import campaigns, sampling
from helhet.audit.models import AuditSample
from helhet.organisation.models import Municipality, Unit
from helhet.quality.models import Deviation, Procedure

PASSWORD = "demo-passord-1"
User = get_user_model()
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


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
def test_audit_and_quality_pages_have_no_wcag_violations(page):
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("demo", persons=20, seed=1, password=PASSWORD, no_serve=True, **quiet)
    muni = Municipality.objects.get(number="9999")
    today = dt.date.today()
    sample = sampling.create_sample(
        muni, sampling.Parameters("systematisk", today - dt.timedelta(days=365), today, every=5)
    )
    assert AuditSample.objects.count() == 1
    campaign = campaigns.create(
        muni,
        User.objects.get(username="revisor"),
        topic="Unge i NAV",
        description="",
        answer_deadline=today,
        plan_deadline=today,
        units=list(Unit.objects.filter(municipality=muni, code__in=["nav", "psykisk_rus"])),
        questions="Får unge under 30 aktivitetsvilkår? | sosialtjenesteloven § 20 a",
        milestones="",
    )
    answering = campaign.participations.get(unit__code="psykisk_rus")
    pages = {
        "revisor": [
            reverse("audit:compliance"),
            reverse("audit:criterion", args=["ip_content_complete"]),
            reverse("audit:samples"),
            reverse("audit:sample", args=[sample.pk]),
            reverse("audit:sample_item", args=[sample.pk, "U-001"]),
            reverse("audit:campaigns"),
            reverse("audit:campaign_new"),
            reverse("audit:campaign", args=[campaign.pk]),
        ],
        "leder": [
            reverse("quality:index"),
            reverse("quality:report"),
            reverse(
                "quality:deviation",
                args=[Deviation.objects.filter(unit__code="psykisk_rus").first().pk],
            ),
            reverse("quality:statistics"),
            reverse("quality:procedures"),
            reverse("quality:procedure", args=[Procedure.objects.first().pk]),
            reverse("audit:participation", args=[answering.pk]),
        ],
    }
    found = {}
    for login, urls in pages.items():
        testing.browser_login(page, login, PASSWORD)
        for url in urls:
            page.goto(url)
            problems = _violations(page)
            if problems:
                found[url] = problems
        page.get_by_role("button", name="Logg ut").click()
    assert found == {}
