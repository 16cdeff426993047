"""helhet audit-sample (--every K [--offset J] | --random N --seed S) --from DATE --to DATE
[--units CODES] [--with-all-plans] --format json|pdf [--output PATH]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.audit import pdf, sampling, services
from helhet.audit.management.commands._common import municipality, refuse
from helhet.audit.models import AuditSample


class Command(BaseCommand):
    help = _("Trekk et reproduserbart, anonymisert revisjonsutvalg med forhåndsutfylt sjekkliste.")

    def add_arguments(self, parser):
        how = parser.add_mutually_exclusive_group(required=True)
        how.add_argument("--every", type=int, help=_("hver k-te aktive person"))
        how.add_argument("--random", type=int, dest="size", help=_("antall tilfeldig valgte"))
        parser.add_argument("--offset", type=int, default=0, help=_("startposisjon, 0 til k−1"))
        parser.add_argument("--seed", type=int, help=_("frø for tilfeldig utvalg"))
        parser.add_argument("--from", dest="start", required=True)
        parser.add_argument("--to", dest="end", required=True)
        parser.add_argument("--units", default="", help=_("enhetskoder, kommaseparert"))
        parser.add_argument("--with-all-plans", action="store_true")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument("--output", help=_("fil (standard: skjermen)"))
        parser.add_argument("--municipality", help=_("kommunenummer"))

    def handle(self, *args, **options):
        muni = municipality(options["municipality"])
        try:
            start = services.parse_date(options["start"])
            end = services.parse_date(options["end"])
            units = [
                services.unit_by_code(muni, code.strip())
                for code in options["units"].split(",")
                if code.strip()
            ]
        except services.BadInput as error:
            raise refuse(str(error)) from error
        if start is None or end is None:
            raise refuse(_("Oppgi perioden med --from og --to."))
        if options["size"] is not None and options["seed"] is None:
            raise refuse(_("Et tilfeldig utvalg må ha et frø (--seed)."))
        if options["format"] == "pdf" and not options["output"]:
            raise refuse(_("PDF skrives til fil: bruk --output FIL."))
        if options["output"] and not Path(options["output"]).resolve().parent.is_dir():
            raise refuse(_("Mappen for --output finnes ikke."))
        parameters = sampling.Parameters(
            method=AuditSample.Method.SYSTEMATIC
            if options["every"] is not None
            else AuditSample.Method.RANDOM,
            start=start,
            end=end,
            every=options["every"],
            offset=options["offset"],
            size=options["size"],
            seed=options["seed"],
            unit_ids=tuple(sorted(u.pk for u in units)),
            with_all_plans=options["with_all_plans"],
        )
        try:
            sample = sampling.create_sample(muni, parameters)
        except sampling.SampleRefused as error:
            raise refuse(str(error)) from error
        if options["format"] == "pdf":
            context = {**sampling.report(sample), "generated": timezone.localtime()}
            Path(options["output"]).write_bytes(pdf.render("audit/sample_pdf.html", context))
            return
        text = json.dumps(sampling.as_json(sample), ensure_ascii=False, indent=2)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
