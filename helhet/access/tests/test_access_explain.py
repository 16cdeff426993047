"""`helhet access-explain USERNAME FODSELSNUMMER`."""

import json

import pytest
from django.core.management import CommandError, call_command, load_command_class

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.organisation.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    muni = t.municipality()
    unit = t.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    user = t.staff(unit, username="hilde")
    person = t.person(muni)
    t.service(person, unit)
    return user, person


def test_json_shows_decision_and_basis_and_logs_its_use(world, capsys):
    _user, person = world
    call_command("access-explain", "hilde", person.national_id, "--format", "json")
    result = json.loads(capsys.readouterr().out)
    bases = {b["basis"]: b for b in result.pop("bases")}
    assert result == {
        "granted": True,
        "basis": "tjeneste_vedtak",
        "detail": "Enheten Hjemmetjenesten gir tjeneste etter vedtak",
        "action": "vis",
    }
    # Every registered basis is listed, the apps' own included.
    assert bases["tjeneste_vedtak"]["holds"] and "tilby" in bases["tjeneste_vedtak"]["allows"]
    assert "avslutte" not in bases["tjeneste_vedtak"]["allows"]
    for code in ("egen", "representant", "koordinator", "ansvarsgruppe", "soknad_til_enhet"):
        assert code in bases and not bases[code]["holds"]
    assert bases["utforende_enhet"]["per_record"]
    entry = AccessLogEntry.objects.get()
    assert entry.person == person and entry.flagged
    assert "kommandolinje" in entry.username and "hilde" in entry.what


def test_text_explains_a_refusal_for_a_category(world, capsys):
    _user, person = world
    call_command("access-explain", "hilde", person.national_id, "--category", "plan")
    out = capsys.readouterr().out
    assert "Tilgang: nei" in out and "samtykke" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ukjent", "VALID"], "Fant ingen bruker"),
        (["hilde", "12345678901"], "Ugyldig identitetsnummer: Feil kontrollsiffer"),
        (["hilde", "VALID", "--category", "alt"], "Ukjent kategori"),
        (["hilde", "01010112345"], "Ugyldig"),
    ],
)
def test_bad_input_gives_a_norwegian_error_and_exit_code_2(world, args, message):
    _user, person = world
    args = [person.national_id if a == "VALID" else a for a in args]
    with pytest.raises(CommandError) as error:
        call_command("access-explain", *args)
    assert message in str(error.value)
    assert error.value.returncode == 2
    assert not AccessLogEntry.objects.exists()


def test_exit_code_and_stderr_from_the_command_line(world, capsys):
    command = load_command_class("helhet.access", "access-explain")
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["helhet", "access-explain", "nobody", "1"])
    assert exited.value.code == 2
    assert "Fant ingen bruker med brukernavnet «nobody»" in capsys.readouterr().err
