import csv
import datetime as dt
import io

from hypothesis import given
from hypothesis import strategies as st

from helhet.core import csvexport


def test_formula_starts_are_neutralised_and_other_cells_kept():
    buffer = io.StringIO()
    writer = csvexport.SafeWriter(buffer)
    writer.writerow(["=1+1", "+47 99", "-x", "@A1", "\tA", "\rB", "Kari", 5, -3, "<5"])
    row = next(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))
    assert row == ["'=1+1", "'+47 99", "'-x", "'@A1", "'\tA", "'\rB", "Kari", "5", "-3", "<5"]


def test_dates_and_numbers_are_not_text():
    assert csvexport.safe(-3) == -3
    assert csvexport.safe(dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)


@given(st.text())
def test_no_text_cell_starts_like_a_formula(text):
    assert not str(csvexport.safe(text)).startswith(csvexport.FORMULA_START)
