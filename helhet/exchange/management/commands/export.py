"""`helhet export --municipality NUMBER [--person FNR] --output FILE`."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from helhet.exchange import exporting
from helhet.organisation.models import Municipality
from helhet.people import identity
from helhet.people.models import Person


class Command(BaseCommand):
    help = (
        "Eksporterer som JSON: med --person én persons egne opplysninger "
        "(dataportabilitet, personvernforordningen art. 20; logges i tilgangsloggen), "
        "ellers hele kommunen i Djangos fixture-format (leses med loaddata)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="kommunenummer (fire siffer)")
        parser.add_argument("--person", help="fødselsnummer eller D-nummer")
        parser.add_argument("--output", required=True, help="filen som skrives (JSON)")

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(number=options["municipality"]).first()
        if municipality is None:
            raise CommandError(
                f"Fant ingen kommune med nummer «{options['municipality']}».", returncode=2
            )
        output = Path(options["output"])
        try:
            if options["person"] is not None:
                person = self._person(municipality, options["person"])
                exporting.write_person(person, output)
                self.stdout.write(f"Eksporterte opplysningene om {person} til {output}.")
            else:
                count = exporting.write_municipality(municipality, output)
                self.stdout.write(f"Eksporterte {count} objekter fra {municipality} til {output}.")
        except exporting.ExportError as error:
            raise CommandError(str(error), returncode=2) from error

    def _person(self, municipality, value: str) -> Person:
        try:
            national_id = identity.clean_national_id(value)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from error
        person = Person.objects.filter(municipality=municipality, national_id=national_id).first()
        if person is None:
            raise CommandError(
                f"Fant ingen person med dette fødselsnummeret i {municipality}.", returncode=2
            )
        return person
