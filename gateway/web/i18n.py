"""Italian first, English on request: the language of a page, `_()` for the interface's words,
and dates, hours and codes said in words.

The interface's strings are written in Italian in the templates and views; the English
catalogue (gateway/translations/en/LC_MESSAGES/messages.po, read through Flask-Babel by
catalogues.py) gives each its English, and the Italian one of `reasons` says the services'
reasons in Italian. A string with no English yet shows in Italian (a test lists the missing
ones).

The language is `?lang=it|en` when given (remembered in the `lang` cookie), else the cookie,
else Italian. The browser's Accept-Language is not used: the programme speaks Italian first,
and one click switches.
"""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import (format_date, format_interval, format_skeleton, get_datetime_format,
                         get_day_names)
from babel.numbers import format_decimal
from flask import g, request

from gateway.web.catalogues import ERRORS, MESSAGES

LANGUAGES = ("it", "en")
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

# dates, hours and numbers are said as CLDR says them in the page's language (Babel): the
# hour of the clock as 14:30 in both (skeleton "Hm"), as the services' opening hours are kept
CLOCK = "Hm"
ROME = ZoneInfo("Europe/Rome")

# the programme's codes, said in each language: (Italian, English)
CODES = {
    "category": {"proximity": ("Azioni di prossimità", "Proximity actions"),
                 "active_citizenship": ("Cittadinanza attiva", "Active citizenship"),
                 "cross_cutting": ("Azioni trasversali", "Cross-cutting actions")},
    "dimension": {"educational": ("Educativo", "Education"), "social": ("Sociale", "Social"),
                  "health": ("Salute", "Health"), "sport": ("Sport", "Sport"),
                  "culture": ("Cultura", "Culture"),
                  "material_support": ("Sostegno materiale", "Material support"),
                  "orientation": ("Orientamento", "Guidance")},
    "status": {"sent": ("Inviato", "Sent"), "accepted": ("Accettato", "Accepted"),
               "declined": ("Declinato", "Declined"), "completed": ("Concluso", "Completed"),
               "withdrawn": ("Ritirato", "Withdrawn"), "overdue": ("In ritardo", "Overdue"),
               "on_hold": ("In lista d'attesa", "On the waiting list"),
               "in_progress": ("In corso", "In progress"),
               "forwarded": ("Inoltrato", "Forwarded")},
    "forward_reason": {"no_capacity": ("Nessun posto disponibile", "No capacity"),
                       "service_not_provided": ("Servizio non offerto", "Service not provided"),
                       "better_fit": ("Un altro ente è più adatto", "A better fit elsewhere"),
                       "other": ("Altro motivo", "Other reason")},
    "family_answer": {"met": ("ci siamo incontrati", "we met"),
                      "not_contacted": ("nessuno ci ha chiamato", "nobody called us")},
    "card_channel": {"print": ("Stampata e consegnata", "Printed and handed over"),
                     "sms": ("Inviata per SMS", "Sent by SMS")},
    "urgency": {"low": ("Bassa", "Low"), "normal": ("Normale", "Normal"),
                "high": ("Alta", "High")},
    "decline_reason": {"no_capacity": ("Nessun posto disponibile", "No capacity"),
                       "not_eligible": ("Requisiti non soddisfatti", "Not eligible"),
                       "service_not_provided": ("Servizio non offerto", "Service not provided"),
                       "other": ("Altro motivo", "Other reason")},
    "outcome": {"enrolled": ("Iscritta al servizio", "Enrolled"),
                "service_provided": ("Servizio erogato", "Service provided"),
                "family_declined": ("La famiglia ha rinunciato", "The family declined"),
                "could_not_contact": ("Famiglia non raggiungibile", "Could not contact")},
    "notes_withheld": {
        "not_accepted": ("Le note, che possono nominare la famiglia, saranno visibili dopo che "
                         "avrai accettato l'invio.",
                         "The notes, which may name the family, will show once you accept the "
                         "referral."),
        "consent_not_valid": ("Il consenso del genitore è revocato o scaduto: le note non sono "
                              "più visibili.",
                              "The guardian's consent was withdrawn or has expired: the notes "
                              "no longer show."),
        "two_factor_required": ("Accedi con la verifica in due passaggi per leggere le note.",
                                "Sign in with two-factor verification to read the notes.")},
    "consent_method": {"written": ("Scritto", "Written"), "verbal": ("Verbale", "Verbal")},
    "event_status": {"draft": ("Bozza", "Draft"), "published": ("Pubblicato", "Published"),
                     "cancelled": ("Annullato", "Cancelled")},
    "registration": {"pending": ("Da confermare", "To be confirmed"),
                     "confirmed": ("Confermata", "Confirmed"),
                     "waitlisted": ("In lista d'attesa", "On the waiting list"),
                     "cancelled": ("Annullata", "Cancelled")},
    "visibility": {"public": ("Pubblico", "Public"),
                   "network": ("Solo per la rete", "Network members only")},
    "channel": {"in_app": ("Solo nella piattaforma", "In the platform only"),
                "email": ("Email subito", "Email at once"),
                "digest": ("Riepilogo giornaliero", "Daily digest"),
                "off": ("Disattivata", "Off")},
    "webhook_kind": {
        "referral_sent": ("Invio ricevuto", "Referral received"),
        "referral_accepted": ("Invio accettato", "Referral accepted"),
        "referral_declined": ("Invio declinato", "Referral declined"),
        "referral_forwarded": ("Invio inoltrato", "Referral forwarded"),
        "referral_overdue": ("Invio in ritardo", "Referral overdue"),
        "registration_requested": ("Iscrizione a un evento", "Registration to an event"),
        "fund_request_approved": ("Richiesta di fondi approvata", "Fund request approved"),
        "fund_request_rejected": ("Richiesta di fondi respinta", "Fund request rejected")},
    "webhook_status": {"active": ("Attivo", "Active"), "disabled": ("Disattivato", "Disabled")},
    "webhook_delivery": {"pending": ("Da consegnare", "Pending"),
                         "sent": ("Consegnato", "Delivered"),
                         "failed": ("Non consegnato", "Failed")},
    "role": {"partner": ("Ente partner", "Partner"),
             "partner_admin": ("Referente dell'ente", "Partner administrator"),
             "social_worker": ("Assistente sociale di comunità", "Community social worker"),
             "coordinator": ("Coordinamento municipale", "Municipal coordination"),
             "city": ("Cabina di regia cittadina", "City steering committee"),
             "sender": ("Chi invia", "Sender"), "receiver": ("Chi riceve", "Receiver"),
             "system": ("Sistema", "System")},
    "audit": {"sent": ("Invio creato", "Referral sent"),
              "read_personal_data": ("Lettura dei dati della famiglia", "Read the family's data"),
              "accepted": ("Accettato", "Accepted"), "declined": ("Declinato", "Declined"),
              "completed": ("Concluso", "Completed"), "withdrawn": ("Ritirato", "Withdrawn"),
              "note_added": ("Nota aggiunta", "Note added"),
              "read_notes": ("Lettura delle note", "Read the notes"),
              "consent_withdrawn": ("Consenso revocato", "Consent withdrawn"),
              "on_hold": ("Messo in lista d'attesa", "Put on the waiting list"),
              "in_progress": ("Primo contatto avvenuto", "First contact made"),
              "forward_proposed": ("Inoltro proposto", "Forward proposed"),
              "forward_refused": ("Inoltro rifiutato", "Forward refused"),
              "forwarded": ("Inoltrato", "Forwarded"),
              "sent_by_forward": ("Invio creato da un inoltro", "Sent by a forward"),
              "family_card_print": ("Scheda stampata per la famiglia", "Family card printed"),
              "family_card_sms": ("Scheda inviata per SMS alla famiglia",
                                  "Family card sent by SMS"),
              "personal_data_erased": ("Dati personali cancellati (conservazione scaduta)",
                                       "Personal data erased (retention over)")},
    "account_action": {"invited": ("Invitata", "Invited"), "joined": ("Entrata", "Joined"),
                       "access_changed": ("Ruolo cambiato", "Access changed"),
                       "deactivated": ("Accesso disattivato", "Deactivated"),
                       "reactivated": ("Accesso riattivato", "Reactivated"),
                       "password_changed": ("Password cambiata", "Password changed"),
                       "password_reset": ("Password reimpostata dal link", "Password reset"),
                       "two_factor_enrolled": ("Verifica in due passaggi attivata",
                                               "Two-factor turned on"),
                       "two_factor_reset": ("Verifica in due passaggi azzerata",
                                            "Two-factor reset"),
                       "single_sign_on_linked": ("Collegata all'identità del Comune",
                                                 "Linked to the City's identity")},
    "language": {"it": ("italiano", "Italian"), "en": ("inglese", "English"),
                 "fr": ("francese", "French"), "es": ("spagnolo", "Spanish"),
                 "ar": ("arabo", "Arabic"), "zh": ("cinese", "Chinese"),
                 "ro": ("romeno", "Romanian"), "uk": ("ucraino", "Ukrainian"),
                 "ru": ("russo", "Russian"), "sq": ("albanese", "Albanian"),
                 "tl": ("filippino", "Filipino"), "bn": ("bengalese", "Bengali")},
    "level": {1: ("Rete di primo livello", "First-level network"),
              2: ("Rete di secondo livello", "Second-level network")},
}


