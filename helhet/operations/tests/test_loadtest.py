"""`helhet loadtest`: concurrent users over HTTP, no server error, no lost update."""

import json
import subprocess
import urllib.parse

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from helhet import testing
from helhet.operations.loadtest import Plan, Save, form_with, lost_updates
from helhet.operations.tests.conftest import helhet_command, sqlite_env

PASSWORD = "demo-passord-1"
# Each child process is bounded: a test fails, it never hangs CI.
DEMO_TIMEOUT = 120
LOAD_TIMEOUT = 180


def _database_env(tmp_path, fresh_sqlite) -> dict:
    """The child processes' database: on PostgreSQL the test database itself (the
    suite's own server), on SQLite a migrated file (the test database is in memory)."""
    env = sqlite_env(fresh_sqlite, tmp_path)
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        user = urllib.parse.quote(s["USER"], safe="")
        password = urllib.parse.quote(s["PASSWORD"], safe="")
        env["HELHET_DATABASE_URL"] = (
            f"postgres://{user}:{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
            f"{s['NAME']}"
        )
    return env


@pytest.mark.load
@pytest.mark.django_db(transaction=True)
def test_four_users_for_eight_seconds_get_no_server_error_and_lose_no_update(
    tmp_path, fresh_sqlite
):
    env = _database_env(tmp_path, fresh_sqlite)
    subprocess.run(
        helhet_command("demo", "--persons", "40", "--no-serve", "--password", PASSWORD),
        env=env,
        check=True,
        capture_output=True,
        timeout=DEMO_TIMEOUT,
    )

    done = subprocess.run(
        helhet_command(
            "loadtest",
            "--users=4",
            "--seconds=8",
            "--workers=2",
            f"--password={PASSWORD}",
            "--format=json",
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=LOAD_TIMEOUT,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["serverfeil"] == 0
    assert report["tapte_oppdateringer"] == []
    assert report["uten_svar"] == {} and report["uventede"] == {}
    assert set(report["typer"]) == {"oversikt", "person", "plan", "søk", "skjema", "lagring"}
    assert report["lagret"] > 0
    assert report["lagret"] + report["konflikter"] == report["typer"]["lagring"]["antall"]
    for kind in report["typer"].values():
        assert 0 < kind["p50_ms"] <= kind["p95_ms"] <= kind["p99_ms"]
    assert "kjeden er hel" in report["tilgangslogg"]
    # The trivial page alone, first: every answer the 404 it should be, and the mix's
    # throughput given as a share of it.
    assert report["gulv"]["typer"]["gulv"]["statuser"] == {
        "404": report["gulv"]["typer"]["gulv"]["antall"]
    }
    assert report["forhold_til_gulv"] == pytest.approx(
        report["per_sekund"] / report["gulv"]["per_sekund"], abs=0.01
    )
    assert 0 < report["forhold_til_gulv"] < 1.5


def test_every_kind_of_lost_update_is_found():
    before = {1: Plan(3, "før"), 2: Plan(7, "før")}
    honest = [
        Save(1, 3, 302, "a"),
        Save(1, 3, 409, "b"),  # started from 3 like "a", which won: a genuine conflict
        Save(1, 4, 302, "c"),
    ]
    assert lost_updates(honest, before, {1: Plan(5, "c")}) == []

    saves = [
        Save(2, 7, 302, "a"),
        Save(2, 7, 302, "b"),  # a second save from version 7 accepted
        Save(2, 9, 409, "c"),  # refused, but nobody saved from 9
    ]
    problems = lost_updates(saves, before, {2: Plan(8, "noe annet")})

    assert problems == [
        "Plan 2: 2 vellykkede lagringer, men 1 nye versjoner.",
        "Plan 2: 2 lagringer fra versjon 7 ble godtatt; bare én kan vinne.",
        "Plan 2: lagring fra versjon 9 ble avvist (409), men ingen annen lagring fra den "
        "versjonen ble godtatt.",
        "Plan 2: teksten fra siste godtatte lagring (fra versjon 7) står ikke i planen.",
    ]


def test_the_edit_form_is_read_as_a_browser_submits_it():
    page = """
    <form method="post" action="/logg-ut/"><input type="hidden" name="csrfmiddlewaretoken"
      value="ut"></form>
    <form method="post">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input type="hidden" name="version" value="12">
      <textarea name="needs">
Bolig &amp; arbeid</textarea>
      <input type="date" name="period_start" value="2026-01-05">
      <select name="status"><option value="a">A</option><option value="b" selected>B</option>
      </select>
      <input type="checkbox" name="samtykke" checked><input type="checkbox" name="nei">
      <button type="submit" name="lagre">Lagre</button>
    </form>"""

    assert form_with(page, "version") == {
        "csrfmiddlewaretoken": "tok",
        "version": "12",
        "needs": "Bolig & arbeid",
        "period_start": "2026-01-05",
        "status": "b",
        "samtykke": "on",
    }
    assert form_with(page, "finnes-ikke") is None


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org:8000",
        "http://10.0.0.5:8000",
        "https://127.0.0.1:8000",
        "http://127.0.0.1:x",
    ],
)
def test_only_127_0_0_1_is_loaded(url):
    with pytest.raises(CommandError, match="bare mot http://127.0.0.1") as refused:
        call_command("loadtest", base_url=url, password=PASSWORD)
    assert refused.value.returncode == 2


@pytest.mark.django_db
def test_a_database_with_real_data_or_without_the_demo_is_refused():
    with pytest.raises(CommandError, match="ingen demokommune") as refused:
        call_command("loadtest", password=PASSWORD)
    assert refused.value.returncode == 2

    testing.municipality(name="Ekte kommune")
    with pytest.raises(CommandError, match="ikke er demodata") as refused:
        call_command("loadtest", password=PASSWORD)
    assert refused.value.returncode == 2
