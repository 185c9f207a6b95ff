"""Phone numbers are checked against the numbering plans, Italian unless they say otherwise,
and kept in one international format."""
import pytest
from marshmallow import Schema

from services.common import checks
from services.common.errors import Invalid
from services.common.schemas import load


class Card(Schema):
    phone = checks.Phone()


@pytest.mark.parametrize("typed, kept", [
    ("02 1234 5678", "+39 02 1234 5678"), ("0039 02 12345678", "+39 02 1234 5678"),
    ("347/1234567", "+39 347 123 4567"), ("+41 44 668 18 00", "+41 44 668 18 00")])
def test_a_number_is_kept_in_the_international_format(typed, kept):
    assert load(Card, {"phone": typed}) == {"phone": kept}


@pytest.mark.parametrize("typed", ["+9834286712-499/8", "02 1", "chiamare dopo le 17", "12345"])
def test_what_no_numbering_plan_has_is_refused_with_its_code(typed):
    with pytest.raises(Invalid) as refused:
        load(Card, {"phone": typed})
    assert refused.value.errors == {"phone": ["Not a phone number."]}
    assert refused.value.codes == {"phone": [["phone_form", {}]]}


def test_italian_numbers_are_written_back_as_dialled_in_italy():
    assert checks.phone_as_dialled("+39 02 1234 5678") == "02 1234 5678"
    assert checks.phone_as_dialled("+41 44 668 18 00") == "+41 44 668 18 00"
