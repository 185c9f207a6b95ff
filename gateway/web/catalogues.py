"""The interface's words in gettext catalogues, as translators' tools (Poedit, Weblate) read
them: gateway/translations/<language>/LC_MESSAGES/<domain>.po.

Two domains: `messages`, the pages' words, written in Italian in the templates and views and
translated to English; `errors`, the words of the services' codes in each language: a
refusal's (DomainError.code) and a field's reason's (checks.Reason, Invalid.codes). Flask-Babel
chooses the language of each request (i18n.lang); each catalogue is read from its .po file and
compiled in memory the first time a language asks for it, so nothing is built before the
gateway starts.
"""
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import Babel, Domain, get_locale

from services.common.catalogues import translations

DIRECTORY = Path(__file__).resolve().parents[1] / "translations"


class PoDomain(Domain):
    def __init__(self, domain: str):
        super().__init__(translation_directories=str(DIRECTORY), domain=domain)
        self._compiled = {}

    def get_translations(self, language: str | None = None):
        language = language or str(get_locale() or "it")
        if language not in self._compiled:
            self._compiled[language] = _compiled(self.domain[0], language)
        return self._compiled[language]

    def translate(self, text: str, language: str | None = None) -> str:
        """`text` in `language` (by default the request's, as Flask-Babel chose it)."""
        return self.get_translations(language).gettext(text)


def _compiled(domain: str, language: str):
    return translations(DIRECTORY, domain, language)


def catalog(language: str, domain: str = "messages"):
    """The catalogue as babel reads it (for the tests that check it is complete)."""
    with (DIRECTORY / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as po:
        return read_po(po, locale=language, domain=domain)


MESSAGES = PoDomain("messages")
ERRORS = PoDomain("errors")


def init_app(app, choose_language):
    Babel(app, locale_selector=choose_language, default_locale="it",
          default_translation_directories=str(DIRECTORY))
