"""marshmallow helpers every service uses: loading with typed errors, timestamps in
Europe/Rome, and paged lists."""
import functools
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, fields, validates_schema
from sqlalchemy import func, select

from services.common import checks
from services.common.errors import Invalid

ROME = ZoneInfo("Europe/Rome")
MUNICIPIO = checks.Range(min=1, max=9, code="municipio_range",
                         error="Municipio must be between 1 and 9.")
HOUR = checks.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", code="hour_form",
                     error="Use HH:MM, 24-hour.")
AGE = checks.Range(min=0, max=120)
ID = checks.Length(equal=36, code="not_an_id", error="Not an id.")
# a field's metadata key: answers may leave the field out, so the OpenAPI document does not
# require it (an answer's other fields are always there, null when they have no value)
SOMETIMES_ABSENT = "x-sometimes-absent"
# a schema's Meta option: its answers leave out fields by who asks, so none is required
SOMETIMES_ABSENT_META = "fields_sometimes_absent"


def local_time(moment: datetime) -> datetime:
    """Stored in UTC (SQLite gives it back naive); shown in Europe/Rome."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ROME)


class Moment(checks.CodedField, fields.AwareDateTime):
    """A moment given to a service: ISO 8601; without an offset, `default_timezone` (Europe/Rome
    unless said); a bare date is that day's midnight. Only from 2000 to 2099: anything else is a
    typing error, and before 1893 Milan's clocks had an offset in seconds that no ISO 8601
    timestamp can say back."""

    default_error_messages = {"range": "A moment between 2000 and 2099."}
    openapi = {"description": "From 2000 to 2099."}
    EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
    LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)

    def __init__(self, default_timezone=ROME, **kwargs):
        super().__init__(default_timezone=default_timezone, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) == 10:
            value += "T00:00"
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not self.EARLIEST <= moment < self.LATEST:
            raise self.make_error("range")
        return moment


class Day(checks.CodedField, fields.Date):
    """A day given to a service (ISO 8601), from 2000 to 2099 as a `Moment`: "0226-05-01" is a
    typing error, not a day of the programme."""

    default_error_messages = {"range": "A day between 2000 and 2099."}
    openapi = {"description": "From 2000 to 2099."}

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not Moment.EARLIEST.date() <= day < Moment.LATEST.date():
            raise self.make_error("range")
        return day


class Timestamp(fields.DateTime):
    """ISO 8601 with the Europe/Rome offset. An already formatted value passes through, so the
    gateway can document a service's answer with the same schema."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None or isinstance(value, str):
            return value
        return local_time(value).isoformat()


def load(schema: Schema | type, data, **kwargs):
    """Validate and load `data` with a schema, or a schema class (made once, then reused: making
    one costs more than most loads); invalid input is an `Invalid` error naming each field."""
    if isinstance(schema, type):
        schema = _made_once(schema)
    with_nul = _fields_with_nul(data)
    if with_nul:  # no text a person writes holds one, and PostgreSQL refuses to store it
        nul = checks.reason("nul_character", "Contains a NUL character.")
        raise Invalid({field: [nul] for field in with_nul})
    try:
        return schema.load(data if data is not None else {}, **kwargs)
    except ValidationError as error:
        raise Invalid(error.messages) from None


@functools.cache
def _made_once(schema_class: type) -> Schema:
    return schema_class()


def _fields_with_nul(data, path="") -> list:
    if isinstance(data, str):
        return [path or "_schema"] if "\x00" in data else []
    if isinstance(data, dict):
        return [found for key, value in data.items()
                for found in _fields_with_nul(value, f"{path}.{key}" if path else str(key))]
    if isinstance(data, list):
        return [found for index, value in enumerate(data)
                for found in _fields_with_nul(value, f"{path}.{index}" if path else str(index))]
    return []


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=checks.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=checks.Range(min=1, max=200))


def paged(session, statement, page: int, per_page: int, dump) -> dict:
    """`{"items", "page", "per_page", "total"}` for a select statement."""
    total = session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    rows = session.execute(statement.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return {"items": [dump(row) for row in rows], "page": page, "per_page": per_page, "total": total}


class PartialSchema(Schema):
    """For updates: every field of the top level may be left out, while what is given whole (a
    phone, a weekly slot, a programme item) is checked whole: marshmallow's `partial=True` would
    reach into the nested schemas too, and a phone without its number reached the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partial = tuple(self.fields)


class WeeklySlotSchema(Schema):
    """An opening slot on a weekday, in Europe/Rome time."""
    weekday = fields.Integer(required=True, validate=checks.Range(
        min=1, max=7, code="weekday_range", error="Weekday is 1 (Monday) to 7 (Sunday)."))
    opens_at = fields.String(required=True, validate=HOUR)
    closes_at = fields.String(required=True, validate=HOUR)

    @validates_schema
    @checks.across_fields("`closes_at` comes after `opens_at`.")
    def hours_in_order(self, data, **kwargs):
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            raise checks.refuse("closes_before_opens", "Closes after it opens.", "closes_at")
