from django.core.management.base import BaseCommand

from helhet.exchange import delivery


class Command(BaseCommand):
    help = (
        "Post pending webhook deliveries (signed, retried with backoff). Safe to run "
        "concurrently or twice; run it from a systemd timer every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send one batch and stop.")
        parser.add_argument(
            "--max", type=int, default=100, help="At most this many deliveries (default 100)."
        )

    def handle(self, *args, once, max, **options):
        delivered, failed = delivery.run(once=once, limit=max)
        self.stdout.write(f"delivered={delivered} failed={failed}")
