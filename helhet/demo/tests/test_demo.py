import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from helhet import testing
from helhet.coordination.models import CoordinatorAssignment
from helhet.demo.generate import DEMO_LOGINS
from helhet.organisation.models import Municipality
from helhet.people.models import Person
from helhet.plans.models import IndividualPlan
from helhet.plans.rules import missing_items
from helhet.plans.services import facts_for, with_content

PASSWORD = "demo-passord-1"


def make_demo(persons=40, seed=3, reset=False):
    call_command(
        "demo",
        persons=persons,
        seed=seed,
        password=PASSWORD,
        no_serve=True,
        reset=reset,
        stdout=open("/dev/null", "w"),
        stderr=open("/dev/null", "w"),
    )


def picture():
    """What a user would see of the demo: persons and their plans' states."""
    return (
        list(
            Person.objects.order_by("national_id").values_list(
                "national_id", "given_name", "family_name"
            )
        ),
        sorted(IndividualPlan.objects.values_list("person__national_id", "status", "revision_due")),
    )


@pytest.mark.django_db(transaction=True)
def test_same_seed_gives_the_same_municipality_and_another_seed_another():
    make_demo(seed=3)
    first = picture()
    make_demo(seed=3, reset=True)
    assert picture() == first
    make_demo(seed=4, reset=True)
    assert picture() != first


@pytest.mark.django_db
def test_demo_logins_work_with_the_given_password():
    make_demo()
    for login in DEMO_LOGINS:
        assert authenticate(username=login, password=PASSWORD) is not None, login
    assert Person.objects.get(user__username="bruker").plans.filter(status="aktiv").exists()


@pytest.mark.django_db
def test_demo_has_the_spread_the_audits_found():
    make_demo(persons=200)
    statuses = set(IndividualPlan.objects.values_list("status", flat=True))
    assert statuses == {"tilbudt", "avslatt", "aktiv", "avsluttet"}
    active = list(with_content(queryset=IndividualPlan.objects.filter(status="aktiv")))
    facts = facts_for(plans=active)
    missing = [missing_items(facts[p.pk]) for p in active]
    assert any(m == [] for m in missing), "some active plans are complete"
    assert any(m for m in missing), "some active plans lack § 19 content"
    # Coordinator without IP: the person declined the plan but has a coordinator.
    declined = IndividualPlan.objects.filter(status="avslatt").values("person_id")
    assert CoordinatorAssignment.objects.filter(
        person_id__in=declined, coordinator__isnull=False
    ).exists()
    assert all(p.age >= 16 for p in Person.objects.all())


@pytest.mark.django_db
def test_demo_refuses_a_database_with_other_data_and_changes_nothing():
    real = testing.municipality(number="3401", name="Ekte kommune")
    testing.person(real)
    with pytest.raises(CommandError, match="ikke er demodata"):
        make_demo()
    assert list(Municipality.objects.all()) == [real]
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_demo_rejects_bad_arguments():
    with pytest.raises(CommandError, match="--persons"):
        make_demo(persons=0)
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_running_the_demo_again_keeps_the_existing_municipality():
    make_demo(persons=20)
    first = picture()
    make_demo(persons=20)
    assert picture() == first
    assert Municipality.objects.count() == 1


def test_demo_on_a_database_not_yet_migrated_says_what_to_run(tmp_path):
    """A fresh database gets a clear Norwegian instruction, not a traceback."""
    import subprocess
    import sys

    from helhet.operations.tests.conftest import sqlite_env

    database = tmp_path / "ny.sqlite3"
    env = sqlite_env(database, tmp_path) | {"HELHET_DEMO_MODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "helhet.manage", "demo", "--no-serve", "--password", "lang-nok-1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "kjør «helhet migrate» først" in done.stderr
    assert "Traceback" not in done.stderr
