"""`helhet backup PATH`: a consistent backup of the live database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helhet.operations import backup


class Command(BaseCommand):
    help = (
        "Tar en konsistent sikkerhetskopi av databasen mens Helhet kjører "
        "(SQLite: backup-API; PostgreSQL: pg_dump)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="filen sikkerhetskopien skrives til (.tar)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            manifest = backup.create(path)
        except backup.BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        dump = manifest["dump"]
        self.stdout.write(
            f"Sikkerhetskopi skrevet til {path} ({manifest['vendor']}, "
            f"{len(manifest['migrations'])} migreringer, {dump['size']} byte, "
            f"SHA-256 {dump['sha256']})."
        )
