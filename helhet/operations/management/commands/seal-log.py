"""`helhet seal-log`: chain the access log's new rows (run every minute by a timer)."""

from django.core.management.base import BaseCommand

from helhet.operations import logchain


class Command(BaseCommand):
    help = (
        "Forsegler nye rader i tilgangsloggen: hver rad får neste posisjon i hash-kjeden "
        "(SHA-256 av forrige kjedeverdi og radens innhold). Kjøres hvert minutt."
    )

    def handle(self, *args, **options):
        sealed = logchain.seal()
        if options["verbosity"] >= 1:
            head = logchain.head()
            self.stdout.write(
                f"{sealed} rader forseglet. Siste kjedeverdi: {head}"
                if head
                else "Tilgangsloggen er tom."
            )
