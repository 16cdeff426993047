"""`helhet restore PATH`: replace the database's content with a checked backup."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helhet.operations import backup, logchain


class Command(BaseCommand):
    help = (
        "Gjenoppretter databasen fra en sikkerhetskopi laget med «helhet backup». "
        "ALLE nåværende data erstattes. Skadede eller fremmede filer avvises uten endring."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="sikkerhetskopien (.tar)")
        parser.add_argument(
            "--yes", action="store_true", help="ikke spør: erstatt dataene i databasen"
        )

    def handle(self, *args, **options):
        try:
            manifest = backup.restore(Path(options["path"]), self._confirm(options["yes"]))
        except backup.BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        if manifest is None:
            raise CommandError("Avbrutt. Ingenting er endret.", returncode=1)
        self.stdout.write(
            f"Databasen er gjenopprettet fra {options['path']} "
            f"(tatt {manifest['created_at']}, Helhet {manifest['helhet_version']})."
        )
        self.stdout.write(
            "Vernet av tilgangsloggen og administrasjonsloggen (kun tillegg) "
            "er lagt inn på nytt og kontrollert."
        )
        # The restored log's hash chain, as `helhet verify-log --no-seal` checks it.
        report = logchain.verify()
        if report.broken:
            raise CommandError(
                f"Tilgangsloggen i sikkerhetskopien er endret: {report.broken}", returncode=1
            )
        heads = len(manifest.get("access_log_chain_heads") or {})
        self.stdout.write(
            f"Tilgangsloggens hash-kjeder er kontrollert ({report.checked} rader; "
            f"{heads} kjedeverdier fra sikkerhetskopien finnes uendret)."
        )

    def _confirm(self, yes: bool):
        def confirm(manifest: dict) -> bool:
            if yes:
                return True
            if not sys.stdin.isatty():
                raise backup.BackupError(
                    "Gjenoppretting erstatter alle data i databasen. Bekreft med --yes."
                )
            self.stdout.write(
                f"Sikkerhetskopien er fra {manifest['created_at']} og er kontrollert. "
                "Alle nåværende data i databasen blir erstattet."
            )
            return input("Skriv «ja» for å fortsette: ").strip().lower() == "ja"

        return confirm
