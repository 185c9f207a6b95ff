"""Demo data from the programme's flyers: the two Christmas parties and the "Zaino sospeso"
drive, on their next dates from today.

Organisations are the directory's, passed in by name (`organization_ids_by_name`); a name it
does not know is left out. Loading twice changes nothing: each event and drive is matched by
its title and date first.
"""
from datetime import date, datetime, time

from sqlalchemy import select

from services.common.schemas import ROME
from services.events.contract import OPEN, PUBLISHED
from services.events.models import (Drive, DriveItem, DriveOrganizer, DropOffPoint, Event,
                                    EventOrganizer)

CASA_DEI_GIOCHI_ORGANIZERS = [
    "Tempo per l'infanzia Coop. Soc.", "UVI - Unione Volontari per l'Infanzia",
    "La Casa dei Giochi", "Fondazione Francesca Rava", "IlVespaio", "Ditta Gioco Fiaba",
    "Alchemilla", "Mirmica", "Associazione Genitori Attivi", "Whanau Impresa Sociale",
]

# (name, unit, quantity needed): a primary and lower secondary school kit for 30 children
SCHOOL_SUPPLIES = [
    ("Zaino", "pezzi", 30), ("Astuccio", "pezzi", 30), ("Diario scolastico", "pezzi", 30),
    ("Quaderni a righe", "pezzi", 120), ("Quaderni a quadretti", "pezzi", 120),
    ("Penne (blu, nera, rossa)", "pezzi", 90), ("Matite HB", "pezzi", 60),
    ("Gomme", "pezzi", 30), ("Temperamatite", "pezzi", 30),
    ("Pastelli colorati", "confezioni", 30), ("Pennarelli", "confezioni", 30),
    ("Righello 30 cm", "pezzi", 30), ("Squadrette", "set", 20), ("Compasso", "pezzi", 15),
    ("Calcolatrice", "pezzi", 15), ("Colla stick", "pezzi", 30),
    ("Forbici con punte arrotondate", "pezzi", 30),
]
WEEKDAY_AFTERNOONS = [{"weekday": day, "opens_at": "16:00", "closes_at": "19:00"}
                      for day in (1, 3, 5)]


def load_demo(session, organization_ids_by_name: dict, today: date | None = None) -> dict:
    today = today or datetime.now(ROME).date()

    def organizers(*names):
        return [organization_ids_by_name[name] for name in names
                if name in organization_ids_by_name]

    christmas = _next(today, 12, 17)
    _event(session, organizers("Comunità Oklahoma"),
           title="Festa di Natale QuBì alle Torri Bianche",
           starts_at=_at(christmas, 16, 30), ends_at=_at(christmas, 19, 0),
           description="Merenda, scambio di regali e intrattenimento collettivo. "
                       "Ci vediamo in comunità!",
           programme=[
               {"time": "16:30", "activity": "Appuntamento all'Agorà delle Torri Bianche "
                                             "in via Saponaro"},
               {"time": "16:45", "activity": "Tutti alla Comunità Oklahoma, via Costantino "
                                             "Baroni 228: merenda, scambio di regali e "
                                             "intrattenimento collettivo"},
           ],
           place="Comunità Oklahoma", address="Via Costantino Baroni 228, Milano",
           zone="Gratosoglio", municipio=5, category="active_citizenship", dimension="social",
           min_age=0, max_age=17)
    party = _next(today, 12, 22)
    _event(session, organizers(*CASA_DEI_GIOCHI_ORGANIZERS),
           title="Festa di Natale QuBì alla Casa dei Giochi",
           starts_at=_at(party, 14, 30), ends_at=_at(party, 17, 30),
           description="Laboratori creativi e spettacolo teatrale per tutte le età. "
                       "Distribuzione di regali e vestiti ai bambini e alle bambine della rete "
                       "QuBì.",
           programme=[
               {"time": "14:30", "activity": "Laboratori creativi per tutte le età"},
               {"time": "16:00", "activity": "Spettacolo teatrale per tutte le età"},
               {"time": "17:00", "activity": "Distribuzione di regali e vestiti ai bambini e "
                                             "alle bambine della rete QuBì"},
           ],
           place="La Casa dei Giochi", address="Via S. Uguzzone 8, Milano",
           zone="Villa San Giovanni", municipio=2, category="active_citizenship",
           dimension="culture", min_age=0, max_age=17,
           price_note="Ingresso a offerta libera",
           fundraising_purpose="Regalare sport e cultura alle famiglie fragili",
           accessibility="M1 Sesto Marelli / Villa S. Giovanni")
    collect_from = _next(today, 8, 24)
    _drive(session, organizers("La Casa dei Giochi", "Tempo per l'infanzia Coop. Soc."),
           title="Zaino sospeso", municipio=2, collect_from=collect_from,
           collect_to=date(collect_from.year, 9, 15),
           description="Aiuta un bambino in difficoltà economica ad acquistare il materiale "
                       "scolastico: dona un articolo della lista e aiutalo a iniziare la scuola "
                       "in modo sereno e adeguato.",
           items=[DriveItem(name=name, unit=unit, quantity_needed=quantity)
                  for name, unit, quantity in SCHOOL_SUPPLIES],
           drop_off_points=[
               DropOffPoint(name="La Casa dei Giochi", address="Via S. Uguzzone 8, Milano",
                            schedules=WEEKDAY_AFTERNOONS + [
                                {"weekday": 6, "opens_at": "10:00", "closes_at": "12:30"}]),
               DropOffPoint(name="Punto raccolta Tempo per l'infanzia (demo)",
                            address="Municipio 2, indirizzo da confermare",
                            schedules=[{"weekday": 2, "opens_at": "09:30", "closes_at": "12:30"},
                                       {"weekday": 4, "opens_at": "15:00", "closes_at": "18:00"}]),
           ])
    return {"events": 2, "drives": 1}


def _next(today: date, month: int, day: int) -> date:
    """That day this year, or next year once it is past."""
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), ROME)


def _event(session, organizer_ids, **fields):
    if session.execute(select(Event.id).where(Event.title == fields["title"],
                                              Event.starts_at == fields["starts_at"])).first():
        return
    published_at = datetime.now(ROME)
    session.add(Event(status=PUBLISHED, published_at=published_at, sequence=1,
                      created_at=published_at, updated_at=published_at,
                      organizers=[EventOrganizer(organization_id=o) for o in organizer_ids],
                      **fields))


def _drive(session, organizer_ids, **fields):
    if session.execute(select(Drive.id).where(
            Drive.title == fields["title"], Drive.collect_from == fields["collect_from"])).first():
        return
    session.add(Drive(status=OPEN, organizers=[DriveOrganizer(organization_id=o)
                                               for o in organizer_ids], **fields))
