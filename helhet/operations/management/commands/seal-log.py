"""`helhet seal-log`: chain the access log's new rows (run every minute by a timer)."""

from django.core.management.base import BaseCommand

from helhet.access import partitions
from helhet.operations import logchain


class Command(BaseCommand):
    help = (
        "Forsegler nye rader i tilgangsloggen: hver rad får neste posisjon i hash-kjeden "
        "(SHA-256 av forrige kjedeverdi og radens innhold). Kjøres hvert minutt. På PostgreSQL "
        "lages også månedspartisjonene for tolv måneder fram."
    )

    def handle(self, *args, **options):
        try:
            made = partitions.ensure()
        except partitions.PartitionError as error:
            # Rows still land in the DEFAULT partition; sealing must go on.
            self.stderr.write(f"Kunne ikke lage ny månedspartisjon for tilgangsloggen: {error}")
            made = []
        if made and options["verbosity"] >= 1:
            self.stdout.write(f"Nye partisjoner: {', '.join(made)}")
        sealed = logchain.seal()
        if options["verbosity"] >= 1:
            head = logchain.head()
            self.stdout.write(
                f"{sealed} rader forseglet. Siste kjedeverdi: {head}"
                if head
                else "Tilgangsloggen er tom."
            )
