"""Compliance results for the API: audit's stored report, as aggregates only.

The API reads the same stored report as the compliance page
(``audit.services.find_stored``). A period not stored today is never computed
inside the request: the worker computes it (``helhet.background``) and the API
answers 202 with the job to follow (docs/api.md, "Long work")."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.http import urlencode

from helhet.audit import services as audit_services
from helhet.audit.services import CriterionReport, StoredReport, Tally
from helhet.background import services as background
from helhet.background.models import Job
from helhet.organisation.models import Unit


def _tally(tally: Tally) -> dict[str, int]:
    return {"met": tally.met, "not_met": tally.not_met, "not_applicable": tally.not_applicable}


def stored_or_job(
    *, user: User, municipality_id: int, start: dt.date, end: dt.date, today: dt.date
) -> StoredReport | Job:
    """Today's stored report for the period, or the job computing it: the one
    already queued or running (whoever asked), else a new one — the page's job,
    so the page and the API never compute the same period twice. A job that
    failed earlier today is tried again: asking the API again is the retry."""
    stored = audit_services.find_stored(
        municipality_id=municipality_id, start=start, end=end, today=today
    )
    if stored is not None:
        return stored
    query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    job = background.start_compliance(
        user=user,
        municipality_id=municipality_id,
        start=start,
        end=end,
        today=today,
        return_to=f"{reverse('audit:compliance')}?{query}",
    )
    if not job.active:  # done already (a quick worker, or tasks run at once)
        stored = audit_services.find_stored(
            municipality_id=municipality_id, start=start, end=end, today=today
        )
        if stored is not None:
            return stored
    return job


def results(*, municipality_id: int, reports: list[CriterionReport]) -> list[dict[str, Any]]:
    """Per criterion: its id, title, legal basis, tallies and tallies per unit.
    Counts only: no outcome, evidence or person leaves this function."""
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
