"""The notifications' words, and their dates and amounts as each language writes them.

The words are in the service's gettext catalogues, which translators edit with their tools
(Poedit, Weblate): translations/<language>/LC_MESSAGES/notifications.po, read and compiled in
memory by services.common.catalogues. Their message ids are keys, not sentences:
`<kind>.title`, `<kind>.body`, `<kind>.label`, `<parameter>.<code>`, `footer`, ...
Dates and amounts are written by Babel with the language's CLDR conventions.
"""
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from services.common.catalogues import translations

DIRECTORY = Path(__file__).resolve().parent / "translations"
DOMAIN = "notifications"
LANGUAGES = ("it", "en")  # the first is for anyone whose language is another


def language_of(language) -> str:
    return language if language in LANGUAGES else LANGUAGES[0]


def said(message_id: str, language, default=None):
    """The catalogue's words for `message_id` in `language`; `default` where it has none
    (without a default, the message id itself, as gettext does)."""
    text = translations(DIRECTORY, DOMAIN, language_of(language)).gettext(message_id)
    return default if text == message_id and default is not None else text


def amount(value, language) -> str:
    """Euros as the funds service says them ("1234.50") as people read them: "1.234,50" in
    Italian, "1,234.50" in English (the texts put the "€")."""
    return format_decimal(Decimal(str(value)), format="#,##0.00", locale=language_of(language))


def day(value, language) -> str:
    """A day (a date or an ISO date) in words: "24 novembre 2026", "November 24, 2026". A text
    that is no ISO date (a day written before the catalogues) is left as it is."""
    if isinstance(value, datetime):
        value = value.date()
    elif not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    return format_date(value, "long", locale=language_of(language))


def moment(value, language) -> str:
    """A moment (ISO, with its offset) as day and hour: "1 giugno 2027, 15:00". A text that is
    no ISO moment (one written before the catalogues) is left as it is."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day(parsed, language)}, {time_of_day(parsed, language)}"


def time_of_day(moment: datetime, language) -> str:
    """The hour of a (local) moment: "11:00" in Italian, "11:00 AM" in English."""
    return format_time(moment, "short", tzinfo=moment.tzinfo, locale=language_of(language))
