"""What every contract takes in: each integer within bounds, each day within a window, each
phone number checked against the numbering plans.

A request schema is one the services load or the gateway takes as arguments (found in their
code), with every schema nested in it; answers are left out: they only say what was stored."""
import importlib
import re
from pathlib import Path

import pytest
from marshmallow import Schema, fields, validate

from services.common.errors import Invalid
from services.common.schemas import Day, Moment, load
from services.directory.contract.catalogue import OrganizationCreateSchema, ServiceCreateSchema
from services.referrals.contract import FamilySchema


@pytest.mark.parametrize("schema, body, field", [
    (OrganizationCreateSchema, {"name": "APS", "phone": "+9834286712-499/8"}, "phone"),
    (ServiceCreateSchema, {"organization_id": "1" * 36, "name": "Sportello",
                           "phones": [{"number": "+9834286712-499/8"}]}, "phones.0.number"),
    (FamilySchema, {"reference": "QO-1", "municipio": 8, "children": [{"age": 3}],
                    "phone": "+9834286712-499/8"}, "phone"),
])
def test_every_phone_the_platform_takes_is_checked(schema, body, field):
    with pytest.raises(Invalid) as refused:
        load(schema, body)
    assert list(refused.value.errors) == [field]


ROOT = Path(__file__).resolve().parents[1]
MODULES = ("services.directory.contract.catalogue", "services.directory.contract.people",
           "services.events.contract", "services.funds.contract",
           "services.governance.contract", "services.notifications.contract",
           "services.referrals.contract",
           *(f"gateway.api.{path.stem}" for path in (ROOT / "gateway" / "api").glob("*.py")))
TAKEN = re.compile(r"\b(?:load|arguments)\(\s*([A-Z]\w*)")
# the events service's days are bounded in work of their own, under way
DAYS_BOUNDED_ELSEWHERE = {"services.events.contract"}


def request_schemas() -> dict:
    """{name: schema class} of the schemas the code takes requests with."""
    schemas = {}
    for module in map(importlib.import_module, MODULES):
        schemas.update({name: value for name, value in vars(module).items()
                        if isinstance(value, type) and issubclass(value, Schema)
                        and value.__module__ == module.__name__})
    taken = {name for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("gateway/**/*.py")]
             if "tests" not in path.parts for name in TAKEN.findall(path.read_text())}
    return {name: schemas[name] for name in sorted(taken & set(schemas))}


def leaves(schema: type, path: str = ""):
    """(path, field, the module of the schema that declares it) of every field, nested ones
    included."""
    for name, field in schema._declared_fields.items():
        while isinstance(field, fields.List):
            field, name = field.inner, f"{name}.*"
        if isinstance(field, fields.Nested):
            nested = field.nested if isinstance(field.nested, type) else type(field.nested)
            yield from leaves(nested, f"{path}{name}.")
        else:
            yield f"{path}{name}", field, schema.__module__


def bounded(field) -> bool:
    return any(isinstance(check, validate.OneOf) or (
        isinstance(check, validate.Range) and None not in (check.min, check.max))
        for check in field.validators)


def test_the_walk_finds_the_request_schemas():
    found = request_schemas()
    assert len(found) > 40 and {"ReferralCreateSchema", "ServiceCreateSchema",
                                "FundPaymentCreateSchema", "PreferencesSchema",
                                "OverviewQuerySchema"} <= set(found)


def test_every_integer_a_request_takes_is_bounded():
    unbounded = [f"{name}.{path}" for name, schema in request_schemas().items()
                 for path, field, _ in leaves(schema)
                 if isinstance(field, fields.Integer) and not bounded(field)]
    assert unbounded == []


def test_every_day_a_request_takes_is_within_a_window():
    unbounded = [f"{name}.{path}" for name, schema in request_schemas().items()
                 for path, field, module in leaves(schema)
                 if isinstance(field, fields.DateTime) and module not in DAYS_BOUNDED_ELSEWHERE
                 and not isinstance(field, (Moment, Day)) and not field.validators]
    assert unbounded == []


@pytest.mark.parametrize("day", ["0226-05-01", "2100-01-01"])
def test_a_day_out_of_the_window_is_refused_with_its_code(day):
    with pytest.raises(Invalid) as refused:
        load(ServiceCreateSchema, {"organization_id": "1" * 36, "name": "Sportello",
                                   "closed_dates": [{"day": day}]})
    assert refused.value.codes == {"closed_dates.0.day": [["range_day", {}]]}
