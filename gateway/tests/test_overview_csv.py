"""The overview report over a period and as spreadsheets: the Italian file read as Excel set to
Italian reads it (";" between cells, a byte order mark, decimal commas, days as dd/mm/yyyy),
the English one as English settings do; no cell runs as a formula; a bad period is refused
naming its field."""
import csv
import io
from decimal import Decimal

from gateway.auth import issue_token
from gateway.tests.support import COORDINATOR, SECRET, bearer, make_app

STATISTICS = {
    "directory": {"8": {"organizations": 3, "services": 12}},
    "events": {"8": {"events": 2, "registered_people": "<5", "attended_people": 0, "drives": 1}},
    "referrals": {"8": {"referrals": {
        "total": 9, "by_status": {"sent": "<5", "accepted": 6, "on_hold": 0, "in_progress": 0,
                                  "declined": 0, "completed": 0, "withdrawn": 0,
                                  "forwarded": 0},
        "by_outcome": {"enrolled": 0, "service_provided": 0, "family_declined": 0,
                       "could_not_contact": 0},
        "by_month": {"2026-03": 5, "2026-04": "<5"}, "overdue": 0,
        "median_days_to_acceptance": 2.5, "family_answers": {"met": 5, "not_contacted": "<5"}}}},
    "funds": {"8": {"funds": {"requests": 7, "funded": "1234.50", "spent": "=1+1",
                              "available": "-12.00"}}}}


class Statistics:
    """The services answering their statistics; what they were asked is kept."""

    def __init__(self):
        self.asked = []

    def call(self, service, method, *args, context_data=None, **_kwargs):
        if method != "statistics":  # the page's open drives, its menu's notifications
            return {"items": [], "page": 1, "per_page": 10, "total": 0, "unread": 0}
        self.asked.append((service, args))
        return STATISTICS[service]


def client():
    services = Statistics()
    return make_app(rpc=services).test_client(), services


def excel_reads(body: bytes, separator: str) -> list:
    """The rows as a spreadsheet reads the file: the encoding from the byte order mark."""
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=separator))


def italian_number(text: str) -> Decimal:
    assert "." not in text  # a point would be a thousands separator to Italian settings
    return Decimal(text.replace(",", "."))


def test_the_italian_file_opens_as_columns_with_decimal_commas_and_the_period_as_days():
    http, services = client()
    answer = http.get("/api/v1/reports/overview?format=csv&from=2026-03-01&to=2026-04-15",
                      headers=bearer(COORDINATOR))
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert [args for _service, args in services.asked] == [
        (None, {"from": "2026-03-01", "to": "2026-04-15"})] * 4
    header, line = excel_reads(answer.data, ";")
    row = dict(zip(header, line))
    assert len(header) > 20  # columns, not one
    assert (row["Dal"], row["Al"], row["Municipio"]) == ("01/03/2026", "15/04/2026", "8")
    assert (row["Organizzazioni"], row["Servizi"], row["Eventi pubblicati"]) == ("3", "12", "2")
    assert row["Persone iscritte agli eventi"] == "<5"
    assert row["Invii in attesa di risposta"] == "<5" and row["Invii accettati"] == "6"
    assert italian_number(row["Fondo stanziato (€)"]) == Decimal("1234.50")
    assert italian_number(row["Fondo disponibile (€)"]) == Decimal("-12.00")
    assert italian_number(row["Giorni mediani all'accettazione"]) == Decimal("2.5")
    assert row["Fondo speso (€)"] == "'=1+1"  # text, never a formula
    assert (row["Invii di 03/2026"], row["Invii di 04/2026"]) == ("5", "<5")


def test_the_english_file_is_asked_by_lang_or_by_the_browser_language():
    http, _services = client()
    for asked, headers in (("&lang=en", {}), ("", {"Accept-Language": "en-GB,en;q=0.9"})):
        answer = http.get(f"/api/v1/reports/overview?format=csv{asked}",
                          headers={**bearer(COORDINATOR), **headers})
        header, line = excel_reads(answer.data, ",")
        row = dict(zip(header, line))
        assert "From" not in row  # all time: no period columns
        assert (row["Organisations"], row["Referrals accepted"]) == ("3", "6")
        assert Decimal(row["Fund: funded (€)"]) == Decimal("1234.50")
        assert Decimal(row["Median days to acceptance"]) == Decimal("2.5")
        assert row["Referrals sent in 2026-03"] == "5"
    italian = http.get("/api/v1/reports/overview?format=csv",
                       headers={**bearer(COORDINATOR), "Accept-Language": "it-IT,en;q=0.5"})
    assert "Organizzazioni" in excel_reads(italian.data, ";")[0]


def test_the_answer_says_its_period_and_a_bad_period_is_refused_naming_its_field():
    http, services = client()
    found = http.get("/api/v1/reports/overview?from=2026-01-01&to=2026-12-31",
                     headers=bearer(COORDINATOR)).json
    assert found["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    assert found["municipi"][0]["organizations"] == 3
    assert http.get("/api/v1/reports/overview", headers=bearer(COORDINATOR)).json[
        "period"] is None
    services.asked.clear()
    for query, field in (("from=2026-02-30&to=2026-03-01", "from"),
                         ("from=2026-03-02&to=2026-03-01", "to"), ("from=2026-03-01", "to"),
                         ("to=2026-03-01", "from"), ("lang=de&format=csv", "lang")):
        refused = http.get(f"/api/v1/reports/overview?{query}", headers=bearer(COORDINATOR))
        assert refused.status_code == 422, query
        assert list(refused.json["errors"]) == [field], query
    assert services.asked == []  # nothing asked of the services


def test_the_report_page_says_its_period_and_offers_both_files_of_it():
    http, services = client()
    http.set_cookie("qubi_access", issue_token(COORDINATOR, SECRET, 60)["access_token"],
                    domain="localhost")
    page = http.get("/reports?from=2026-03-01&to=2026-04-15", base_url="https://localhost")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Periodo: dal 1 mar 2026 al 15 apr 2026" in text
    for lang in ("it", "en"):
        assert (f"/reports/overview.csv?sheet={lang}&amp;municipio=8&amp;from=2026-03-01"
                "&amp;to=2026-04-15") in text
    assert 'value="2026-03-01"' in text and 'type="date"' in text
    english = http.get("/reports/overview.csv?from=2026-03-01&to=2026-04-15&sheet=en",
                       base_url="https://localhost")
    assert excel_reads(english.data, ",")[1][:2] == ["2026-03-01", "2026-04-15"]
    services.asked.clear()
    wrong = http.get("/reports?from=2026-04-15&to=2026-03-01", base_url="https://localhost")
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="f-to-error"' in text  # the page stays Italian
    assert "Periodo: dall&#39;inizio a oggi" in text  # shown: all time
    assert [args for _service, args in services.asked] == [([8], None)] * 4
