"""The notifications' words are in two full catalogues (translations/{it,en}/LC_MESSAGES/
notifications.po): every kind has its title, body and label in both, a text asks only for
parameters its kind's subject gives, and dates and amounts are written as each language does."""
from string import Formatter
from types import SimpleNamespace

import pytest

from services.common.catalogues import catalog
from services.common.context import ROLES
from services.notifications import words
from services.notifications.kinds import KINDS
from services.notifications.templates import render

CATALOGUES = {language: {m.id: m for m in catalog(words.DIRECTORY, words.DOMAIN, language)
                         if m.id}
              for language in words.LANGUAGES}
# what the code asks for besides the kinds' words, and the parameters it gives them
OTHERS = {"open": set(), "footer": {"url"}, "account.footer": {"url"},
          "digest.subject": {"day"}, "digest.intro": set(),
          "invitation_sent.subject": set(), "password_reset_requested.subject": set(),
          "invitation_sent.body": {"inviter", "role", "organization", "expires"},
          "password_reset_requested.body": {"expires"},
          "password_reset_requested.expires": {"time", "day"},
          **{f"role.{role}": set() for role in ROLES}}


def placeholders(text: str) -> set:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


class Payload(dict):
    """An event that has every field a subject may read."""

    def __missing__(self, key):
        return "1"

    def __contains__(self, key):
        return True

    def get(self, key, default=None):
        return self[key]


PEERS = SimpleNamespace(
    directory=SimpleNamespace(get_organization=lambda i: {"id": i, "name": "Ente"}),
    events=SimpleNamespace(
        event_brief=lambda i: {"id": i, "title": "Festa", "starts_at": "2027-06-01T15:00:00+02:00",
                               "municipio": 8},
        get_drive=lambda i: {"id": i, "title": "Raccolta", "items": [{"id": "1",
                                                                       "name": "pasta"}]},
        pass_code=lambda event_id, registration_id: "7K2MQ9TD"))


def test_both_catalogues_say_the_same_messages_all_translated():
    italian, english = CATALOGUES["it"], CATALOGUES["en"]
    assert set(italian) == set(english)
    for messages in (italian, english):
        for message in messages.values():
            assert message.string.strip() and not message.fuzzy, message.id


@pytest.mark.parametrize("code", sorted(KINDS))
def test_every_kind_has_its_words_in_both_languages(code):
    for language, messages in CATALOGUES.items():
        for part in ("title", "body", "label"):
            message = messages.get(f"{code}.{part}")
            assert message is not None and message.string.strip(), (language, code, part)


@pytest.mark.parametrize("code", sorted(KINDS))
def test_a_kinds_texts_ask_only_for_what_its_subject_gives(code):
    given, link = KINDS[code].subject(PEERS, Payload())
    assert link.startswith("/")
    for part in ("title", "body", "label"):
        italian, english = (CATALOGUES[language][f"{code}.{part}"].string
                            for language in ("it", "en"))
        assert placeholders(italian) == placeholders(english), (code, part)
        assert placeholders(italian) <= set(given), (code, part)
    for language in words.LANGUAGES:
        shown = render(code, given, language)
        assert "{" not in shown["title"] + shown["body"]


VARIANT_WORDS = sorted(message_id for message_id in CATALOGUES["it"]
                       if message_id.count(".") == 2 and message_id.split(".")[0] in KINDS)


@pytest.mark.parametrize("message_id", VARIANT_WORDS)
def test_a_kinds_words_for_a_code_it_is_told_ask_only_for_what_its_subject_gives(message_id):
    kind, code, part = message_id.split(".")
    given, _ = KINDS[kind].subject(PEERS, Payload())
    assert part in ("title", "body")
    italian, english = (CATALOGUES[language][message_id].string for language in ("it", "en"))
    assert placeholders(italian) == placeholders(english) and placeholders(italian) <= set(given)
    told = {**given, "reason": code, "answer": code}
    assert render(kind, told, "en")[part] == english.format(**told)  # its words, not the kind's


def test_the_emails_words_are_there_with_the_parameters_they_are_given():
    for message_id, given in OTHERS.items():
        for language, messages in CATALOGUES.items():
            assert message_id in messages, (language, message_id)
            assert placeholders(messages[message_id].string) <= given, (language, message_id)


def test_a_coded_parameter_is_said_and_an_unknown_one_left_as_it_is():
    assert words.said("urgency.high", "it") == "alta"
    assert words.said("urgency.high", "en") == "high"
    assert words.said("final.true", "fr") == "la spesa è autorizzata"  # Italian for others
    assert words.said("urgency.someday", "en", "someday") == "someday"


def test_amounts_and_days_are_written_as_each_language_writes_them():
    assert words.amount("1234.5", "it") == "1.234,50"
    assert words.amount("1234.50", "en") == "1,234.50"
    assert words.amount("800", "it") == "800,00"
    assert words.day("2026-11-24", "it") == "24 novembre 2026"
    assert words.day("2026-11-24", "en") == "November 24, 2026"
    assert words.day("24/11/2026", "en") == "24/11/2026"  # a day written before: as it was


def test_an_events_start_is_said_as_a_day_and_an_hour():
    from services.notifications.templates import render

    said = render("event_updated", {"title": "Festa", "starts_at": "2027-06-01T15:00:00+02:00",
                                    "municipio": 8, "event_id": "e-1"}, "it")
    assert said["body"] == "L'evento Festa del 1 giugno 2027, 15:00 è cambiato: guarda i dettagli."
    assert words.moment("01/06/2027 15:00", "en") == "01/06/2027 15:00"  # written before
