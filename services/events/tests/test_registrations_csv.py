"""The organiser's spreadsheet of registrations runs nothing a registrant typed."""
from services.common.schemas import load
from services.events import registrations
from services.events.contract import RegistrationCreateSchema
from services.events.tests.test_events_rules import (  # noqa: F401 (the store fixture)
    ANONYMOUS, NOW, PARTNER2, create, store)
from services.events.tests.registering import CIPHER, CONFIRM_WITHIN

NAME = '=HYPERLINK("http://phish.example/x","Conferma")'


def test_a_registrant_named_as_a_formula_reaches_the_spreadsheet_as_text(store):
    event_id = create(store)
    data = load(RegistrationCreateSchema(), {"name": NAME, "contact": "a@x.it", "adults": 1,
                                             "children": 1})
    with store.transaction() as tx:
        registrations.register(tx, ANONYMOUS, event_id, data, NOW, CONFIRM_WITHIN, CIPHER)
    with store.sessions() as session:
        lines = registrations.export_csv(session, PARTNER2, event_id).splitlines()
    assert lines[1].startswith(
        '"\'=HYPERLINK(""http://phish.example/x"",""Conferma"")";a@x.it;1;1;')
