"""What the audit commands share: the municipality and the exit code for bad input."""

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.audit import services
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
    candidates = list(Municipality.objects.all()[:2])
    if len(candidates) != 1:
        raise refuse(_("Velg kommune med --municipality KOMMUNENUMMER."))
    return candidates[0]


def store_snapshots(out, number: str | None) -> None:
    """Today's report for the default period, for one or every municipality."""
    today = timezone.localdate()
    munis = [municipality(number)] if number else list(Municipality.objects.order_by("number"))
    for muni in munis:
        n = services.nightly_snapshot(municipality_id=muni.pk, today=today)
        out.write(
            _(
                "%(m)s: etterlevelsen for %(d)s er lagret (%(n)s utsnitt: hele kommunen og enhetene)."
            )
            % {"m": muni.name, "n": n, "d": today.strftime("%d.%m.%Y")}
        )
