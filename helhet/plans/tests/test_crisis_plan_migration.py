"""Migrating crisis plans from the plan to the person keeps each person's
newest one, and services get a type from the catalogue."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("plans", "0004_crisis_plan_person_step1"), ("people", "0003_service_type")]
AFTER = [("plans", "0006_crisis_plan_belongs_to_person"), ("people", "0004_seed_service_types")]


@pytest.mark.django_db(transaction=True)
def test_crisis_plans_move_to_their_person_and_services_get_a_type():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    muni = old.get_model("organisation", "Municipality").objects.create(number="9911", name="M")
    unit = old.get_model("organisation", "Unit").objects.create(
        municipality=muni, code="hjem", name="Hjemmetjenesten", kind="hjemmetjeneste"
    )
    person = old.get_model("people", "Person").objects.create(
        municipality=muni,
        national_id="01017012345",
        given_name="Kari",
        family_name="Nordmann",
        birth_date=dt.date(1970, 1, 1),
        gender="K",
    )
    service = old.get_model("people", "Service").objects.create(
        person=person,
        unit=unit,
        name="Praktisk bistand",
        basis="vedtak",
        valid_from=dt.date(2025, 1, 1),
    )
    Plan = old.get_model("plans", "IndividualPlan")
    older = Plan.objects.create(person=person, status="avsluttet", offered_on=dt.date(2020, 1, 1))
    newer = Plan.objects.create(person=person, status="aktiv", offered_on=dt.date(2025, 1, 1))
    Crisis = old.get_model("plans", "CrisisPlan")
    Crisis.objects.create(plan=older, what_helps="Gammel")
    Crisis.objects.create(plan=newer, what_helps="Ny")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    crisis = new.get_model("plans", "CrisisPlan").objects.get()
    assert (crisis.person_id, crisis.what_helps) == (person.pk, "Ny")
    typed = new.get_model("people", "Service").objects.get(pk=service.pk)
    assert typed.type.code == "praktisk_bistand" and typed.type.needs_decision

    # Leave the database fully migrated for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
