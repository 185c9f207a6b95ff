"""A gettext catalogue is read from its .po file and compiled in memory, once."""
from babel import support

from services.common.catalogues import translations

PO = """msgid ""
msgstr ""
"Language: it\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "greeting"
msgstr "Ciao, {name}"

msgid "untranslated"
msgstr ""
"""


def test_a_catalogue_is_compiled_from_its_po_file_once(tmp_path):
    folder = tmp_path / "it" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "words.po").write_text(PO, encoding="utf-8")
    italian = translations(tmp_path, "words", "it")
    assert isinstance(italian, support.Translations)
    assert italian.gettext("greeting") == "Ciao, {name}"
    assert italian.gettext("untranslated") == "untranslated"  # gettext says the id
    assert translations(tmp_path, "words", "it") is italian


def test_a_language_without_a_catalogue_says_the_message_ids(tmp_path):
    english = translations(tmp_path, "words", "en")
    assert english.gettext("greeting") == "greeting"
