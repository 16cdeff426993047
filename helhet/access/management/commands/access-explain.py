"""`helhet access-explain USERNAME FODSELSNUMMER [--category C] [--format text|json]`

Prints the gate's decision for a user and a person, and on which basis —
for support ("why can't I open this person?") and for supervision. The use
of the command is itself logged and flagged: it looks a person up by number.
"""

import getpass
import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action
from helhet.people import identity
from helhet.people.models import Person


def _fail(message: str):
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Viser tilgangsportens avgjørelse og grunnlag for en bruker og en person."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("national_id", metavar="FODSELSNUMMER")
        parser.add_argument("--category", default=gate.BASIC)
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, username, national_id, category, format, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise _fail(f"Fant ingen bruker med brukernavnet «{username}».")
        try:
            number = identity.clean_national_id(national_id)
        except ValidationError as error:
            # The real reason (length, characters, check digits, date), not a guess.
            raise _fail("Ugyldig identitetsnummer: " + " ".join(error.messages)) from error
        if category not in gate.CATEGORIES:
            raise _fail(
                f"Ukjent kategori «{category}». Gyldige kategorier: {', '.join(gate.CATEGORIES)}."
            )
        person = self._person(user, number)
        decision = gate.decide(user, person, Action.VIEW, category)
        self._log_use(user, person, decision, category)
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "granted": decision.granted,
                        "basis": decision.basis,
                        "detail": decision.detail,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(f"Tilgang: {'ja' if decision.granted else 'nei'}")
            self.stdout.write(f"Grunnlag: {decision.basis or '(ingen)'}")
            self.stdout.write(f"Forklaring: {decision.detail}")

    def _person(self, user, number: str) -> Person:
        persons = Person.objects.filter(national_id=number)
        staff = getattr(user, "staff", None)
        if staff is not None:
            persons = persons.filter(municipality_id=staff.municipality_id)
        person = persons.first()
        if person is None:
            raise _fail("Fant ingen person med dette nummeret i brukerens kommune.")
        return person

    def _log_use(self, user, person, decision, category) -> None:
        operator = f"{getpass.getuser()} (kommandolinje)"[:150]
        AccessLogEntry.objects.create(
            municipality_id=person.municipality_id,
            user=None,
            username=operator,
            person=person,
            action=Action.VIEW,
            category=category,
            what=f"access-explain for {user.get_username()}"[:200],
            basis="kommandolinje",
            basis_detail=f"Tilgangsforklaring: {'gitt' if decision.granted else 'avvist'}"[:300],
            granted=True,
            flagged=True,
        )
