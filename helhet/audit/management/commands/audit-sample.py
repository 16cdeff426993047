"""helhet audit-sample (--every K [--offset O | --random-start --seed S] | --random N --seed S)
--from DATE --to DATE [--units CODES] [--with-all-plans] --format json|pdf [--output PATH]

--every K draws the K-th, 2K-th, 3K-th … person of the population (ordered by
person id); --offset O the O-th, (O+K)-th …; --random-start draws O from the seed.
The population, the number drawn, the number added and their share of the
population are printed (on stderr when the JSON goes to the screen)."""

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
        parser.add_argument("--offset", type=int, help=_("start, 1 til k (standard: den k-te)"))
        parser.add_argument(
            "--random-start", action="store_true", help=_("trekk starten tilfeldig (med --seed)")
        )
        parser.add_argument("--seed", type=int, help=_("frø for tilfeldig utvalg eller start"))
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
            start = services.parse_date(text=options["start"])
            end = services.parse_date(text=options["end"])
            units = [
                services.unit_by_code(municipality=muni, code=code.strip())
                for code in options["units"].split(",")
                if code.strip()
            ]
        except services.BadInput as error:
            raise refuse(str(error)) from error
        if start is None or end is None:
            raise refuse(_("Oppgi perioden med --from og --to."))
        if options["size"] is not None and options["seed"] is None:
            raise refuse(_("Et tilfeldig utvalg må ha et frø (--seed)."))
        if options["random_start"] and options["seed"] is None:
            raise refuse(_("En tilfeldig start må ha et frø (--seed)."))
        if options["size"] is not None and (
            options["offset"] is not None or options["random_start"]
        ):
            raise refuse(_("--offset og --random-start gjelder bare --every."))
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
            random_start=options["random_start"],
            size=options["size"],
            seed=options["seed"],
            unit_ids=tuple(sorted(u.pk for u in units)),
            with_all_plans=options["with_all_plans"],
        )
        try:
            sample = sampling.create_sample(muni, parameters)
        except sampling.SampleRefused as error:
            raise refuse(str(error)) from error
        summary = sampling.summary_line(sample)
        if options["format"] == "pdf":
            context = {**sampling.report(sample), "generated": timezone.localtime()}
            Path(options["output"]).write_bytes(pdf.render("audit/sample_pdf.html", context))
            self.stdout.write(summary)
            return
        text = json.dumps(sampling.as_json(sample), ensure_ascii=False, indent=2)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(summary)
        else:
            # The JSON owns stdout (it is piped); the summary goes to the terminal.
            self.stdout.write(text)
            self.stderr.write(summary)
