"""Dates, hours, months, amounts and numbers as a reader sees them on the pages, in Italian and
in English: as CLDR says them in each language (Babel), on Europe/Rome's clock."""
import pytest
from flask import Flask, g

from gateway.tests.support import make_app
from gateway.web import i18n
from gateway.web.funds import euro

CHRISTMAS_PARTY = {"id": "e-1", "title": "Festa di Natale", "status": "published",
                   "starts_at": "2027-12-22T14:30:00+01:00",
                   "ends_at": "2027-12-22T17:30:00+01:00", "municipio": 8, "capacity": None,
                   "location": {"name": "Cascina", "address": None, "zone": "QT8"}}
NEW_YEAR = {**CHRISTMAS_PARTY, "id": "e-2", "title": "Capodanno",
            "starts_at": "2027-12-31T22:00:00+01:00", "ends_at": "2028-01-01T01:00:00+01:00"}


class Events:
    """Answers `list_events` as the events service does."""

    amqp_uri = "amqp://guest:guest@127.0.0.1:1/"

    def call(self, service, method, *args, context_data=None, **kwargs):
        assert (service, method) == ("events", "list_events")
        return {"items": [CHRISTMAS_PARTY, NEW_YEAR], "page": 1, "per_page": 30, "total": 2}


@pytest.mark.parametrize("language, month, same_day, two_days", [
    ("it", "Dicembre 2027", "Mercoledì 22 dicembre 2027, 14:30–17:30",
     "Venerdì 31 dicembre 2027, 22:00 – sabato 1 gennaio 2028, 01:00"),
    ("en", "December 2027", "Wednesday, December 22, 2027, 14:30\u2009–\u200917:30",
     "Friday, December 31, 2027, 22:00 – Saturday, January 1, 2028, 01:00"),
])
def test_the_events_page_says_the_month_and_each_events_time(language, month, same_day,
                                                            two_days):
    page = make_app(rpc=Events()).test_client().get(f"/events?lang={language}",
                                                     base_url="https://localhost")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'class="month">{month}</h2>' in text
    assert same_day in text and two_days in text


@pytest.mark.parametrize("language, said", [
    ("it", {"day": "mercoledì 22 dicembre 2027", "short": "22 dic 2027",
            "moment": "mercoledì 22 dicembre 2027, 14:30", "rome": "sabato 1 gennaio 2028, 00:30",
            "month": "mag 2027", "full_month": "maggio 2027",
            "hours": "mercoledì dalle 14:00 alle 17:00", "weekday": "domenica",
            "amounts": ["1.234,50\u00a0€", "-7,05\u00a0€", "0,00\u00a0€", ""],
            "numbers": ["2,5", "1.234", "<5", ""]}),
    ("en", {"day": "Wednesday, December 22, 2027", "short": "Dec 22, 2027",
            "moment": "Wednesday, December 22, 2027, 14:30",
            "rome": "Saturday, January 1, 2028, 00:30",
            "month": "May 2027", "full_month": "May 2027",
            "hours": "Wednesday 14:00\u2009–\u200917:00", "weekday": "Sunday",
            "amounts": ["€1,234.50", "-€7.05", "€0.00", ""],
            "numbers": ["2.5", "1,234", "<5", ""]}),
])
def test_dates_amounts_and_numbers_in_the_page_language(language, said):
    with Flask(__name__).test_request_context():
        g.lang = language
        assert i18n.day_words("2027-12-22T14:30:00+01:00") == said["day"]
        assert i18n.short_date("2027-12-22") == said["short"]
        assert i18n.moment_words("2027-12-22T14:30:00+01:00") == said["moment"]
        # a moment given in UTC is said on Rome's clock, its day too
        assert i18n.moment_words("2027-12-31T23:30:00+00:00") == said["rome"]
        assert i18n.month_words("2027-05") == said["month"]
        assert i18n.month_words("2027-05", full=True) == said["full_month"]
        assert i18n.month_words("not a month") == "not a month"
        assert i18n.hours({"weekday": 3, "opens_at": "14:00", "closes_at": "17:00"}) == (
            said["hours"])
        assert i18n.weekday(7) == said["weekday"]
        assert [euro(amount) for amount in ("1234.50", "-7.05", "0.00", None)] == said["amounts"]
        assert [i18n.number(value) for value in (2.5, 1234, "<5", None)] == said["numbers"]
        assert i18n.day_words(None) == i18n.span_words("not a moment", None) == ""
