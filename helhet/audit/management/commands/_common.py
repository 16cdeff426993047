"""What the audit commands share: the municipality and the exit code for bad input."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from helhet.organisation.models import Municipality

BAD_INPUT = 2


def refuse(message: str) -> CommandError:
    """Bad input: a Norwegian message on stderr, exit code 2, nothing written."""
    return CommandError(message, returncode=BAD_INPUT)


def municipality(number: str | None) -> Municipality:
    if number:
        found = Municipality.objects.filter(number=number).first()
        if found is None:
            raise refuse(_("Ukjent kommunenummer «%(n)s».") % {"n": number})
        return found
    found = list(Municipality.objects.all()[:2])
    if len(found) != 1:
        raise refuse(_("Velg kommune med --municipality KOMMUNENUMMER."))
    return found[0]
