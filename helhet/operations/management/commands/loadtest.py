"""`helhet loadtest`: N concurrent demo users over HTTP against gunicorn on 127.0.0.1."""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helhet.operations import loadtest, logchain
from helhet.organisation.models import Municipality
from helhet.plans.models import PlanVersion

SEAL_EVERY = 2.0
START_TIMEOUT = 60


class Command(BaseCommand):
    help = (
        "Lasttest: N samtidige demobrukere leser oversikt, person- og plansider og søk, og "
        "endrer planer (med skjult versjon) i S sekunder. Starter gunicorn på 127.0.0.1 med "
        "denne databasen (som bare må ha demodata), eller bruker --base-url. Avslutter med "
        "kode 1 ved serverfeil (5xx) eller tapte oppdateringer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=8, help="samtidige brukere (8)")
        parser.add_argument("--seconds", type=float, default=30, help="varighet (30)")
        parser.add_argument(
            "--max-requests", type=int, default=100_000, help="høyst så mange forespørsler"
        )
        parser.add_argument("--password", required=True, help="demobrukernes passord")
        parser.add_argument(
            "--base-url", help="en Helhet som allerede kjører på http://127.0.0.1:PORT"
        )
        parser.add_argument(
            "--workers", type=int, help="gunicorn-arbeidere (standard: 2 × kjerner + 1)"
        )
        parser.add_argument("--seed", type=int, default=1, help="frø for valg av sider (1)")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, **options):
        if not 1 <= options["users"] <= 500:
            raise CommandError("--users må være mellom 1 og 500.", returncode=2)
        if not 1 <= options["seconds"] <= 3600:
            raise CommandError("--seconds må være mellom 1 og 3600.", returncode=2)
        if options["max_requests"] < 1:
            raise CommandError("--max-requests må være minst 1.", returncode=2)
        if options["base_url"]:
            report, _edited = self._run(_checked_base_url(options["base_url"]), options)
        else:
            report = self._run_local(options)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(loadtest.as_text(report))
        if not loadtest.passed(report):
            raise CommandError("Lasttesten fant feil (se over).", returncode=1)

    def _progress(self, message: str) -> None:
        self.stderr.write(f"  {message}")

    def _run(self, base_url: str, options) -> tuple[dict, dict]:
        try:
            report, edited = loadtest.run(
                base_url,
                options["users"],
                options["seconds"],
                options["max_requests"],
                options["password"],
                options["seed"],
                self._progress,
            )
        except (loadtest.LoadTestError, OSError) as error:
            raise CommandError(str(error), returncode=2) from error
        report["adresse"] = base_url
        return report, edited

    def _run_local(self, options) -> dict:
        _require_demo_database()
        workers = options["workers"] or 2 * (os.cpu_count() or 1) + 1
        with _server(workers, self._progress) as (base_url, log):
            with _sealing() as sealed:
                report, edited = self._run(base_url, options)
            server_errors = report["serverfeil"] or report["uten_svar"]
            if server_errors:
                self.stderr.write("Slutten av serverens logg:\n" + _tail(log))
        report["arbeidere"] = workers
        report["tapte_oppdateringer"] += _versions_in_database(edited)
        _verify_log(report, sealed)
        return report


def _checked_base_url(url: str) -> str:
    refused = CommandError(
        "Lasttesten kjøres bare mot http://127.0.0.1:PORT (aldri mot en annen maskin).",
        returncode=2,
    )
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname != "127.0.0.1" or parts.path not in {"", "/"}:
        raise refused
    try:
        return f"http://127.0.0.1:{parts.port or 80}"
    except ValueError as error:
        raise refused from error


def _require_demo_database() -> None:
    """Load runs only on a database that holds nothing but demo data: it edits
    plans and fills the access log."""
    if Municipality.objects.filter(is_demo=False).exists():
        raise CommandError(
            "Databasen har data som ikke er demodata. Lasttesten kjøres bare mot en "
            "database med bare demokommunen.",
            returncode=2,
        )
    if not Municipality.objects.filter(is_demo=True).exists():
        raise CommandError(
            "Databasen har ingen demokommune. Lag den først: "
            "helhet demo --no-serve --password PASSORD [--persons 2000]",
            returncode=2,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _server(workers: int, progress):
    """gunicorn on a free loopback port with this process's database, in demo
    mode (the demo users have no second factor), stopped afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "HELHET_DEMO_MODE": "1",
        "HELHET_DEBUG": "0",
        "HELHET_ALLOWED_HOSTS": "127.0.0.1",
        "HELHET_DATA_DIR": str(settings.DATA_DIR),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "helhet.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--timeout=60",
        "--graceful-timeout=10",
        "--log-level=warning",
    ]
    progress(f"Starter gunicorn med {workers} arbeidere på 127.0.0.1:{port} ...")
    with tempfile.NamedTemporaryFile("w+", prefix="helhet-loadtest-", suffix=".log") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(server, port, Path(log.name))
            yield f"http://127.0.0.1:{port}", Path(log.name)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=30)


def _wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("gunicorn startet ikke:\n" + _tail(log), returncode=2)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            if loadtest.Browser(f"http://127.0.0.1:{port}").get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise CommandError(f"gunicorn svarte ikke innen {START_TIMEOUT} s.", returncode=2)


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def _sealing():
    """Seal the access log every few seconds while the load runs, as the timer
    does in production, so the sealer is tested against concurrent writers."""
    stop, sealed = threading.Event(), {"rader": 0, "feil": ""}

    def loop():
        from django.db import connection as own

        try:
            while not stop.wait(SEAL_EVERY):
                sealed["rader"] += logchain.seal()
        except Exception as error:  # noqa: BLE001 - reported, and fails the test
            sealed["feil"] = repr(error)
        finally:
            own.close()

    sealer = threading.Thread(target=loop, name="forsegler", daemon=True)
    sealer.start()
    try:
        yield sealed
    finally:
        stop.set()
        sealer.join(timeout=120)


def _versions_in_database(edited: dict) -> list[str]:
    """The saves against the database itself: one PlanVersion per accepted save."""
    problems = []
    for plan_id, (before, accepted) in sorted(edited.items()):
        written = PlanVersion.objects.filter(plan_id=plan_id, number__gt=before).count()
        if written != accepted:
            problems.append(
                f"Plan {plan_id}: {accepted} godtatte lagringer, men {written} planversjoner "
                "i databasen."
            )
    return problems


def _verify_log(report: dict, sealed: dict) -> None:
    sealed["rader"] += logchain.seal()
    chain = logchain.verify()
    broken = sealed["feil"] or chain.broken
    report["tilgangslogg_brutt"] = bool(broken)
    report["tilgangslogg"] = (
        f"Tilgangsloggen: {sealed['rader']} rader forseglet under og etter testen; "
        + (f"FEIL: {broken}" if broken else f"kjeden er hel ({chain.checked} rader).")
    )
