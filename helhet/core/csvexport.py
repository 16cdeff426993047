"""CSV and spreadsheet exports that a spreadsheet cannot turn into formulas.

Names, titles and free text reach the exports as people typed them. A cell
that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by Excel and LibreOffice (OWASP: CSV injection), which can read
other cells or open links; such text is written with a leading apostrophe,
which the spreadsheet shows as the text itself. Every export uses this module.
"""

import csv

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """The value, with an apostrophe in front if it is text a spreadsheet
    would run as a formula. Numbers and dates are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` with semicolons (what Norwegian spreadsheet programs
    expect) and every cell passed through ``safe``."""

    def __init__(self, stream, delimiter: str = ";"):
        self._writer = csv.writer(stream, delimiter=delimiter)

    def writerow(self, row) -> None:
        self._writer.writerow([safe(v) for v in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def response(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """A CSV download and its writer. The byte-order mark makes Excel read
    UTF-8 (æøå) correctly."""
    download = HttpResponse(content_type="text/csv; charset=utf-8")
    download["Content-Disposition"] = f'attachment; filename="{filename}"'
    download.write("\ufeff")
    return download, SafeWriter(download)
