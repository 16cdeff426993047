"""CSV and XLSX exports of the statistics selection.

Exports carry exactly the cells the page shows, with the same marks: a
suppressed count is the text "<5" or ":", never the number.
"""

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from helhet.core import csvexport
from helhet.mapping import report
from helhet.mapping.models import Domain, Level


def legend() -> list[str]:
    return [
        _("Kilde: Helhet, kartlegging av livsområder. Hver person telles én gang per år."),
        _("<5: færre enn 5 personer (også 0)."),
        _(":  skjult for at små tall ikke skal kunne regnes ut av andre tall."),
    ]


def _header() -> list[str]:
    return [
        _("Tabell"),
        _("Utvalg"),
        _("Gruppe"),
        _("Livsområde"),
        _("Nivå"),
        _("Antall"),
        _("Andel (%)"),
    ]


def _value(cell: report.Cell):
    return cell.value if cell.shown else cell.display


def _share(cell: report.Cell, total: report.Cell):
    share = cell.share_of(total)
    return "" if share is None else share


def rows(result: dict) -> dict[str, list[list]]:
    """Table name -> rows, the same for CSV and XLSX."""
    current: report.Report = result["report"]
    group = result.get("group")
    levels = [(level, str(Level(level).label)) for level in report.DISPLAY_LEVELS]
    domains = [(d, str(label)) for d, label in Domain.choices]
    tables: dict[str, list[list]] = {}
    if group is not None:
        dimension = result["dimension"]
        table = _("Utvalg")
        tables[table] = [
            [
                table,
                str(dimension.label),
                group.label,
                _("Alle"),
                _("Antall personer"),
                _value(group.size),
                "",
            ]
        ] + [
            [
                table,
                str(dimension.label),
                group.label,
                dl,
                ll,
                _value(group.cells[d][lv]),
                _share(group.cells[d][lv], group.size),
            ]
            for d, dl in domains
            for lv, ll in levels
        ]
        return tables
    everyone = _("Hele kommunen")
    table = _("Fordeling per livsområde")
    tables[table] = [
        [table, everyone, "", _("Alle"), _("Antall personer"), _value(current.n), ""]
    ] + [
        [
            table,
            everyone,
            "",
            dl,
            ll,
            _value(current.distribution[d][lv]),
            _share(current.distribution[d][lv], current.n),
        ]
        for d, dl in domains
        for lv, ll in levels
    ]
    table = _("Fordeling etter grupper")
    tables[table] = []
    for dimension in current.dimensions:
        for g in dimension.groups:
            tables[table].append(
                [
                    table,
                    str(dimension.label),
                    g.label,
                    _("Alle"),
                    _("Antall personer"),
                    _value(g.size),
                    "",
                ]
            )
            tables[table] += [
                [
                    table,
                    str(dimension.label),
                    g.label,
                    dl,
                    ll,
                    _value(g.cells[d][lv]),
                    _share(g.cells[d][lv], g.size),
                ]
                for d, dl in domains
                for lv, ll in levels
            ]
    table = _("Alvorlige problemer på flere områder")
    tables[table] = [
        [
            table,
            everyone,
            "",
            _("Antall områder med alvorlige problemer"),
            bucket,
            _value(cell),
            _share(cell, current.n),
        ]
        for bucket, cell in current.multi.items()
    ]
    table = _("Utvikling: andel med alvorlige problemer")
    tables[table] = []
    for r in result["trend"]:
        tables[table].append(
            [table, everyone, str(r.year), _("Alle"), _("Antall personer"), _value(r.n), ""]
        )
        if r.too_few:
            continue
        tables[table] += [
            [
                table,
                everyone,
                str(r.year),
                dl,
                str(Level(Level.SERIOUS).label),
                _value(r.distribution[d][Level.SERIOUS]),
                _share(r.distribution[d][Level.SERIOUS], r.n),
            ]
            for d, dl in domains
        ]
    return tables


def to_csv(result: dict) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a byte-order mark: what Norwegian spreadsheet programs expect.
    writer = csvexport.SafeWriter(buffer)
    for line in legend():
        writer.writerow([line])
    writer.writerow(_header())
    for table_rows in rows(result).values():
        writer.writerows(table_rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(name: str) -> str:
    # Excel refuses these characters and more than 31 in a sheet name.
    return re.sub(r"[\[\]:*?/\\]", "", name)[:31].strip()


def to_xlsx(result: dict) -> bytes:
    book = Workbook()
    about = book.active
    about.title = _("Om tallene")[:31]
    about.append([_("Kartlegging %(year)s") % {"year": result["report"].year}])
    about["A1"].font = Font(bold=True)
    for line in legend():
        about.append([line])
    for name, table_rows in rows(result).items():
        sheet = book.create_sheet(_sheet_title(name))
        sheet.append(_header())
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table_rows:
            sheet.append([csvexport.safe(v) for v in row])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
