"""helhet compliance --format json|csv [--unit CODE] [--from DATE --to DATE]"""

import csv
import json

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.audit import services
from helhet.audit.management.commands._common import municipality, refuse, store_snapshots
from helhet.core import csvexport

FIELDS = ["id", "title", "legal_basis", "met", "not_met", "not_applicable", "rate"]


class Command(BaseCommand):
    help = _("Etterlevelse per kriterium som JSON eller CSV, eller lagre dagens øyeblikksbilde.")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--unit", help=_("enhetskode"))
        parser.add_argument("--from", dest="start", help="dd.mm.åååå / åååå-mm-dd")
        parser.add_argument("--to", dest="end", help="dd.mm.åååå / åååå-mm-dd")
        parser.add_argument("--municipality", help=_("kommunenummer"))
        parser.add_argument(
            "--snapshot",
            action="store_true",
            help=_("som «helhet compliance-snapshot»: lagre dagens tall"),
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["snapshot"]:
            store_snapshots(self.stdout, options["municipality"])
            return
        muni = municipality(options["municipality"])
        try:
            start, end = services.period(
                start=services.parse_date(text=options["start"]),
                end=services.parse_date(text=options["end"]),
                today=today,
            )
            unit = (
                services.unit_by_code(municipality=muni, code=options["unit"])
                if options["unit"]
                else None
            )
        except services.BadInput as error:
            raise refuse(str(error)) from error
        # The same stored figures as the page and the PDF show.
        stored = services.stored_report(
            municipality_id=muni.pk, start=start, end=end, unit_id=unit.pk if unit else None
        )
        rows = [r.as_dict() for r in stored.reports]
        if options["format"] == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows({k: csvexport.safe(v) for k, v in row.items()} for row in rows)
            return
        document = {
            "municipality": muni.number,
            "unit": unit.code if unit else None,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "generated": timezone.now().isoformat(),
            "computed_at": stored.computed_at.isoformat(),
            "criteria": rows,
        }
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
