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
        parser.add_argument(
            "--runs",
            type=int,
            default=1,
            help="mål alle scenarioene så mange ganger etter hverandre og vis spredningen (1)",
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help=(
                "gjenbruk demodataene hvis databasen har nøyaktig samme demo (--persons og "
                "--seed), og la dem ligge etterpå; krever --database-url eller --sqlite-file"
            ),
        )
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
        parser.add_argument(
            "--sqlite-file",
            help="mål i denne SQLite-filen (lages om den mangler, slettes ikke etterpå)",
        )
        # Set by the parent process: measure in the database this process was started with.
        parser.add_argument("--in-this-database", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if not 1 <= options["persons"] <= 1_000_000:
            raise CommandError("--persons må være mellom 1 og 1 000 000.", returncode=2)
        if not 1 <= options["repeat"] <= 10_000:
            raise CommandError("--repeat må være mellom 1 og 10 000.", returncode=2)
        if not 1 <= options["runs"] <= 1_000:
            raise CommandError("--runs må være mellom 1 og 1 000.", returncode=2)
        try:
            options["scenarios"] = bench.chosen(options["only"])
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from error
        if options["in_this_database"]:
            self._measure(options)
            return
        if options["database_url"] and options["sqlite_file"]:
            raise CommandError(
                "Bruk enten --database-url eller --sqlite-file, ikke begge.", returncode=2
            )
        if options["sqlite_file"]:
            folder = os.path.dirname(os.path.abspath(options["sqlite_file"]))
            if not os.path.isdir(folder):
                raise CommandError(f"Mappen {folder} finnes ikke.", returncode=2)
            # Four slashes: an absolute path (dj-database-url).
            options["database_url"] = f"sqlite:///{os.path.abspath(options['sqlite_file'])}"
        if options["keep"] and not options["database_url"]:
            raise CommandError(
                "--keep krever --database-url eller --sqlite-file: den midlertidige "
                "SQLite-filen slettes etter målingen.",
                returncode=2,
            )
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
                f"--runs={options['runs']}",
                f"--format={options['format']}",
                f"--only={options['only']}",
                *(["--keep"] if options["keep"] else []),
            ]
            done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
        if done.returncode:
            raise CommandError("Målingen ble ikke fullført (se over).", returncode=done.returncode)
        self.stdout.write(done.stdout, ending="")

    def _measure(self, options):
        def progress(message: str) -> None:
            self.stderr.write(f"  {message}")

        persons, seed = options["persons"], options["seed"]
        kept = bench.reusable(persons, seed) if options["keep"] else None
        if kept is not None:
            self.stderr.write(
                f"Gjenbruker demodata for {_number(persons)} personer (frø {seed}, "
                f"laget {kept.generated_on:%d.%m.%Y}) ..."
            )
        else:
            self.stderr.write(f"Lager demokommune med {_number(persons)} personer (frø {seed}) ...")
            bench.prepare(persons, seed, progress)
        runs = options["runs"]
        self.stderr.write(
            f"Måler {options['repeat']} ganger per side"
            + (f", {runs} kjøringer ..." if runs > 1 else " ...")
        )
        results = bench.run(options["repeat"], progress, options["scenarios"], runs=runs)
        for message in bench.unequal_queries(results):
            self.stderr.write(f"Merk: {message}")
        if options["format"] == "json":
            self.stdout.write(json.dumps(bench.as_dicts(results), indent=2))
        else:
            self.stdout.write(bench.as_text(results))


def _number(n: int) -> str:
    """50 000, as numbers are written in Norwegian."""
    return f"{n:,}".replace(",", " ")
