"""CSV files for spreadsheets, with cells that a spreadsheet cannot run.

A cell that starts with =, +, -, @, a tab or a carriage return is a formula to Excel and
LibreOffice: a registrant named `=HYPERLINK(...)` would reach the organiser's spreadsheet as a
live link. As OWASP advises (CSV Injection), such a cell is written with a leading single quote,
which the spreadsheet shows as text; a file read back (the directory's import) takes it off
(`as_typed`). Numbers stay numbers: those the platform writes itself (ints, floats, and numbers
in text such as "-12.50"), which no spreadsheet runs.
"""
import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")  # not "+39...": a phone, which a sheet would round


def cell(value):
    """`value` as a spreadsheet may read it without running it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def as_typed(text: str) -> str:
    """A cell read back from a file `Writer` wrote: as it was before `cell` quoted it."""
    unquoted = text[1:]
    if text.startswith("'") and cell(unquoted) == text:
        return unquoted
    return text


class Writer:
    """`csv.writer` (with the same options) whose every cell goes through `cell`."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
