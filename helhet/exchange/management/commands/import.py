"""`helhet import KIND FILE --municipality NUMBER`: bulk import, all or nothing."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helhet.exchange import importing
from helhet.organisation.models import Municipality

HELP = """Importerer enheter, ansatte, personer eller tjenester fra CSV (UTF-8, ; eller ,) eller
Excel (.xlsx). Første rad er kolonnenavn. Alle rader kontrolleres først; er én rad
feil, lagres ingenting (avslutningskode 2) og alle feil vises med linjenummer.

Kolonner (* = påkrevd):
  units:    code*;name*;kind*
  staff:    username*;first_name*;last_name*;email;unit_code*;role*
  persons:  national_id*;given_name*;family_name*;phone;email;address
  services: national_id*;unit_code*;name*;basis*;valid_from*;valid_to
Datoer: dd.mm.åååå eller åååå-mm-dd. Ansatte får ikke passord (innlogging via
OIDC, eller en administrator setter passord). Samme brukernavn på flere rader gir
flere tilknytninger (enhet, rolle)."""
STAFF_NOTE = (
    "De ansatte har ikke passord: de logger inn via OIDC, eller en administrator setter passord."
)


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=importing.KINDS, help="hva som importeres")
        parser.add_argument("file", help="CSV- eller XLSX-fil")
        parser.add_argument("--municipality", required=True, help="kommunenummer (fire siffer)")
        parser.add_argument(
            "--dry-run", action="store_true", help="bare kontroller filen, lagre ingenting"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(number=options["municipality"]).first()
        if municipality is None:
            raise CommandError(
                f"Fant ingen kommune med nummer «{options['municipality']}».", returncode=2
            )
        try:
            result = importing.run(
                options["kind"], Path(options["file"]), municipality, options["dry_run"]
            )
        except importing.FileError as error:
            raise CommandError(str(error), returncode=2) from error
        if options["format"] == "json":
            self._json(result)
        else:
            self._text(result)
        if not result.ok:
            raise CommandError(
                f"{len(result.rejections)} rad(er) avvist. Ingenting er lagret.", returncode=2
            )

    def _json(self, result: importing.Result) -> None:
        report = {
            "kind": result.kind,
            "rows": result.rows,
            "dry_run": result.dry_run,
            "ok": result.ok,
            "created": result.created,
            "rejected": [{"line": r.line, "reasons": r.reasons} for r in result.rejections],
        }
        if result.kind == "staff":
            report["note"] = STAFF_NOTE
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

    def _text(self, result: importing.Result) -> None:
        for rejection in result.rejections:
            self.stdout.write(f"Linje {rejection.line}: {' '.join(rejection.reasons)}")
        if not result.ok:
            return
        if result.dry_run:
            self.stdout.write("Prøvekjøring: filen er i orden, ingenting er lagret.")
        for what, count in result.created.items():
            self.stdout.write(f"{count} {what}")
        if result.kind == "staff" and not result.dry_run:
            self.stdout.write(STAFF_NOTE)
