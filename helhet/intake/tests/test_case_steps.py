"""The intake case page as numbered steps, each form with the error summary."""

import datetime as dt
import re

import pytest
import time_machine

from helhet.intake.tests.builders import application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2025, 3, 10, 10, 0), tick=False):
        yield


def _steps(page: str) -> list[str]:
    steps = page[page.index('class="case-steps"') : page.index("</ol>", page.index("case-steps"))]
    return [
        re.sub(r"<[^>]+>", "", h).split("  ")[0].strip() for h in re.findall(r"<h3>(.*?) <", steps)
    ]


def test_the_case_reads_as_six_steps_in_the_order_of_the_work(client, world):
    app = application(world)
    client.force_login(world.users.caseworker)
    page = client.get(f"/inntak/soknad/{app.pk}/").content.decode()
    assert _steps(page) == [
        "Registrert",
        "Kvittering og foreløpig svar",
        "Utredning",
        "Vurdering",
        "Vedtak",
        "Vedtaksbrev",
    ]
    # The acknowledgement is what to do now.
    current = page[page.index('aria-current="step"') - 200 : page.index('aria-current="step"')]
    assert "case-step" in current
    assert page.count('aria-current="step"') == 1

    client.post(f"/inntak/soknad/{app.pk}/kvittering/", {"day": "2025-03-04"})
    page = client.get(f"/inntak/soknad/{app.pk}/").content.decode()
    assert "Kvittering sendt 04.03.2025." in page


def test_a_failed_intake_form_shows_the_error_summary_linking_to_the_field(client, world):
    app = application(world)
    client.force_login(world.users.caseworker)
    response = client.post(f"/inntak/soknad/{app.pk}/notat/", {"kind": "hjemmebesok", "text": ""})
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[
        page.index("ds-error-summary") : page.index("</div>", page.index("ds-error-summary"))
    ]
    assert 'href="#id_text"' in summary and 'href="#id_noted_on"' in summary
    assert not app.notes.exists()