def choose_language() -> str:
    """Sets g.lang for this request; `after_request` keeps a `?lang=` choice in the cookie."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        g.lang, g.lang_chosen = asked, True
    else:
        remembered = request.cookies.get(COOKIE)
        g.lang, g.lang_chosen = (remembered if remembered in LANGUAGES else "it"), False
    return g.lang


def remember_language(response):
    if g.get("lang_chosen"):
        response.set_cookie(COOKIE, g.lang, max_age=COOKIE_MAX_AGE, secure=True, httponly=True,
                            samesite="Lax")
    return response


def lang() -> str:
    return g.get("lang", "it")


def gettext(text: str, **params) -> str:
    """The interface's Italian `text` in the page's language, with `{name}` filled in."""
    if lang() == "en":
        text = MESSAGES.translate(text, "en")
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, count, **params) -> str:
    return gettext(singular if count == 1 else plural, n=count, **params)


def code(kind: str, value) -> str:
    """A code of the programme (status, urgency, category...) in words."""
    if value is None or value == "":
        return ""
    said = CODES.get(kind, {}).get(value)
    if said is None:
        return str(value)
    return said[1] if lang() == "en" else said[0]


def codes(kind: str) -> list:
    """(code, words) pairs of a kind, for select boxes."""
    index = 1 if lang() == "en" else 0
    return [(value, said[index]) for value, said in CODES[kind].items()]


def weekday(number: int) -> str:
    """1 = Monday ... 7 = Sunday."""
    return get_day_names("wide", locale=lang())[int(number) - 1]


def _clock(text: str) -> str:
    """"14:00" (an opening slot's hour) as the page's language says it."""
    return format_skeleton(CLOCK, time.fromisoformat(text), locale=lang())


def hours(slot: dict) -> str:
    """One opening slot in words: "mercoledì dalle 14:00 alle 17:00"."""
    day = weekday(slot["weekday"])
    try:
        opens, closes = time.fromisoformat(slot["opens_at"]), time.fromisoformat(slot["closes_at"])
    except (TypeError, ValueError):
        return f"{day} {slot['opens_at']}–{slot['closes_at']}"
    if lang() == "en":
        return f"{day} {format_interval(opens, closes, CLOCK, locale='en')}"
    return f"{day} dalle {_clock(slot['opens_at'])} alle {_clock(slot['closes_at'])}"


def parse_moment(value):
    if value is None or isinstance(value, (date, datetime)):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _in_rome(moment):
    """A moment on Europe/Rome's clock (one without an offset is taken as Rome's already)."""
    if not isinstance(moment, datetime):
        return moment
    return moment.replace(tzinfo=ROME) if moment.tzinfo is None else moment.astimezone(ROME)


def _day_and_hour(day: str, hour: str) -> str:
    """A day and an hour joined as the language joins them ("{1}, {0}")."""
    return (get_datetime_format("medium", locale=lang()).replace("'", "")
            .replace("{0}", hour).replace("{1}", day))


def day_words(value) -> str:
    """"mercoledì 22 dicembre 2027" / "Wednesday, December 22, 2027"."""
    moment = _in_rome(parse_moment(value))
    if moment is None:
        return ""
    return format_date(moment, "full", locale=lang())


def short_date(value) -> str:
    """"22 dic 2027" / "Dec 22, 2027"."""
    moment = _in_rome(parse_moment(value))
    if moment is None:
        return ""
    return format_date(moment, "medium", locale=lang())


def moment_words(value) -> str:
    """"mercoledì 22 dicembre 2027, 14:30"; a day alone when `value` has no hour."""
    moment = _in_rome(parse_moment(value))
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return day_words(moment)
    return _day_and_hour(day_words(moment), format_skeleton(CLOCK, moment, locale=lang()))


def span_words(start, end) -> str:
    """An event's time: "sabato 22 dicembre 2027, 14:30–17:30" (the end's day when it differs)."""
    begins, ends = _in_rome(parse_moment(start)), _in_rome(parse_moment(end))
    if begins is None:
        return ""
    if ends is None:
        return moment_words(begins)
    if begins.date() == ends.date():
        return _day_and_hour(day_words(begins),
                             format_interval(begins, ends, CLOCK, tzinfo=ROME, locale=lang()))
    return f"{moment_words(begins)} – {moment_words(ends)}"


def month_words(year_month: str, full: bool = False) -> str:
    """"2027-05" -> "mag 2027" (or "maggio 2027")."""
    try:
        year, month = (int(part) for part in year_month[:7].split("-"))
        first = date(year, month, 1)
    except ValueError:
        return year_month
    return format_skeleton("yMMMM" if full else "yMMM", first, locale=lang())


def number(value) -> str:
    """A count or a measure in the page's language ("2,5" / "2.5"); anything else (the reports'
    "<5") as it is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return format_decimal(value, locale=lang())


