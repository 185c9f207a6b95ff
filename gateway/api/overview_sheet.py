"""The overview report as a spreadsheet: one line per municipio, one column per count, headed
in the file's language; the period's days in the first columns when there is one."""
from services.common.spreadsheets import Sheet

# (key in the overview's row, Italian heading, English heading); the amounts are euros
COLUMNS = (
    ("municipio", "Municipio", "Municipio"),
    ("organizations", "Organizzazioni", "Organisations"),
    ("services", "Servizi", "Services"),
    ("events", "Eventi pubblicati", "Published events"),
    ("registered_people", "Persone iscritte agli eventi", "People registered at events"),
    ("attended_people", "Persone presenti agli eventi", "People who came to events"),
    ("drives", "Raccolte solidali", "Donation drives"),
    ("referrals.total", "Invii", "Referrals"),
    ("referrals.by_status.sent", "Invii in attesa di risposta", "Referrals awaiting an answer"),
    ("referrals.by_status.accepted", "Invii accettati", "Referrals accepted"),
    ("referrals.by_status.on_hold", "Invii in lista d'attesa", "Referrals on a waiting list"),
    ("referrals.by_status.in_progress", "Invii in corso", "Referrals in progress"),
    ("referrals.by_status.declined", "Invii declinati", "Referrals declined"),
    ("referrals.by_status.completed", "Invii conclusi", "Referrals completed"),
    ("referrals.by_status.withdrawn", "Invii ritirati", "Referrals withdrawn"),
    ("referrals.by_status.forwarded", "Invii inoltrati ad altri", "Referrals forwarded"),
    ("referrals.by_outcome.enrolled", "Esito: iscritta al servizio", "Outcome: enrolled"),
    ("referrals.by_outcome.service_provided", "Esito: servizio erogato",
     "Outcome: service provided"),
    ("referrals.by_outcome.family_declined", "Esito: la famiglia ha rinunciato",
     "Outcome: the family declined"),
    ("referrals.by_outcome.could_not_contact", "Esito: famiglia non raggiungibile",
     "Outcome: could not contact"),
    ("referrals.overdue", "Invii in ritardo", "Referrals overdue"),
    ("referrals.median_days_to_acceptance", "Giorni mediani all'accettazione",
     "Median days to acceptance"),
    ("referrals.family_answers.met", "Famiglie: «ci siamo incontrati»", "Families: \"we met\""),
    ("referrals.family_answers.not_contacted", "Famiglie: «nessuno ci ha chiamato»",
     "Families: \"nobody called us\""),
    ("funds.requests", "Richieste al fondo", "Fund requests"),
    ("funds.funded", "Fondo stanziato (€)", "Fund: funded (€)"),
    ("funds.spent", "Fondo speso (€)", "Fund: spent (€)"),
    ("funds.available", "Fondo disponibile (€)", "Fund: available (€)"),
)
AMOUNTS = {"funds.funded", "funds.spent", "funds.available"}
PERIOD = (("Dal", "From"), ("Al", "To"))


def overview_csv(rows: list, lang: str, period: dict | None) -> str:
    sheet = Sheet(lang)
    months = sorted({month for row in rows for month in row["referrals"].get("by_month", {})})
    said = 1 if lang == "en" else 0
    header = [heading[said] for heading in PERIOD] if period else []
    header += [column[1 + said] for column in COLUMNS]
    header += [f"Referrals sent in {month}" if lang == "en"
               else f"Invii di {month[5:]}/{month[:4]}" for month in months]
    lines = []
    for row in rows:
        flat = _flatten(row)
        line = [sheet.day(period["from"]), sheet.day(period["to"])] if period else []
        line += [sheet.decimal(flat[key]) if key in AMOUNTS and flat.get(key) else flat.get(key)
                 for key, *_ in COLUMNS]
        line += [row["referrals"].get("by_month", {}).get(month, 0) for month in months]
        lines.append(line)
    return sheet.text(header, lines)


def _flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat
