"""The unmet-needs radar as a spreadsheet for the coordination's meeting: one line per
municipio, month, need and zone, then each month's totals; headed in the file's language."""
from services.common.spreadsheets import Sheet

KINDS = (("no_capacity", "Declinati: nessun posto", "Declined: no capacity"),
         ("service_not_provided", "Declinati: servizio non offerto",
          "Declined: service not provided"),
         ("overdue", "In ritardo", "Overdue"), ("on_hold", "In lista d'attesa", "On hold"),
         ("not_contacted", "«Nessuno ci ha chiamato»", '"Nobody called us"'))
HEADINGS = (("Municipio", "Municipio"), ("Mese", "Month"), ("Bisogno", "Need"),
            ("Zona", "Zone"))
TOTAL = ("Totale", "Total")
CITY = ("Città", "City")


def unmet_needs_csv(radar: dict, lang: str, said=lambda kind, code: code) -> str:
    """`said(kind, code)`: a need in words (the pages say it in the page's language; the
    API's file keeps the codes)."""
    english = 1 if lang == "en" else 0
    header = [heading[english] for heading in HEADINGS] + [kind[1 + english] for kind in KINDS]
    rows = [[row["municipio"], row["month"], said("dimension", row["need"]), row["zone"]]
            + [row[kind[0]] for kind in KINDS] for row in radar["items"]]
    rows += [[row["municipio"] or CITY[english], row["month"], TOTAL[english], ""]
             + [row[kind[0]] for kind in KINDS] for row in radar["totals"]]
    return Sheet(lang).text(header, rows)
