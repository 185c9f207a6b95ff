"""CSV files that a spreadsheet opens as columns, in the reader's language.

Excel reads a .csv with the list separator and the decimal mark of the computer's regional
settings: in Italy ";" and ",", so a file separated by "," opens as one column there and
"1234.50" as text. The Italian file is written for Italian settings (";" between cells,
amounts and measures as "1234,50", days as 31/12/2026), the English one for English settings
(",", "1234.50", days as 2026-12-31). Both are UTF-8 with a byte order mark, which tells Excel
the encoding (it would read the accents as Windows-1252 without it), and every cell goes
through csv_cells (no cell a spreadsheet would run as a formula). Amounts have no thousands
separator: "1234,50" is a number to every spreadsheet set to Italian, whatever its version.
"""
import io
from dataclasses import dataclass
from datetime import date

from marshmallow import Schema, fields

from services.common import checks, csv_cells

LANGUAGES = ("it", "en")
BOM = "\ufeff"


class SheetArgs(Schema):
    """A report's format and, as a CSV file, its language."""
    format = fields.String(load_default="json", validate=checks.OneOf(("json", "csv")))
    lang = fields.String(validate=checks.OneOf(LANGUAGES), metadata={
        "description": "The CSV file's language: `it` (cells separated by `;`, decimal comma, "
                       "days as dd/mm/yyyy: Excel set to Italian opens it as columns) or `en` "
                       "(`,`, decimal point, days as YYYY-MM-DD); without it, the first of the "
                       "two in the Accept-Language header, else `it`"})


@dataclass(frozen=True)
class Sheet:
    lang: str = "it"

    @property
    def separator(self) -> str:
        return ";" if self.lang == "it" else ","

    def decimal(self, text: str) -> str:
        """An amount or a measure written with a point ("1234.50") in the sheet's language."""
        return text.replace(".", ",") if self.lang == "it" else text

    def day(self, value: date | str) -> str:
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return f"{day:%d/%m/%Y}" if self.lang == "it" else day.isoformat()

    def value(self, value):
        """A cell: a measure (float) with the sheet's decimal mark, a day as the sheet writes
        days; anything else (counts, "<5", words) as it is."""
        if isinstance(value, float):
            return self.decimal(str(value))
        if isinstance(value, date):
            return self.day(value)
        return value

    def text(self, header: list, rows) -> str:
        """The whole file: the byte order mark, the header, the rows."""
        out = io.StringIO()
        writer = csv_cells.Writer(out, delimiter=self.separator, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([self.value(value) for value in row] for row in rows)
        return BOM + out.getvalue()

