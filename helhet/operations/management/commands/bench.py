"""`helhet bench`: measure the main pages, the compliance report, an audit sample and
the APIs on a synthetic municipality of N persons."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from helhet.operations import bench


class Command(BaseCommand):
    help = (
        "Måler oversikten, personsiden, plansiden, lagring av plan, søk, etterlevelsesrapporten "
        "(også mot én SQL-spørring), revisjonsutvalg, REST-liste og FHIR-lesing på en oppdiktet "
        "kommune med N personer, i en ny database (midlertidig SQLite-fil, eller "
        "--database-url som må være tom eller bare ha demodata)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=2000, help="antall personer (2000)")
        parser.add_argument("--repeat", type=int, default=20, help="målinger per side (20)")
        parser.add_argument("--seed", type=int, default=1, help="frø for demodata (1)")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument(
            "--only",
            default="",
            help="bare disse scenarioene, kommaseparert (f.eks. overview,plan); gulvene måles alltid",
        )
        parser.add_argument(
            "--database-url",
            help="database å måle i (tom eller bare demodata); standard: en midlertidig SQLite-fil",
        )
        # Set by the parent process: measure in the database this process was started with.
        parser.add_argument("--in-this-database", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if not 1 <= options["persons"] <= 1_000_000:
            raise CommandError("--persons må være mellom 1 og 1 000 000.", returncode=2)
        if not 1 <= options["repeat"] <= 10_000:
            raise CommandError("--repeat må være mellom 1 og 10 000.", returncode=2)
        try:
            options["scenarios"] = bench.chosen(options["only"])
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from error
        if options["in_this_database"]:
            self._measure(options)
        else:
            self._in_child(options)

    def _in_child(self, options):
        """Run in a new process whose settings point at the bench database, so the
        configured (perhaps production) database is never opened."""
        with tempfile.TemporaryDirectory(prefix="helhet-bench-") as work:
            url = options["database_url"] or f"sqlite:///{work}/bench.sqlite3"
            env = {**os.environ, "HELHET_DATABASE_URL": url, "HELHET_DATA_DIR": work}
            command = [
                sys.executable,
                "-m",
                "helhet.manage",
                "bench",
                "--in-this-database",
                f"--persons={options['persons']}",
                f"--repeat={options['repeat']}",
                f"--seed={options['seed']}",
                f"--format={options['format']}",
                f"--only={options['only']}",
            ]
            done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
        if done.returncode:
            raise CommandError("Målingen ble ikke fullført (se over).", returncode=done.returncode)
        self.stdout.write(done.stdout, ending="")

    def _measure(self, options):
        def progress(message: str) -> None:
            self.stderr.write(f"  {message}")

        self.stderr.write(f"Lager demokommune med {options['persons']} personer ...")
        bench.prepare(options["persons"], options["seed"], progress)
        self.stderr.write(f"Måler {options['repeat']} ganger per side ...")
        results = bench.run(options["repeat"], progress, options["scenarios"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(bench.as_dicts(results), indent=2))
        else:
            self.stdout.write(bench.as_text(results))
