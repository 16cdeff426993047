"""The statistics page and its exports: one selection, read from the request,
turned into the report, the chosen group and the charts."""

from typing import Any

from django.utils.translation import gettext as _

from helhet.mapping import charts, forms, report, services
from helhet.mapping.models import Domain, Level

TREND_YEARS = 5
SMALL_SELECTION = _(
    "Utvalget kan ikke vises: det gjelder færre enn 5 personer, eller gruppen er slått "
    "sammen med en annen for å skjule små tall. Velg en av gruppene i tabellene."
)


def selection(municipality_id, params) -> dict:
    years = services.available_years(municipality_id=municipality_id)
    form = forms.StatisticsFilter(params if params else None, years=years)
    result: dict[str, Any] = {
        "form": form,
        "errors": [],
        "report": None,
        "years": years,
        "domains": Domain.choices,
        "levels": [(level, Level(level).label) for level in report.DISPLAY_LEVELS],
    }
    if params and not form.is_valid():
        result["errors"] = [str(e) for errors in form.errors.values() for e in errors]
        return result
    data = form.cleaned_data if params else {}
    year = data.get("aar") or (years[-1] if years else None)
    if year is None:
        return result
    current = services.year_report(municipality_id=municipality_id, year=year)
    result["report"] = current
    if current.too_few:
        result["errors"] = [
            _("Færre enn 5 personer ble kartlagt i %(year)s, så tallene vises ikke.")
            % {"year": year}
        ]
        return result
    group = _group(current, data.get("dimensjon"), data.get("gruppe"))
    if data.get("dimensjon") and group is None:
        result["errors"] = [str(SMALL_SELECTION)]
        return result
    dimension = current.dimension(data["dimensjon"]) if group else None
    shown_years = [y for y in years if y <= year][-TREND_YEARS:]
    trend = services.trend(municipality_id=municipality_id, years=shown_years, current=current)
    result.update(
        {
            "dimension": dimension,
            "group": group,
            "distribution_rows": _distribution_rows(current, group),
            "trend": trend,
            "trend_rows": _trend_rows(trend),
            "breakdowns": _breakdowns(current, year),
            "multi_rows": [
                (bucket, current.multi[bucket], current.multi[bucket].share_of(current.n))
                for bucket in report.BUCKETS
            ],
        }
    )
    result["distribution_chart"] = charts.stacked_bars(
        [(str(r["label"]), r["cells"], r["total"]) for r in result["distribution_rows"]]
    )
    result["trend_chart"] = charts.trend_lines(trend)
    return result


def _group(current: report.Report, dimension_key, group_key):
    if not dimension_key:
        return None
    dimension = current.dimension(dimension_key)
    if dimension is None:
        return None
    return next((g for g in dimension.groups if g.key == group_key), None)


def _distribution_rows(current: report.Report, group) -> list[dict]:
    """Per domain: the level cells of the selection, with labels and shares."""
    total = group.size if group else current.n
    rows = []
    for domain, label in Domain.choices:
        cells = group.cells[domain] if group else current.distribution[domain]
        items = [
            (Level(level).label, cells[level], cells[level].share_of(total))
            for level in report.DISPLAY_LEVELS
        ]
        rows.append({"label": label, "cells": cells, "total": total, "items": items})
    return rows


def _breakdowns(current: report.Report, year: int) -> list:
    """Per breakdown, per group: its size and the number with serious problems per domain."""
    tables = []
    for dimension in current.dimensions:
        rows = []
        for group in dimension.groups:
            serious = [
                (
                    group.cells[domain][Level.SERIOUS],
                    group.cells[domain][Level.SERIOUS].share_of(group.size),
                )
                for domain in Domain.values
            ]
            query = f"?aar={year}&dimensjon={dimension.key}&gruppe={group.key}"
            rows.append({"group": group, "serious": serious, "query": query})
        tables.append({"dimension": dimension, "rows": rows})
    return tables


def _trend_rows(trend: list) -> list:
    return [
        {
            "year": r.year,
            "n": r.n,
            "serious": [
                (None, None)
                if r.too_few
                else (
                    r.distribution[d][Level.SERIOUS],
                    r.distribution[d][Level.SERIOUS].share_of(r.n),
                )
                for d in Domain.values
            ],
        }
        for r in trend
    ]
