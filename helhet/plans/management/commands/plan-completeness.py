from django.core.management.base import BaseCommand

from helhet.plans import completeness
from helhet.plans.models import IndividualPlan


class Command(BaseCommand):
    help = (
        "Compute the stored § 19 completeness of every plan that lacks a fresh one "
        "(after a bulk import or restore, or nightly so the first overview of the day "
        "needs no computing). Safe to run at any time."
    )

    def handle(self, *args, **options):
        count = completeness.refresh(IndividualPlan.objects.all())
        self.stdout.write(f"computed={count}")
