"""The directory's spreadsheet runs nothing an organisation's name or phone holds."""
from services.directory.tests.test_onboarding import (  # noqa: F401 (the store fixture)
    COORD8, csv_text, export, import_file, row, store)

NAME = '=HYPERLINK("http://phish.example/x","Apri")'


def test_an_organisation_named_as_a_formula_reaches_the_spreadsheet_as_text(store):
    import_file(store, COORD8, csv_text([row(NAME, "Doposcuola")]))
    [line] = [line for line in export(store, municipio=8).splitlines() if "phish" in line]
    assert line.startswith('"\'=HYPERLINK(""http://phish.example/x"",""Apri"")",')


def test_an_exported_file_with_quoted_cells_imports_again_unchanged(store):
    import_file(store, COORD8, csv_text([row("APS Trattino", "Doposcuola",
                                             organization_description="- laboratori")]))
    exported = export(store, municipio=8)
    assert ",'- laboratori," in exported
    assert import_file(store, COORD8, exported)["organizations_created"] == 0
