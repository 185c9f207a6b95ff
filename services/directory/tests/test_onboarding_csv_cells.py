"""The directory's spreadsheet runs nothing an organisation's name or phone holds."""
from services.directory.tests.test_onboarding import (  # noqa: F401 (the store fixture)
    COORD8, csv_text, export, import_file, row, store)

NAME = '=HYPERLINK("http://phish.example/x","Apri")'


def test_an_organisation_named_as_a_formula_reaches_the_spreadsheet_as_text(store):
    import_file(store, COORD8, csv_text([row(NAME, "Doposcuola")]))
    [line] = [line for line in export(store, municipio=8).splitlines() if "phish" in line]
    assert line.startswith('"\'=HYPERLINK(""http://phish.example/x"",""Apri"")",')
