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


def _at(plans_migration: str) -> list[tuple[str, str]]:
    """Every other app fully migrated, plans at ``plans_migration``."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [n for n in leaves if n[0] != "plans"] + [("plans", plans_migration)]


@pytest.mark.django_db(transaction=True)
def test_free_text_contacts_become_rows_without_losing_text():
    FREE_TEXT = _at("0006_crisis_plan_belongs_to_person")
    STRUCTURED = _at("0007_structured_crisis_plan")
    executor = MigrationExecutor(connection)
    executor.migrate(FREE_TEXT)
    old = executor.loader.project_state(FREE_TEXT).apps
    muni = old.get_model("organisation", "Municipality").objects.create(number="9912", name="M")
    Person = old.get_model("people", "Person")
    people = [
        Person.objects.create(
            municipality=muni,
            national_id=f"0101701234{n}",
            given_name="Kari",
            family_name=f"Nordmann{n}",
            birth_date=dt.date(1970, 1, 1),
            gender="K",
        )
        for n in range(2)
    ]
    Crisis = old.get_model("plans", "CrisisPlan")
    Crisis.objects.create(
        person=people[0],
        warning_signs="Sover lite",
        what_helps="Tur",
        contacts_day="Psykisk helse og rus,\nkontor 99 99 99 99",
        contacts_night="Legevakt 116 117",
    )
    Crisis.objects.create(person=people[1], warning_signs="Trekker seg unna")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(STRUCTURED)
    new = executor.loader.project_state(STRUCTURED).apps
    first, second = new.get_model("plans", "CrisisPlan").objects.order_by("person_id")
    assert (first.warning_signs, first.what_helps) == ("Sover lite", "Tur")
    assert first.contacts == [
        {
            "name": "Psykisk helse og rus,\nkontor 99 99 99 99",
            "role": "",
            "phone": "99 99 99 99",
            "when": "dag",
        },
        {"name": "Legevakt 116 117", "role": "", "phone": "116 117", "when": "natt"},
    ]
    assert (second.warning_signs, second.contacts) == ("Trekker seg unna", [])

    # Back again, the text is where it was.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(FREE_TEXT)
    back = executor.loader.project_state(FREE_TEXT).apps
    first = back.get_model("plans", "CrisisPlan").objects.order_by("person_id").first()
    assert "Psykisk helse og rus,\nkontor 99 99 99 99" in first.contacts_day
    assert "Legevakt 116 117" in first.contacts_night

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
