"""Words in gettext catalogues, as translators' tools (Poedit, Weblate) read and write them:
<directory>/<language>/LC_MESSAGES/<domain>.po.

No compiled .mo file is kept next to them: a catalogue is read from its .po file and compiled
in memory the first time a language asks for it, then kept. The gateway (Flask-Babel) and the
notifications service read their catalogues through here.
"""
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import support
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def po_path(directory, domain: str, language: str) -> Path:
    return Path(directory) / language / "LC_MESSAGES" / f"{domain}.po"


def catalog(directory, domain: str, language: str) -> Catalog:
    """The catalogue as babel reads it (entries, comments, flags), for checks and tools."""
    with po_path(directory, domain, language).open("rb") as po:
        return read_po(po, locale=language, domain=domain)


@lru_cache(maxsize=None)
def translations(directory, domain: str, language: str):
    """`domain`'s catalogue in `language`, compiled in memory (once per directory, domain and
    language); a language without a catalogue has NullTranslations, which say the message id."""
    if not po_path(directory, domain, language).exists():
        return support.NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, catalog(directory, domain, language))
    compiled.seek(0)
    return support.Translations(compiled, domain=domain)
