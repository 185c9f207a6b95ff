"""A registrant's contact: an email, or a phone number checked against the numbering plans
(Italian unless it says otherwise) and kept one way, so the same number registers once."""
import pytest

from services.common.errors import Invalid
from services.common.schemas import load
from services.events.contract import RegistrationCreateSchema


def contact(text: str) -> str:
    return load(RegistrationCreateSchema, {"name": "Famiglia", "contact": text, "adults": 1,
                                           "children": 1})["contact"]


def test_one_number_written_several_ways_is_one_contact():
    assert contact("333 123 4567") == contact("+39 333 1234567") == "+393331234567"
    assert contact("02/1234.5678") == "+390212345678"
    assert contact("+41 44 668 18 00") == "+41446681800"
    assert contact("Rossi@Example.it") == "rossi@example.it"


@pytest.mark.parametrize("text", ["+9834286712-499/8", "12345", "chiamatemi"])
def test_what_is_no_number_nor_email_is_refused_naming_why(text):
    with pytest.raises(Invalid) as refused:
        contact(text)
    assert refused.value.codes["contact"] == [["contact_missing", {}]]


def test_a_contact_too_long_to_keep_is_refused_naming_why():
    with pytest.raises(Invalid) as refused:
        contact("a" * 240 + "@example.it")
    assert refused.value.codes["contact"] == [["too_long", {"max": 200}]]
