"""A report's period: its whole months (read from monthly tallies) and the days outside them."""
from datetime import date, datetime, timezone

import pytest

from services.common.errors import Invalid
from services.common.periods import Period, month_of


def test_a_period_splits_into_its_whole_months_and_the_days_around_them():
    spring = Period(date(2026, 3, 10), date(2026, 6, 5))
    assert spring.whole_months() == ("2026-04", "2026-05")
    assert spring.part_months() == [(date(2026, 3, 10), date(2026, 3, 31)),
                                    (date(2026, 6, 1), date(2026, 6, 5))]
    year = Period(date(2025, 1, 1), date(2025, 12, 31))
    assert year.whole_months() == ("2025-01", "2025-12") and year.part_months() == []
    days = Period(date(2026, 2, 3), date(2026, 2, 20))
    assert days.whole_months() is None and days.part_months() == [(days.first, days.last)]
    across = Period(date(2026, 1, 20), date(2026, 2, 10))
    assert across.whole_months() is None and across.part_months() == [
        (date(2026, 1, 20), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 10))]
    february = Period(date(2024, 2, 1), date(2024, 2, 29))
    assert february.whole_months() == ("2024-02", "2024-02") and february.part_months() == []


def test_a_period_and_its_months_are_days_in_rome():
    start, end = Period(date(2026, 7, 1), date(2026, 7, 31)).moments()
    assert start.astimezone(timezone.utc) == datetime(2026, 6, 30, 22, tzinfo=timezone.utc)
    assert end.astimezone(timezone.utc) == datetime(2026, 7, 31, 22, tzinfo=timezone.utc)
    assert month_of(datetime(2026, 6, 30, 22, 30, tzinfo=timezone.utc)) == "2026-07"


@pytest.mark.parametrize("given, field", [
    ({"from": "2026-03-01"}, "to"), ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
    ({"from": "1999-12-31", "to": "2026-03-01"}, "from"),
    ({"from": 3, "to": "2026-03-01"}, "from")])
def test_what_is_not_a_period_is_refused_naming_its_field(given, field):
    with pytest.raises(Invalid) as refused:
        Period.of(given)
    assert list(refused.value.errors) == [field]
