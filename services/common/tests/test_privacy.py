"""Which counts of a report hide their small values: those about people, never those of things."""
from services.common.privacy import shown_figures


def test_counts_of_people_under_five_read_less_than_five_and_counts_of_things_stay_numbers():
    row = shown_figures({
        "organizations": 3, "services": 1, "events": 4, "drives": 2,
        "registered_people": 3, "referrals": {"total": 4, "by_status": {"sent": 1, "closed": 0},
                                              "median_days_to_acceptance": 2.5},
        "funds": {"requests": 2, "funded": "1234.50"}, "families": 7})
    assert row["organizations"] == 3 and row["services"] == 1
    assert row["events"] == 4 and row["drives"] == 2
    assert row["registered_people"] == "<5" and row["families"] == 7
    assert row["referrals"] == {"total": "<5", "by_status": {"sent": "<5", "closed": 0},
                                "median_days_to_acceptance": 2.5}
    assert row["funds"] == {"requests": "<5", "funded": "1234.50"}
