"""`helhet confirm-membership MEMBERSHIP_ID` — start-up only.

A new municipality's first heads have nobody in Helhet to confirm their
memberships. Operations confirm those on the server; the command refuses as
soon as a leader or head of sector in Helhet could do it, and the
confirmation is written to the administration log (actor empty: operations).
Without arguments it lists the memberships waiting for confirmation.
"""

from django.core.management.base import BaseCommand, CommandError

from helhet.organisation import services
from helhet.organisation.models import Membership


class Command(BaseCommand):
    help = "Bekrefter en tilknytning ved oppstart, når ingen leder i Helhet kan gjøre det."

    def add_arguments(self, parser):
        parser.add_argument("membership_id", nargs="?", type=int)

    def handle(self, *args, membership_id=None, **options):
        if membership_id is None:
            for m in Membership.objects.pending().select_related("staff__user", "unit"):
                self.stdout.write(f"{m.pk}\t{m.staff.user.get_username()}\t{m.unit}\t{m.role}")
            return
        try:
            membership = services.confirm_at_start_up(membership_id=membership_id)
        except services.ConfirmationRefused as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(f"Bekreftet: {membership}")
