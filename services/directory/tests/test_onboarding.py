"""Bulk onboarding from a CSV file, and the same CSV out: on a real database, without a broker."""
import csv
import io
import random
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Forbidden, Invalid
from services.directory import onboarding, onboarding_cells
from services.directory.contract.catalogue import CATEGORIES, DIMENSIONS
from services.directory.demo import ZONES, load_demo
from services.directory.models import OUTBOX, Base, Membership, Network, Organization, Service
from tests.databases import empty_tables

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "onboarding.csv"
CITY = Caller(user_id="c", roles=["city"])
COORD8 = Caller(user_id="k8", roles=["coordinator"], municipi=[8])
COORD3 = Caller(user_id="k3", roles=["coordinator"], municipi=[3])
PARTNER8 = Caller(user_id="p8", roles=["partner"], municipi=[8], organization_id="org-8")


@pytest.fixture
def store(databases):
    store = Store(databases["directory"], Base.metadata)
    with store.transaction() as tx:
        load_demo(tx.session, "pw")
    yield store
    store.dispose()


def counts(store) -> tuple:
    with store.sessions() as session:
        return tuple(session.execute(select(func.count()).select_from(table)).scalar_one()
                     for table in (Organization, Service, OUTBOX))


def import_file(store, caller, text) -> dict:
    with store.transaction() as tx:
        return onboarding.import_csv(tx, caller, text)


def export(store, **kwargs) -> str:
    with store.sessions() as session:
        return onboarding.export_csv(session, **kwargs)


def refused(store, caller, text) -> dict:
    before = counts(store)
    with pytest.raises(Invalid) as raised:
        import_file(store, caller, text)
    assert counts(store) == before  # nothing written, not even an event
    return raised.value.errors


