"""A report's period: from one day to another, both included, in Europe/Rome.

The reports count some figures from tallies kept per month: a period reads the tallies of the
months it holds whole and counts only its first and last part months (`part_months`) from the
rows, so that a year's report reads twelve tallies however many years the platform holds."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from marshmallow import Schema, ValidationError, fields, validates_schema

from services.common import checks
from services.common.schemas import ROME, Day, load
ENDS_BEFORE = checks.reason("ends_before_start", "The end comes after the start.")


class PeriodArgs(Schema):
    """A report's period in its query: both days or neither, the last not before the first."""
    from_ = Day(data_key="from", metadata={
        "description": "The period's first day (YYYY-MM-DD, in Europe/Rome), with `to`"})
    to = Day(metadata={
        "description": "The period's last day, included (YYYY-MM-DD, in Europe/Rome), with `from`"})

    @validates_schema
    def _both_in_order(self, data, **_kwargs):
        given = [name for name in ("from_", "to") if data.get(name)]
        if len(given) == 1:
            raise ValidationError(fields.Field.default_error_messages["required"],
                                  "to" if given == ["from_"] else "from")
        if given and data["to"] < data["from_"]:
            raise ValidationError(ENDS_BEFORE, "to")


def month_of(moment: datetime) -> str:
    """The month (YYYY-MM) a moment falls in, in Rome."""
    return f"{moment.astimezone(ROME):%Y-%m}"


def start_of(day: date) -> datetime:
    """The first moment of a day in Rome, as an aware datetime."""
    return datetime.combine(day, time(), ROME)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @classmethod
    def of_args(cls, args: dict) -> "Period | None":
        """From the query PeriodArgs loaded."""
        return cls(args["from_"], args["to"]) if args.get("from_") else None

    @classmethod
    def of(cls, given: dict | None) -> "Period | None":
        """From the `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}` a report is asked with (an
        `Invalid` naming the field when it is not a period)."""
        return cls.of_args(load(PeriodArgs, given)) if given else None

    def moments(self) -> tuple:
        """[start, end): the period's moments, end excluded."""
        return start_of(self.first), start_of(self.last + timedelta(days=1))

    def whole_months(self) -> tuple | None:
        """(first, last) months (YYYY-MM) the period holds every day of; None when none."""
        first = self.first if self.first.day == 1 else _next_month(self.first)
        end = self.last + timedelta(days=1)
        after = end if end.day == 1 else self.last.replace(day=1)
        if first >= after:
            return None
        return f"{first:%Y-%m}", f"{after - timedelta(days=1):%Y-%m}"

    def part_months(self) -> list:
        """The period's days outside its whole months, as [first, last] day ranges: 0 to 2,
        each within one month."""
        whole = self.whole_months()
        if whole is None:
            ends = _next_month(self.first) - timedelta(days=1)
            return [(self.first, min(self.last, ends))] + (
                [(ends + timedelta(days=1), self.last)] if self.last > ends else [])
        starts = date.fromisoformat(whole[0] + "-01")
        after = _next_month(date.fromisoformat(whole[1] + "-01"))
        return [(first, last) for first, last in ((self.first, starts - timedelta(days=1)),
                                                  (after, self.last)) if first <= last]


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)
