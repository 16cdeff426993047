import datetime as dt
import json
from collections import Counter

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from helhet import testing
from helhet.access.models import AccessLogEntry, Action
from helhet.coordination.models import CoordinatorAssignment
from helhet.exchange import exporting
from helhet.organisation.models import Role
from helhet.people.models import Person, Relative
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant
from helhet.testing import consent

pytestmark = pytest.mark.django_db


def plan_for(person, unit, coordinator, goal_text):
    plan = IndividualPlan.objects.create(
        person=person, status="aktiv", offered_on=dt.date(2026, 1, 5)
    )
    goal = Goal.objects.create(plan=plan, text=goal_text)
    Measure.objects.create(plan=plan, goal=goal, title="Trening to ganger i uka")
    Participant.objects.create(plan=plan, kind="ansatt", user=coordinator, name="Koordinator")
    return plan


@pytest.fixture
def world():
    muni = testing.municipality()
    unit = testing.unit(muni)
    coordinator = testing.staff(unit, Role.COORDINATING_UNIT, username="koordinator")
    ola = testing.person(muni, given_name="Ola", family_name="Eier")
    other = testing.person(muni, given_name="Nabo", family_name="Annen")
    Relative.objects.create(person=ola, name="Mor Eier", relation="forelder")
    testing.service(ola, unit, name="Miljøarbeid")
    consent(ola, units=[unit], purpose="Samarbeid om boligen")
    CoordinatorAssignment.objects.create(
        person=ola, offered_on=dt.date(2026, 1, 1), coordinator=coordinator
    )
    plan_for(ola, unit, coordinator, "Få egen bolig")
    plan_for(other, unit, coordinator, "Hemmelig mål for naboen")
    testing.service(other, unit, name="Naboens tjeneste")
    return muni, ola, other


def test_person_export_holds_the_plan_and_nothing_of_another_person(world, tmp_path):
    muni, ola, other = world
    output = tmp_path / "ola.json"
    call_command(
        "export", "--municipality", muni.number, "--person", ola.national_id, "--output", output
    )
    text = output.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["format"] == "helhet-dataportabilitet"
    person = data["person"]
    assert person["national_id"] == ola.national_id
    [plan] = person["plans.individualplan:plans"]
    [goal] = plan["plans.goal:goals"]
    assert goal["text"] == "Få egen bolig"
    assert goal["plans.measure:measures"][0]["title"] == "Trening to ganger i uka"
    # Staff appear by name only.
    assert plan["plans.participant:participants"][0]["user"] == "Test Koordinator"
    assert person["people.relative:relatives"][0]["name"] == "Mor Eier"
    assert person["people.service:services"][0]["name"] == "Miljøarbeid"
    [given] = person["consent.consent:consents"]
    assert given["units"] == [given["consent.consentscope:scopes"][0]["unit"]]
    assert given["consent.consentscope:scopes"][0]["category"] == "plan"
    [assignment] = person["coordination.coordinatorassignment:coordinator_assignments"]
    assert assignment["coordinator"] == "Test Koordinator"
    for secret in ("Hemmelig mål", "Naboens tjeneste", other.national_id, "Nabo", "koordinator"):
        assert secret not in text
    entry = AccessLogEntry.objects.get(person=ola, action=Action.EXPORT)
    assert entry.what == "dataportabilitet"


def test_full_export_round_trips_counts(world, tmp_path):
    muni, ola, other = world
    stranger = testing.person(testing.municipality(), given_name="Fremmed")
    output = tmp_path / "alt.json"
    call_command("export", "--municipality", muni.number, "--output", output)
    with output.open(encoding="utf-8") as stream:
        loaded = Counter(
            o.object._meta.label_lower for o in serializers.deserialize("json", stream)
        )
    expected = Counter(
        {
            qs.model._meta.label_lower: qs.count()
            for qs in exporting.municipality_querysets(muni)
            if qs.exists()
        }
    )
    assert loaded == expected
    assert loaded["people.person"] == 2
    assert loaded["plans.goal"] == 2
    assert loaded["auth.user"] == 1
    assert "Fremmed" not in output.read_text(encoding="utf-8")
    assert '"password"' not in output.read_text(encoding="utf-8")
    # loaddata reads the file back; nothing is added or lost.
    call_command("loaddata", str(output), verbosity=0)
    assert (
        Counter(
            {
                qs.model._meta.label_lower: qs.count()
                for qs in exporting.municipality_querysets(muni)
                if qs.exists()
            }
        )
        == expected
    )
    assert Person.objects.filter(municipality=stranger.municipality).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "0000"], "Fant ingen kommune"),
        (["--person", "123"], "11 siffer"),
        (["--person", "01010112345"], "kontrollsiffer"),
    ],
)
def test_bad_input_is_refused_in_norwegian(world, tmp_path, args, message):
    muni = world[0]
    output = tmp_path / "ut.json"
    options = {"--municipality": muni.number, "--output": str(output)}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError, match=message) as error:
        call_command("export", *[x for pair in options.items() for x in pair])
    assert error.value.returncode == 2
    assert not output.exists()


def test_person_of_another_municipality_is_not_found(world, tmp_path):
    stranger = testing.person(testing.municipality())
    output = tmp_path / "ut.json"
    with pytest.raises(CommandError, match="Fant ingen person"):
        call_command(
            "export",
            "--municipality",
            world[0].number,
            "--person",
            stranger.national_id,
            "--output",
            output,
        )
    assert not output.exists()
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()


def test_unwritable_output_leaves_no_file(world, tmp_path, monkeypatch):
    muni = world[0]
    with pytest.raises(CommandError, match="Mappen .* finnes ikke") as error:
        call_command("export", "--municipality", muni.number, "--output", tmp_path / "x" / "y")
    assert error.value.returncode == 2

    def broken(municipality):
        yield {"model": "x"}
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting, "_municipality_records", broken)
    output = tmp_path / "full.json"
    with pytest.raises(CommandError, match="Kan ikke skrive"):
        call_command("export", "--municipality", muni.number, "--output", output)
    assert list(tmp_path.iterdir()) == []
