"""What every contract takes in: each phone number checked against the numbering plans."""
import pytest

from services.common.errors import Invalid
from services.common.schemas import load
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