def reasons_said(invalid, **shown) -> dict:
    """Each bad field of an `Invalid` with its reasons in the page's language: the words of
    each reason's code, from the `errors` catalogue, each parameter named in `shown` said by its
    function; its English only when it has no code."""
    coded = invalid.codes or {}
    return {field: [_reason_words(english, code, shown) for english, code
                    in zip(reasons, coded.get(field) or [["", {}]] * len(reasons))]
            for field, reasons in invalid.errors.items()}


def _reason_words(english: str, coded, shown: dict) -> str:
    code, params = coded
    if code:
        words = ERRORS.translate(code, lang())
        if words != code:
            return words.format(**{name: shown[name](value) if name in shown else value
                                   for name, value in params.items()})
    return english


def said(error, **shown) -> str:
    """What a service's error says, in the page's language: the words of its code, from the
    `errors` catalogue, when it has one (its English wording changes nothing then), each
    parameter named in `shown` said by its function (the roles of `roles` in words unless told
    otherwise; a list's items one by one, joined with commas); else its English."""
    if error.code:
        words = ERRORS.translate(error.code, lang())
        if words != error.code:
            sayers = {"roles": lambda role: code("role", role), **shown}

            def say(name, value):
                if isinstance(value, (list, tuple)):
                    return ", ".join(str(say(name, item)) for item in value)
                return sayers[name](value) if name in sayers else value

            return words.format(**{name: say(name, value)
                                   for name, value in error.params.items()})
    return error.detail
