"""Reading an onboarding CSV (onboarding.py): its encoding, delimiter and header, its rows as
cells by column, and the cap on how many rows one import takes (docs/onboarding.md)."""
import csv
import io
import re

import eventlet

from services.common.checks import reason
from services.common.errors import Invalid
from services.directory import onboarding_cells as sheet
from services.directory.text import fold

# a bigger file is refused before any row is checked: checking a row takes a third of a
# millisecond of the directory's time, and a city's onboarding is a few hundred rows
MAX_ROWS = 5000
RECORDS_BETWEEN_YIELDS = 10_000


def read(text) -> tuple:
    """[(line, {column: stripped text})] for the non-empty rows (the header is line 1), and the
    problems of rows that do not fit the header."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid({"line 1": ["The file is not UTF-8 text: save it as CSV UTF-8."]}
                          ) from None
    text = (text or "").lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max(sheet.DELIMITERS, key=first_line.count) if any(
        d in first_line for d in sheet.DELIMITERS) else ","
    header, filled, count = _filled_records(
        csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if count > MAX_ROWS:
        raise _too_many_rows(count, filled[MAX_ROWS][0])
    rows, errors = [], {}
    for line, record in filled:
        if "".join(record[len(header):]).strip():
            errors[f"line {line}"] = [f"The row has more cells than the {len(header)} columns "
                                      "of the header."]
            continue
        cells = dict.fromkeys(sheet.COLUMNS, "")
        cells.update({column: cell.strip() for column, cell in zip(header, record)})
        rows.append((line, cells))
    if not rows and not errors:
        raise Invalid({"line 2": ["There are no rows under the header."]})
    return rows, errors


def _filled_records(reader) -> tuple:
    """The header's columns; (line, record) of the non-empty rows up to the first over the cap;
    how many non-empty rows there are. Only counts the rows past the cap, and lets the service's
    other calls run now and then: a file may be millions of short rows."""
    header, filled, count, line = None, [], 0, 0
    try:
        for line, record in enumerate(reader, start=1):
            if line % RECORDS_BETWEEN_YIELDS == 0:
                eventlet.sleep(0)
            if line == 1:
                if not "".join(record).strip():
                    break
                header = _header(record)
            elif "".join(record).strip():
                count += 1
                if count <= MAX_ROWS + 1:
                    filled.append((line, record))
    except csv.Error as error:
        raise Invalid({f"line {line + 1}": [f"Not readable as CSV: {error}."]}) from None
    if header is None:
        raise Invalid({"line 1": ["The first line names the columns: "
                                  f"{', '.join(sheet.COLUMNS)}."]})
    return header, filled, count


def _too_many_rows(count: int, first_line_over: int) -> Invalid:
    """Named on the first line over the cap: where the file is to be split."""
    why = reason("csv_too_many_rows", "The file has {rows:,} rows; one import takes at most "
                 "{limit:,}: split it into files of {limit:,} rows at most.",
                 rows=count, limit=MAX_ROWS)
    return Invalid({f"line {first_line_over}": [why]},
                   f"The file has {count:,} rows, more than the {MAX_ROWS:,} one import takes: "
                   "nothing was checked or imported.")


def _header(record) -> list:
    header = [re.sub(r"[\s-]+", "_", fold(cell)) for cell in record]
    while header and not header[-1]:
        header.pop()
    problems = [f"Unknown column {name!r}." for name in header if name not in sheet.COLUMNS]
    problems += [f"The column {name} is there twice." for name in sorted(set(header))
                 if header.count(name) > 1]
    if "organization_name" not in header:
        problems.append("The column organization_name is missing.")
    if problems:
        raise Invalid({"line 1": problems + [f"The columns are: {', '.join(sheet.COLUMNS)}."]})
    return header
