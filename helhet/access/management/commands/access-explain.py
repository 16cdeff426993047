"""`helhet access-explain USERNAME FODSELSNUMMER [--category C] [--action A] [--format text|json]`

Prints the gate's decision for a user and a person, and on which basis —
for support ("why can't I open this person?") and for supervision. Every
basis registered with the gate is listed, with whether it holds and what it
allows (bases that concern one record, such as an application, are listed as
holding only for that record). The use
of the command is itself logged and flagged: it looks a person up by number.
"""

import getpass
import json
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action
from helhet.people import identity
from helhet.people.models import Person


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Viser tilgangsportens avgjørelse og grunnlag for en bruker og en person."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("national_id", metavar="FODSELSNUMMER")
        parser.add_argument("--category", default=gate.BASIC)
        parser.add_argument("--action", default=Action.VIEW, choices=Action.values)
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(
        self,
        *args: Any,
        username: str,
        national_id: str,
        category: str,
        action: str,
        format: str,
        **options: Any,
    ) -> None:
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
        decision = gate.decide(user, person, action, category=category)
        self._log_use(user, person, decision, category)
        held = {r.basis: r for r in gate.relations(user, person)}
        own = getattr(user, "person", None)
        represented = gate.represented_decision(user, person)
        bases: list[dict[str, Any]] = [
            {
                "basis": gate.SELF,
                "label": "Personen selv",
                "holds": own is not None and own.pk == person.pk,
                "allows": [],
                "per_record": False,
            },
            {
                "basis": gate.REPRESENTATIVE,
                "label": "Fullmektig eller verge (Min side)",
                "holds": represented is not None and represented.granted,
                "allows": [],
                "per_record": False,
            },
        ] + [
            {
                "basis": basis.code,
                "label": str(basis.label),
                "holds": basis.code in held,
                "allows": sorted(held[basis.code].actions) if basis.code in held else [],
                "per_record": basis.person_ids is None,
            }
            for basis in gate.BASES
        ]
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "granted": decision.granted,
                        "basis": decision.basis,
                        "detail": decision.detail,
                        "action": action,
                        "bases": bases,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(f"Tilgang: {'ja' if decision.granted else 'nei'}")
            self.stdout.write(f"Grunnlag: {decision.basis or '(ingen)'}")
            self.stdout.write(f"Forklaring: {decision.detail}")
            self.stdout.write("Registrerte grunnlag:")
            for b in bases:
                state = "gjelder" if b["holds"] else "gjelder ikke"
                if b["per_record"] and not b["holds"]:
                    state += " (vurderes per sak)"
                allows = f" – tillater: {', '.join(b['allows'])}" if b["allows"] else ""
                self.stdout.write(f"  {b['basis']} ({b['label']}): {state}{allows}")

    def _person(self, user: User, number: str) -> Person:
        persons = Person.objects.filter(national_id=number)
        staff = getattr(user, "staff", None)
        if staff is not None:
            persons = persons.filter(municipality_id=staff.municipality_id)
        person = persons.first()
        if person is None:
            raise _fail("Fant ingen person med dette nummeret i brukerens kommune.")
        return person

    def _log_use(self, user: User, person: Person, decision: gate.Decision, category: str) -> None:
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
