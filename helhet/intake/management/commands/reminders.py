import os

from django.core.management.base import BaseCommand
from django.utils import timezone

from helhet.intake import reminders
from helhet.portal import reminders as consent_reminders


class Command(BaseCommand):
    help = (
        "Stamp escalations and e-mail each user a count of due, overdue and escalated "
        "work-list items (no person data); remind persons of the consents they have given "
        "(Min side and e-mail). Safe to run more than once a day; run it from cron or a "
        "systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=os.environ.get("HELHET_BASE_URL", "http://localhost:8000"),
            help="The address users open Helhet at (default: $HELHET_BASE_URL).",
        )

    def handle(self, *args, base_url, **options):
        today = timezone.localdate()
        escalated, sent = reminders.run(today, base_url)
        consent_reminders_made, consent_mails = consent_reminders.run(today, base_url)
        self.stdout.write(
            f"escalated={escalated} mails={sent} consent_reminders={consent_reminders_made} "
            f"consent_mails={consent_mails}"
        )
