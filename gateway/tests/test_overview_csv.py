"""The overview report as a spreadsheet: its counts stay numbers and no cell runs as a formula."""
import csv
import io

from gateway.api.reports import csv_file


def test_the_overview_sheet_keeps_numbers_and_runs_no_formula():
    sheet = csv_file([{"municipio": 8, "zone": "=1+1", "referrals": {"by_status": {
        "sent": 7, "declined": "<5"}}}]).get_data(as_text=True).lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(sheet))) == [
        ["municipio", "zone", "referrals.by_status.sent", "referrals.by_status.declined"],
        ["8", "'=1+1", "7", "<5"]]
