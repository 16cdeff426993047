"""Compliance results for the API: audit's own report, as aggregates only.

The one place the API asks audit for results, so it can read audit's stored
daily snapshot instead once there is one, without touching the endpoint."""

import datetime as dt

from helhet.audit import services as audit_services
from helhet.organisation.models import Unit


def _tally(tally) -> dict:
    return {"met": tally.met, "not_met": tally.not_met, "not_applicable": tally.not_applicable}


def results(municipality_id: int, start: dt.date, end: dt.date, today: dt.date) -> list[dict]:
    """Per criterion: its id, title, legal basis, tallies and tallies per unit.
    Counts only: no outcome, evidence or person leaves this function."""
    reports = audit_services.build(
        municipality_id=municipality_id, start=start, end=end, today=today
    )
    used = {unit_id for report in reports for unit_id in report.per_unit}
    names = dict(
        Unit.objects.filter(municipality_id=municipality_id, pk__in=used).values_list("pk", "name")
    )
    return [
        {
            "id": report.criterion.id,
            "title": str(report.criterion.title),
            "legal_basis": report.criterion.legal_text,
            "source": report.criterion.source,
            **_tally(report.total),
            "rate": report.total.rate,
            "units": [
                {"unit": unit_id, "name": names.get(unit_id, ""), **_tally(tally)}
                for unit_id, tally in sorted(
                    report.per_unit.items(), key=lambda item: names.get(item[0], "")
                )
            ],
        }
        for report in reports
    ]
