"""Cells a spreadsheet could run as formulas are written as text; numbers stay numbers."""
import csv
import io

import pytest

from services.common import csv_cells


def written(*row) -> list:
    out = io.StringIO()
    csv_cells.Writer(out).writerow(row)
    return next(csv.reader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize("typed", [
    '=HYPERLINK("http://example.com/x","Apri")', "+39 02 1234 5678", "+393331234567",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A2)", "\t=1+1", "\r=1+1"])
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(typed):
    assert written(typed) == ["'" + typed]


@pytest.mark.parametrize("value, seen", [
    (12, "12"), (-12, "-12"), (3.5, "3.5"), ("-12.50", "-12.50"),
    ("Famiglia Rossi", "Famiglia Rossi"), ("a=b", "a=b"), ("<5", "<5"), ("", ""), (None, "")])
def test_numbers_and_plain_text_are_written_as_they_are(value, seen):
    assert written(value) == [seen]


@pytest.mark.parametrize("typed", ["=1+1", "- laboratori per bambini", "-12.50", "'ciao"])
def test_a_cell_read_back_is_as_it_was_typed(typed):
    assert csv_cells.as_typed(written(typed)[0]) == typed
