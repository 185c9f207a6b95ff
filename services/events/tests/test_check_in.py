"""Check-in at the door: a confirmed registration's code, typed or read from its QR code, marks
it as come once; other codes, other events' codes and registrations not confirmed are refused."""
import pytest

from services.common.errors import Conflict, Forbidden, NotFound
from services.events import check_in, registrations
from services.common.codes import ALPHABET
from services.events.models import CHECK_IN_CODE_LENGTH as LENGTH
from services.events.tests.test_events_rules import (NOW, PARTNER2, PARTNER8, create, register,
                                                      store)  # noqa: F401
from services.events.models import Event
from services.events.tests.registering import register_pending
from services.events.service import RECEIPT


def read_at_door(store, event_id, given, caller=PARTNER2):  # noqa: F811
    with store.transaction() as tx:
        registration, first = check_in.check_in(tx, caller, event_id,
                                                check_in.normalised(given), NOW)
        return registration.id, registration.attended, registration.checked_in_at, first


def test_a_confirmed_registration_shows_its_code_and_comes_in_once(store):  # noqa: F811
    event_id = create(store, capacity=10)
    registration, _token, _told = register(store, event_id, "anna@example.org", adults=2)
    code = RECEIPT.dump(registration)["check_in_code"]
    assert code == f"{registration.check_in_code[:4]}-{registration.check_in_code[4:]}"
    assert len(registration.check_in_code) == LENGTH
    assert set(registration.check_in_code) <= set(ALPHABET)
    assert read_at_door(store, event_id, code) == (registration.id, True, NOW, True)
    assert read_at_door(store, event_id, code) == (registration.id, True, NOW, False)


@pytest.mark.parametrize("given", [
    "{spaced}", "{lower}", "  {spaced}  ",
    "https://qubi.example/events/{event}/check-in?code={code}"])
def test_the_code_is_read_as_typed_or_from_the_qr_codes_address(store, given):  # noqa: F811
    event_id = create(store)
    registration, _token, _told = register(store, event_id, "+39 333 123 4567")
    code = registration.check_in_code
    spaced = RECEIPT.dump(registration)["check_in_code"]
    typed = given.format(spaced=spaced, lower=spaced.lower(), event=event_id, code=code)
    assert read_at_door(store, event_id, typed)[0] == registration.id


def test_misread_letters_are_the_digits_they_look_like():
    assert check_in.normalised("oo1l-iIO0") == "00111100"


def test_unknown_codes_and_other_events_codes_are_not_found(store):  # noqa: F811
    event_id, other_id = create(store), create(store)
    registration, _token, _told = register(store, other_id, "bea@example.org")
    for given in ("ZZZZZZZZ", registration.check_in_code, ""):
        with pytest.raises(NotFound) as refused:
            read_at_door(store, event_id, given)
        assert refused.value.code == "check_in_code_unknown"


def test_only_a_confirmed_registration_comes_in_and_only_organisers_read_codes(store):  # noqa: F811
    event_id = create(store, capacity=1)
    confirmed, _token, _told = register(store, event_id, "carla@example.org")
    waitlisted, _token, _told = register(store, event_id, "dora@example.org")
    pending, _token, _told = register_pending(store, event_id, "elsa@example.org", NOW)
    assert RECEIPT.dump(waitlisted)["check_in_code"] is None
    for registration in (waitlisted, pending):
        with pytest.raises(Conflict) as refused:
            read_at_door(store, event_id, registration.check_in_code)
        assert refused.value.code == "registration_not_confirmed"
    with pytest.raises((Forbidden, NotFound)):
        read_at_door(store, event_id, confirmed.check_in_code, caller=PARTNER8)


def test_a_registrant_reads_its_own_registration_only_with_its_token(store):  # noqa: F811
    event_id = create(store)
    registration, token, _told = register(store, event_id, "fede@example.org")
    with store.sessions() as session:
        assert registrations.own(session, event_id, registration.id, token).id == registration.id
        with pytest.raises(NotFound):
            registrations.own(session, event_id, registration.id, "not-the-token")


def test_a_pass_is_shown_to_whoever_holds_its_code_once_confirmed(store):  # noqa: F811
    event_id = create(store, capacity=1)
    confirmed, _token, _told = register(store, event_id, "gina@example.org")
    waitlisted, _token, _told = register(store, event_id, "ida@example.org")
    with store.sessions() as session:
        assert check_in.by_code(session, event_id, confirmed.id,
                                RECEIPT.dump(confirmed)["check_in_code"].lower()).id == confirmed.id
        assert check_in.code_of(session, event_id, confirmed.id) == confirmed.check_in_code
        assert check_in.code_of(session, event_id, waitlisted.id) is None
        for registration, code in ((confirmed, "ZZZZZZZZ"),
                                   (waitlisted, waitlisted.check_in_code)):
            with pytest.raises(NotFound):
                check_in.by_code(session, event_id, registration.id, code)


def test_a_family_that_came_and_then_cancels_leaves_the_count_and_unmarked_comes_in_again(
        store):  # noqa: F811
    event_id = create(store, capacity=10)
    came, token, _told = register(store, event_id, "lia@example.org", adults=2)
    read_at_door(store, event_id, came.check_in_code)
    with store.transaction() as tx:
        registrations.mark_attendance(tx, PARTNER2, event_id, came.id, False)
    assert read_at_door(store, event_id, came.check_in_code)[3] is True  # in again
    with store.transaction() as tx:
        registrations.cancel(tx, None, event_id, came.id, token, NOW)
    with store.sessions() as session:
        assert session.get(Event, event_id).attended_people == 0