def csv_text(rows, delimiter=",") -> str:
    """A file with the columns in the documented order; each row a dict of the filled cells."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(onboarding_cells.COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in onboarding_cells.COLUMNS])
    return out.getvalue()


def row(organization="APS Esempio", service="Doposcuola", **cells) -> dict:
    return {"organization_name": organization, "municipi": "8", "level": "1",
            "service_name": service, "category": "proximity", "dimension": "educational",
            "min_age": "6", "max_age": "10", "schedules": "2 16:00-18:00",
            "phones": "02 0000 9999", **cells}


def test_the_example_file_imports_for_a_coordinator_of_municipio_8(store):
    text = EXAMPLE.read_text(encoding="utf-8")
    before = counts(store)
    with store.transaction() as tx:
        result = onboarding.import_csv(tx, COORD8, text)
    assert result == {"organizations_created": 6, "services_created": 7, "unchanged": 0}
    types = [event["event_type"] for event in tx.events]
    assert types.count("organization_registered") == 6
    assert types.count("service_published") == 7
    assert counts(store)[:2] == (before[0] + 6, before[1] + 7)
    with store.sessions() as session:
        after_school = session.execute(
            select(Service).where(Service.name == "Doposcuola medie")).scalar_one()
        assert after_school.organization.name == "Cooperativa Sociale Il Ponte di Quarto"
        assert after_school.organization.municipi == [8]
        assert (after_school.min_age, after_school.max_age, after_school.free) == (11, 14, True)
        assert after_school.languages == ["it", "ar", "es"]
        assert [(s.weekday, s.opens_at, s.closes_at) for s in after_school.schedules] == [
            (1, "14:30", "17:30"), (3, "14:30", "17:30"), (5, "14:30", "17:30")]
        assert sorted((p.number, p.description) for p in after_school.phones) == [
            ("+39 02 0000 2002", None), ("+39 333 000 2002", "WhatsApp")]
        location = after_school.location
        assert (location.zone, location.zone_key, location.municipio, location.postal_code) == (
            "Quarto Oggiaro", "quarto oggiaro", 8, "20157")
        committee = session.execute(select(Organization).where(
            Organization.name == "Comitato Genitori Scuole di Lampugnano")).scalar_one()
        assert committee.level == 2
    # the example is what the export gives back (the demo's own Municipio 8 rows aside)
    exported = export(store, municipio=8).splitlines()
    assert [line for line in exported if "(demo)" not in line] == text.splitlines()
    # and importing it again changes nothing
    assert import_file(store, COORD8, text) == {
        "organizations_created": 0, "services_created": 0, "unchanged": 13}
    assert counts(store)[:2] == (before[0] + 6, before[1] + 7)


def test_an_italian_spreadsheet_saved_with_semicolons_and_a_bom_imports(store):
    text = "\ufeff" + csv_text([
        row("Ludoteca QT8", "Ludoteca", category="prossimità", dimension="Educativa",
            free="Sì", languages="IT, en", latitude="45,4862", longitude="9,1431", zone="QT8",
            schedules="mar 9.30-12:00 15:00-18:00; Giovedì 16:00-18:00",
            phones="02 0000 1111 (segreteria; mattina); 333 000 1111"),
        row("Ludoteca QT8", "Feste di quartiere", category="Cittadinanza attiva",
            dimension="culture", free="no", schedules="", phones="", min_age="", max_age=""),
        {"organization_name": "Comitato genitori", "municipi": ""},  # defaults to Municipio 8
    ], delimiter=";")
    assert import_file(store, COORD8, text) == {
        "organizations_created": 2, "services_created": 2, "unchanged": 0}
    with store.sessions() as session:
        play = session.execute(select(Service).where(Service.name == "Ludoteca")).scalar_one()
        assert (play.category, play.dimension, play.free, play.languages) == (
            "proximity", "educational", True, ["it", "en"])
        assert (play.location.latitude, play.location.longitude) == (45.4862, 9.1431)
        assert [(s.weekday, s.opens_at, s.closes_at) for s in play.schedules] == [
            (2, "09:30", "12:00"), (2, "15:00", "18:00"), (4, "16:00", "18:00")]
        assert sorted((p.number, p.description) for p in play.phones) == [
            ("+39 02 0000 1111", "segreteria; mattina"), ("+39 333 000 1111", None)]
        parties = session.execute(select(Service).where(
            Service.name == "Feste di quartiere")).scalar_one()
        assert (parties.category, parties.free, parties.schedules) == (
            "active_citizenship", False, [])
        parents = session.execute(select(Organization).where(
            Organization.name == "Comitato genitori")).scalar_one()
        assert parents.municipi == [8]
    # the export of what came in reads back as the same
    assert import_file(store, COORD8, export(store, municipio=8))["services_created"] == 0


@pytest.mark.parametrize("cells, reason", [
    ({"municipi": "12"}, 'municipi \'12\': Municipio must be between 1 and 9.'),
    ({"min_age": "12", "max_age": "6"},
     "max_age: The maximum age is at least the minimum age."),
    ({"schedules": "2 16:00-18:00; 3 18:00-16:00"},
     "schedules '3 18:00-16:00': Closes after it opens."),
    ({"schedules": "martedì pomeriggio"}, "schedules 'martedì pomeriggio': Write a weekday"),
    ({"schedules": "8 10:00-12:00"}, "schedules '8 10:00-12:00': Weekday is 1 (Monday) to 7"),
    ({"phones": "chiamare"}, "phones 'chiamare': Not a phone number."),
    ({"free": "forse"}, "free: Write sì or no."),
    ({"category": "sportello"}, "category: Must be one of: proximity"),
    ({"postal_code": "2015"}, "postal_code: A CAP has 5 digits."),
    ({"latitude": "45.5"}, "latitude: Give both latitude and longitude, or neither."),
    ({"organization_email": "info@"}, "organization_email: Not a valid email address."),
    ({"tax_code": "123"}, "tax_code: A tax code has 11 digits"),
    ({"service_name": ""}, "service_name: A row with service columns names its service."),
])
def test_one_bad_row_imports_nothing_and_the_error_names_its_line(store, cells, reason):
    text = csv_text([row("APS Uno", "Doposcuola"), row("APS Due", "Ludoteca"),
                     row("APS Tre", "Sportello", **cells), row("APS Quattro", "Compiti")])
    errors = refused(store, COORD8, text)
    assert list(errors) == ["line 4"]
    assert any(message.startswith(reason) for message in errors["line 4"]), errors


def test_several_bad_rows_are_all_reported_with_every_reason(store):
    text = csv_text([
        row("APS Uno"),
        row("APS Due", municipi="12"),
        {},  # an empty row is skipped, yet still counts as a line of the sheet
        row("APS Tre", min_age="10", max_age="3", schedules="lun 9-12"),
        row("APS Quattro"),
        row("APS Cinque", phones="02 0000 1234; telefono"),
    ]) + ",".join(["APS Sei"] + [""] * len(onboarding_cells.COLUMNS) + ["di troppo"]) + "\r\n"
    errors = refused(store, COORD8, text)
    assert list(errors) == ["line 3", "line 5", "line 7", "line 8"]
    assert errors["line 3"] == ["municipi '12': Municipio must be between 1 and 9."]
    assert errors["line 5"] == [
        "schedules 'lun 9-12': Write a weekday (1 = Monday ... 7 = Sunday) then the hours, "
        "e.g. 2 10:00-13:00.",
        "max_age: The maximum age is at least the minimum age."]
    assert errors["line 7"] == ["phones 'telefono': Not a phone number."]
    assert errors["line 8"] == ["The row has more cells than the 30 columns of the header."]


def test_a_coordinator_of_municipio_3_importing_municipio_8_rows_is_refused_per_line(store):
    text = csv_text([row("APS Tre", municipi="3"), row("APS Otto"), row("APS Otto e Tre",
                                                                        municipi="3;8")])
    errors = refused(store, COORD3, text)
    assert errors == {"line 3": ["municipi: Not allowed for municipio 8."],
                      "line 4": ["municipi: Not allowed for municipio 8."]}
    errors = refused(store, COORD3, EXAMPLE.read_text(encoding="utf-8"))
    assert len(errors) == 8 and all(reasons == ["municipi: Not allowed for municipio 8."]
                                    for reasons in errors.values())


def test_only_coordinators_and_the_city_import(store):
    with pytest.raises(Forbidden):
        import_file(store, PARTNER8, EXAMPLE.read_text(encoding="utf-8"))


def test_the_rows_of_one_organisation_agree_and_a_service_is_given_once(store):
    text = csv_text([
        row("APS Uno", "Doposcuola"),
        row("APS Uno", "Ludoteca", level="2", website="www.apsuno.example"),
        row("APS Uno", "Doposcuola"),
        row("APS Due", "Doposcuola", tax_code="97000000001"),
        row("APS Tre", "Doposcuola", tax_code="97000000001"),
    ])
    errors = refused(store, COORD8, text)
    assert errors == {
        "line 3": ["The organisation columns differ from line 2 (website, level): they are the "
                   "same on every row of an organisation."],
        "line 4": ["service_name: 'Doposcuola' of 'APS Uno' is already on line 2."],
        "line 6": ["tax_code: 97000000001 is the tax code of 'APS Due' on line 5."],
    }


def test_an_import_only_adds_what_would_change_the_directory_is_refused(store):
    import_file(store, COORD8, csv_text([row("APS Uno", "Doposcuola", tax_code="97000000001")]))
    errors = refused(store, COORD8, csv_text([
        row("APS Uno", "Doposcuola", tax_code="97000000001", max_age="11"),
        row("Spazio Famiglie Gallaratese (demo)", "Laboratori", level="2"),
    ]))
    assert errors == {
        "line 2": ["The service 'Doposcuola' of 'APS Uno' is already in the directory with a "
                   "different max_age: change it there, the import only adds."],
        "line 3": ["'Spazio Famiglie Gallaratese (demo)' is already in the directory with a "
                   "different legal_form, organization_description, level: change it there, "
                   "the import only adds."],
    }
    # matched by tax code as well as by name
    assert refused(store, COORD8, csv_text([
        row("APS Uno Nuovo Nome", "Ludoteca", tax_code="97000000001")])) == {
        "line 2": ["'APS Uno' is already in the directory with a different organization_name: "
                   "change it there, the import only adds."]}
    # a new service of an organisation already there is added to it
    result = import_file(store, COORD8, csv_text([
        row("APS Uno", "Doposcuola", tax_code="97000000001"),
        row("APS Uno", "Ludoteca", tax_code="97000000001")]))
    assert result == {"organizations_created": 0, "services_created": 1, "unchanged": 2}


@pytest.mark.parametrize("text, reason", [
    ("", "The first line names the columns"),
    ("organization_name;servizio\r\nAPS;x\r\n", "Unknown column 'servizio'."),
    ("legal_form,level\r\nAPS,1\r\n", "The column organization_name is missing."),
    ("organization_name\r\n", None),
])
def test_a_file_without_proper_columns_is_refused_on_line_1(store, text, reason):
    errors = refused(store, COORD8, text)
    if reason is None:
        assert errors == {"line 2": ["There are no rows under the header."]}
    else:
        assert any(message.startswith(reason) for message in errors["line 1"]), errors


def generated_csv(size: int, seed: int = 8) -> str:
    rng = random.Random(seed)
    rows = []
    for index in range(size):
        municipio = index % 9 + 1
        municipi = sorted({municipio, rng.randint(1, 9)}) if index % 7 == 0 else [municipio]
        organization = {
            "organization_name": f"Organizzazione {index:03d} – {rng.choice(ZONES[municipio])}",
            "legal_form": rng.choice(["Associazione", "Cooperativa sociale", "APS", "ODV"]),
            "tax_code": f"97{index:09d}" if index % 3 else "",
            "organization_email": f"info{index}@ets{index}.example",
            "organization_description": "" if index % 5 else (
                "Attività per bambini, ragazzi e famiglie, anche \"su appuntamento\";\n"
                "sede in quartiere."),
            "municipi": ";".join(map(str, municipi)), "level": str(rng.choice([1, 2])),
        }
        for number in range(1 if index % 2 else 2):
            low = rng.randint(0, 10)
            zone = rng.choice(ZONES[municipio])
            rows.append(dict(organization, **{
                "service_name": f"Servizio {number + 1}",
                "service_description": f"Servizio {number + 1} per le famiglie di {zone}.",
                "category": rng.choice(CATEGORIES), "dimension": rng.choice(DIMENSIONS),
                "min_age": str(low), "max_age": str(rng.randint(low, 17)),
                "languages": rng.choice(["it", "it;en", "it;ar;zh"]),
                "free": rng.choice(["sì", "no"]), "zone": zone, "municipio": str(municipio),
                "address": f"Via Esempio {index}", "postal_code": f"201{index % 100:02d}",
                "latitude": str(round(45.45 + rng.random() / 10, 6)),
                "longitude": str(round(9.1 + rng.random() / 10, 6)),
                "schedules": f"{rng.randint(1, 5)} 09:00-12:00; {rng.randint(1, 7)} 14:30-18:00",
                "phones": f"02 {index:04d} {number:03d}",
            }))
    rng.shuffle(rows)
    return csv_text(rows)


def test_350_organisations_import_export_and_import_again_change_nothing(store):
    started = time.monotonic()
    first = import_file(store, CITY, generated_csv(350))
    assert first == {"organizations_created": 350, "services_created": 525, "unchanged": 0}
    with store.sessions() as session:
        spread = dict(session.execute(select(Network.municipio, func.count(Membership.id))
                                      .join(Membership).group_by(Network.municipio)).all())
    assert sorted(spread) == list(range(1, 10)) and min(spread.values()) > 38, spread
    exported = export(store)
    organizations, services, events = counts(store)
    assert exported.count("\r\n") == 1 + 525 + 15  # a row per service, and the demo's 15 rows

    again = import_file(store, CITY, exported)
    assert again == {"organizations_created": 0, "services_created": 0,
                     "unchanged": organizations + services}
    assert counts(store) == (organizations, services, events)
    assert export(store) == exported
    assert time.monotonic() - started < 20


def test_an_export_imported_into_an_empty_directory_exports_the_same(store, databases):
    import_file(store, COORD8, EXAMPLE.read_text(encoding="utf-8"))
    import_file(store, CITY, generated_csv(40, seed=3))
    exported = export(store)
    empty_tables(databases)
    with store.transaction() as tx:  # just the networks
        tx.session.add_all(Network(municipio=m, name=f"QuBì Municipio {m}", zones=zones)
                           for m, zones in ZONES.items())
    assert counts(store) == (0, 0, 0)
    result = import_file(store, CITY, exported)
    assert result["unchanged"] == 0 and result["organizations_created"] == 13 + 6 + 40
    assert export(store) == exported
    # as an Italian spreadsheet would save it, with semicolons
    assert import_file(store, CITY, export(store, delimiter=";"))["unchanged"] == sum(
        counts(store)[:2])


def test_the_export_of_a_municipio_has_its_organisations_sorted(store):
    import_file(store, CITY, csv_text([
        row("zeta APS", "B servizio", municipi="4"), row("Alfa APS", "Z servizio", municipi="4;5"),
        row("Alfa APS", "a servizio", municipi="4;5"), row("Beta APS", municipi="5")]))
    lines = list(csv.reader(io.StringIO(export(store, municipio=4))))
    assert lines[0] == list(onboarding_cells.COLUMNS)
    assert [(line[0], line[9]) for line in lines[1:]] == [
        ("Alfa APS", "a servizio"), ("Alfa APS", "Z servizio"), ("zeta APS", "B servizio")]
    assert lines[1][onboarding_cells.COLUMNS.index("municipi")] == "4;5"
