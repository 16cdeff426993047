"""helhet compliance-snapshot [--municipality NUMBER]: store today's compliance report.

Meant for a nightly systemd timer (docs/deployment.md): the page's first view of
the day then reads stored figures, and each night adds a point to the trend."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from helhet.audit.management.commands._common import store_snapshots


class Command(BaseCommand):
    help = _("Beregn og lagre dagens etterlevelse (siste 365 dager) for alle kommuner.")

    def add_arguments(self, parser):
        parser.add_argument("--municipality", help=_("kommunenummer (standard: alle)"))

    def handle(self, *args, **options):
        store_snapshots(self.stdout, options["municipality"])
