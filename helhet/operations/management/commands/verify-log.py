"""`helhet verify-log`: prove that no sealed access-log row was changed or deleted."""

from django.core.management.base import BaseCommand, CommandError

from helhet.operations import logchain


class Command(BaseCommand):
    help = (
        "Kontrollerer hash-kjeden i tilgangsloggen: forsegler nye rader først, regner så "
        "ut hver kjedeverdi på nytt. Avslutter med kode 1 og første brutte rad hvis en rad "
        "er endret eller slettet. Hver måned er en egen kjede, forankret i kjeden før; "
        "--month kontrollerer én måned. Skriver ut siste kjedeverdi; lagre den utenfor serveren."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            help="kjedeverdi lagret tidligere (POSISJON:SHA256 fra en tidligere kjøring); "
            "den må fortsatt finnes uendret i kjeden",
        )
        parser.add_argument(
            "--month",
            help="kontroller bare denne månedens kjede (ÅÅÅÅ-MM) og ankerpunktet i kjeden før",
        )
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="ikke forsegl nye rader først (for en lesekopi av databasen)",
        )

    def handle(self, *args, **options):
        kept = self._kept_head(options["head"])
        month = self._month(options["month"])
        if not options["no_seal"]:
            if month:
                logchain.seal_month(month)
            else:
                logchain.seal()
        report = logchain.verify(expected_head=kept, month=month)
        if report.broken:
            raise CommandError(report.broken, returncode=1)
        self.stdout.write(f"OK, {report.checked} rader kontrollert.")
        if report.head:
            self.stdout.write(f"Siste kjedeverdi (lagre utenfor serveren): {report.head}")
        # Each month's head, to keep off the host too: the closed months' never change.
        if options["verbosity"] >= 2 or (month is None and len(report.heads) > 1):
            for name, head in sorted(report.heads.items()):
                self.stdout.write(f"  {name or 'før månedskjeder'}: {head}")
        if report.unsealed:
            self.stdout.write(f"{report.unsealed} nye rader er ennå ikke forseglet.")

    def _month(self, text):
        if text is None:
            return None
        try:
            return logchain.parse_month(text)
        except ValueError as error:
            raise CommandError(
                "--month må være ÅÅÅÅ-MM, for eksempel 2026-11.", returncode=2
            ) from error

    def _kept_head(self, text):
        if text is None:
            return None
        try:
            return logchain.parse_head(text)
        except ValueError as error:
            raise CommandError(
                "--head må være POSISJON:SHA256, slik verify-log skriver den ut.", returncode=2
            ) from error
