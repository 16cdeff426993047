"""`helhet generate-access-log`: a large synthetic access log on PostgreSQL, measured."""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from helhet.operations import logchain, loggen


class Command(BaseCommand):
    help = (
        "Lager en stor, oppdiktet tilgangslogg i PostgreSQL (INSERT … SELECT generate_series) "
        "for en ny demokommune med oppdiktede personer og brukere, og måler rader per sekund, "
        "byte per rad og diskbruk; med --seal også forsegling. Bare for en måledatabase."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000, help="antall rader (1 000 000)")
        parser.add_argument("--persons", type=int, default=5000, help="antall personer (5000)")
        parser.add_argument("--users", type=int, default=500, help="antall brukere (500)")
        parser.add_argument("--days", type=int, default=30, help="fordelt over så mange dager (30)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--seal", action="store_true", help="forsegl radene etterpå og mål det")
        parser.add_argument(
            "--measure",
            action="store_true",
            help="mål også personens loggside (første og en eldre side), leders kontroll og "
            "verify-log --month for nyeste måned",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "generate-access-log er bare for PostgreSQL (sett HELHET_DATABASE_URL til en "
                "egen måledatabase).",
                returncode=2,
            )
        for name, low, high in [
            ("rows", 1, 2_000_000_000),
            ("persons", 1, 10_000_000),
            ("users", 1, 1_000_000),
            ("days", 1, 3650),
        ]:
            if not low <= options[name] <= high:
                raise CommandError(f"--{name} må være mellom {low} og {high}.", returncode=2)
        before = loggen.sizes()

        def report(done: int, seconds: float) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"{done} rader, {done / seconds:,.0f} rader/s")

        made = loggen.generate(
            rows=options["rows"],
            persons=options["persons"],
            users=options["users"],
            days=options["days"],
            seed=options["seed"],
            report=report,
        )
        after = loggen.sizes()
        added = after["total"] - before["total"]
        self.stdout.write(
            f"{made.rows} rader på {made.seconds:.1f} s: {made.rows_per_second:,.0f} rader/s "
            f"(kommune {made.municipality_id}, {made.first:%Y-%m-%d} til {made.last:%Y-%m-%d})."
        )
        self.stdout.write(self._size_line(after, added / made.rows))
        if options["seal"]:
            started = time.perf_counter()
            sealed = logchain.seal()
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"{sealed} rader forseglet på {seconds:.1f} s: {sealed / seconds:,.0f} rader/s."
            )
            sealed_size = loggen.sizes()
            self.stdout.write(
                "Etter forsegling: "
                + self._size_line(sealed_size, (sealed_size["total"] - before["total"]) / made.rows)
            )
        if options["measure"]:
            self._measure(made)

    def _measure(self, made) -> None:
        from helhet.access import services
        from helhet.access.models import AccessLogEntry
        from helhet.people.models import Person

        busiest = (
            AccessLogEntry.objects.filter(municipality_id=made.municipality_id, at__gte=made.first)
            .values_list("person_id", flat=True)
            .order_by("-person_id")
            .first()
        )
        if busiest is None:
            raise CommandError("Fant ingen rader i tilgangsloggen å måle.")
        person = Person.objects.get(pk=busiest)

        def timed(label: str, work) -> None:
            work()  # warm: the first read of a partition from disk is not the page's cost
            runs = []
            for _ in range(20):
                started = time.perf_counter()
                work()
                runs.append((time.perf_counter() - started) * 1000)
            self.stdout.write(
                f"{label}: median {statistics.median(runs):.1f} ms "
                f"(min {min(runs):.1f}, maks {max(runs):.1f})"
            )

        first = services.person_log(person=person)
        older = first.next_cursor
        for _ in range(5):
            page = services.person_log(person=person, cursor=older)
            older = page.next_cursor or older
        total = AccessLogEntry.objects.filter(person=person).count()
        self.stdout.write(f"Personen har {total} rader i loggen.")
        timed("Personens logg, første side", lambda: services.person_log(person=person))
        timed(
            "Personens logg, sjette side",
            lambda: services.person_log(person=person, cursor=older),
        )
        timed("Min side, innsyn, første side", lambda: services.own_log(person=person))
        since = services.review_since(days=None)[1]
        timed(
            "Leders kontroll, 90 dager, første side",
            lambda: list(services.flagged(municipality_id=made.municipality_id, since=since)[:50]),
        )
        month = logchain.month_of(made.last)
        started = time.perf_counter()
        report = logchain.verify(month=month)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"verify-log --month {month:%Y-%m}: {report.checked} rader på {seconds:.1f} s "
            f"({report.checked / seconds:,.0f} rader/s), "
            f"{'brudd: ' + report.broken if report.broken else 'intakt'}."
        )

    def _size_line(self, size: dict[str, int], per_row: float) -> str:
        return (
            f"Tilgangsloggen: {size['rows']} rader, {size['heap'] / 2**20:,.0f} MiB tabell + "
            f"{size['indexes'] / 2**20:,.0f} MiB indekser = {size['total'] / 2**20:,.0f} MiB; "
            f"{per_row:.0f} byte per ny rad."
        )
