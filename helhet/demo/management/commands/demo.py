"""`helhet demo`: create the synthetic demo municipality and start the server."""

import sys
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from helhet.demo import generate
from helhet.organisation.models import Municipality

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = "Lager en oppdiktet demokommune (reproduserbar for et gitt frø) og starter serveren."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=200, help="antall personer (200)")
        parser.add_argument("--seed", type=int, default=1, help="frø for tilfeldige data (1)")
        parser.add_argument("--password", required=True, help="passord for alle demobrukere")
        parser.add_argument("--no-serve", action="store_true", help="ikke start serveren")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="slett ALLE data i databasen først, også data som ikke er demodata",
        )
        parser.add_argument("--addr", default="127.0.0.1:8000", help="adresse for serveren")

    def handle(self, *args, **options):
        persons = options["persons"]
        if not 1 <= persons <= 1_000_000:
            raise CommandError("--persons må være mellom 1 og 1 000 000.", returncode=2)
        if len(options["password"]) < 8:
            raise CommandError("--password må ha minst 8 tegn.", returncode=2)
        if self._unmigrated():
            raise CommandError(
                "Databasen er ikke klar: kjør «helhet migrate» først "
                "(tools/demo gjør det for deg).",
                returncode=2,
            )
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        elif self._holds_other_data():
            raise CommandError(
                "Databasen inneholder data som ikke er demodata. Demo rører dem ikke. "
                "Bruk en annen database (HELHET_DATABASE_URL), eller --reset for å slette alt.",
                returncode=2,
            )
        if Municipality.objects.filter(is_demo=True).exists():
            self.stdout.write("Demokommunen finnes allerede; den brukes som den er.")
            self.stdout.write("Bruk --reset for å lage den på nytt med andre valg.")
        else:
            self._create(persons, options["seed"], options["password"])
        self._print_logins(options)
        if not options["no_serve"]:
            self._serve(options["addr"])

    @staticmethod
    def _unmigrated() -> bool:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))

    def _holds_other_data(self) -> bool:
        if Municipality.objects.filter(is_demo=False).exists():
            return True
        demo_logins = set(generate.DEMO_LOGINS)
        users = get_user_model().objects.exclude(username__in=demo_logins)
        has_demo = Municipality.objects.filter(is_demo=True).exists()
        # Without a demo municipality, any user at all is someone else's data.
        return (
            users.exists()
            if not has_demo
            else users.filter(staff__isnull=True).filter(person__isnull=True).exists()
        )

    def _create(self, persons: int, seed: int, password: str) -> None:
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stderr.write(f"  {message}")
            sys.stderr.flush()

        self.stdout.write(f"Lager demokommune med {persons} personer (frø {seed}) ...")
        # All or nothing: a demo killed midway leaves no half municipality.
        with transaction.atomic():
            generate.generate(persons, seed, password, timezone.localdate(), progress)
        self.stdout.write(f"Ferdig på {time.monotonic() - started:.1f} s.")

    def _print_logins(self, options) -> None:
        addr = options["addr"]
        self.stdout.write("")
        self.stdout.write(f"Helhet: http://{addr}/")
        self.stdout.write(f"Demobrukere (passord: {options['password']}):")
        for login, _first, _last, unit, _roles, title in generate.LOGINS:
            self.stdout.write(f"  {login:<14} {title} – {dict(generate.UNIT_NAMES)[unit]}")
        for login, description in generate.PERSON_LOGINS:
            self.stdout.write(f"  {login:<14} {description}")

    def _serve(self, addr: str) -> None:
        self.stdout.write("")
        self.stdout.write(f"Starter serveren på http://{addr}/ – avslutt med Ctrl+C.")
        call_command("runserver", addr, use_reloader=False, skip_checks=True)
