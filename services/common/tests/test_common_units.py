"""The common mechanisms, without a broker."""
from datetime import timedelta
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from marshmallow import Schema, fields
from sqlalchemy.exc import OperationalError
from nameko.exceptions import deserialize, serialize

from services.common.config import (DEVELOPMENT_CONTEXT_KEY, DEVELOPMENT_DATA_KEY,
                                    DEVELOPMENT_SECRET, SERVICE_NAMES, ConfigurationError,
                                    load_settings)
from services.common.context import Caller, tier_for
from services.common.database import Store
from services.common.errors import (Forbidden, Invalid, NotAuthenticated, Unavailable,
                                    flatten_messages)
from services.common.schemas import Moment, PartialSchema, load
from services.common.serialization import Encoded, dumps, loads, loads_keeping_result
from services.common.signing import ContextSigner
from services.directory.models import Base as DirectoryBase


OWN_SECRETS = {"QUBI_SECRET_KEY": "s" * 40, "CONTEXT_KEYS": "c" * 40,
               "PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}


@pytest.mark.parametrize("environment", ["production", "prod", "staging", "developement", None])
def test_only_development_and_test_take_the_development_secrets(environment):
    environ = {} if environment is None else {"QUBI_ENV": environment}
    with pytest.raises(ConfigurationError) as refused:
        load_settings(environ)
    message = str(refused.value)
    assert "\n" not in message
    for name in ("QUBI_SECRET_KEY", "PERSONAL_DATA_KEYS", "CONTEXT_KEYS", "QUBI_ENV=development"):
        assert name in message
    for development_value in ({"QUBI_SECRET_KEY": DEVELOPMENT_SECRET},
                              {"PERSONAL_DATA_KEYS": DEVELOPMENT_DATA_KEY},
                              {"CONTEXT_KEYS": f"{'n' * 40},{DEVELOPMENT_CONTEXT_KEY}"}):
        with pytest.raises(ConfigurationError, match=next(iter(development_value))):
            load_settings({**environ, **OWN_SECRETS, **development_value})
    settings = load_settings({**environ, **OWN_SECRETS})
    assert not settings.development
    assert settings.context_keys == ("c" * 40,)


@pytest.mark.parametrize("missing", ["QUBI_SECRET_KEY", "PERSONAL_DATA_KEYS", "CONTEXT_KEYS"])
def test_production_refuses_to_start_without_each_secret(missing):
    environ = {"QUBI_ENV": "production", **OWN_SECRETS}
    for absent in ({}, {missing: ""}):
        environ = {**{k: v for k, v in environ.items() if k != missing}, **absent}
        with pytest.raises(ConfigurationError, match=f"{missing} is not set"):
            load_settings(environ)
    with pytest.raises(ConfigurationError, match="shorter than 32"):
        load_settings({"QUBI_ENV": "production", **OWN_SECRETS, "QUBI_SECRET_KEY": "short"})


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_runs_on_the_development_secrets_unless_given_others(environment):
    settings = load_settings({"QUBI_ENV": environment})
    assert settings.development
    assert settings.secret_key == DEVELOPMENT_SECRET
    assert settings.personal_data_keys == (DEVELOPMENT_DATA_KEY,)
    assert settings.context_keys == (DEVELOPMENT_CONTEXT_KEY,)
    assert settings.nameko_config()["CONTEXT_KEYS"] == [DEVELOPMENT_CONTEXT_KEY]
    given = load_settings({"QUBI_ENV": environment, "CONTEXT_KEYS": " new , old "})
    assert given.context_keys == ("new", "old")


def test_each_service_defaults_to_its_own_sqlite_file(tmp_path):
    settings = load_settings({"QUBI_ENV": "test", "QUBI_VAR_DIR": str(tmp_path)})
    assert settings.databases["referrals"] == f"sqlite:///{tmp_path}/referrals.sqlite3"
    assert len(set(settings.databases.values())) == len(SERVICE_NAMES)
    assert settings.amqp_uri == "amqp://guest:guest@localhost:5672/"


def test_the_governance_documents_are_kept_under_the_var_dir_unless_named(tmp_path):
    kept = load_settings({"QUBI_ENV": "test", "QUBI_VAR_DIR": str(tmp_path)})
    assert kept.nameko_config()["GOVERNANCE_DOCUMENTS"] == str(tmp_path / "governance-documents")
    named = load_settings({"QUBI_ENV": "test", "GOVERNANCE_DOCUMENTS": "/srv/qubi/documents"})
    assert named.nameko_config()["GOVERNANCE_DOCUMENTS"] == "/srv/qubi/documents"


def test_a_database_url_from_the_environment_wins():
    url = "postgresql://qubi@db/directory"
    assert load_settings({"QUBI_ENV": "test",
                          "DIRECTORY_DATABASE_URL": url}).databases["directory"] == url


def test_caller_travels_in_context_data_and_back():
    caller = Caller(user_id="u1", username="coord8", roles=["coordinator"], municipi=[8],
                    request_id="r1", origin="gateway", mfa=True)
    again = Caller.from_context_data(ContextSigner([DEVELOPMENT_CONTEXT_KEY]).sign(caller))
    assert again == caller
    assert again.tier == "municipal"


def test_tiers_follow_the_widest_role():
    assert tier_for(["partner"]) == "organization"
    assert tier_for(["partner", "city"]) == "city"
    assert tier_for([]) == "public"


def test_scope_helpers():
    coordinator = Caller(user_id="u", roles=["coordinator"], municipi=[8])
    coordinator.require_municipi([8])
    with pytest.raises(Forbidden):
        coordinator.require_municipi([3, 8])
    with pytest.raises(Forbidden):
        coordinator.require_role("city")
    with pytest.raises(NotAuthenticated):
        Caller().require_role("partner")
    Caller(user_id="c", roles=["city"]).require_municipi([1, 9])


def test_domain_errors_cross_rpc_as_themselves():
    error = deserialize(serialize(Invalid({"name": ["Missing data for required field."]})))
    assert isinstance(error, Invalid)
    assert error.errors == {"name": ["Missing data for required field."]}
    assert isinstance(deserialize(serialize(Forbidden("no"))), Forbidden)


def test_nested_field_errors_are_flattened_to_dotted_paths():
    assert flatten_messages({"municipi": {0: ["too big"]}, "name": ["missing"]}) == {
        "municipi.0": ["too big"], "name": ["missing"]}


@pytest.fixture
def store(databases):
    store = Store(databases["directory"], DirectoryBase.metadata)
    yield store
    store.dispose()


def test_an_update_may_leave_out_any_field_but_checks_what_it_gives_whole():
    class Phone(Schema):
        number = fields.String(required=True)
        description = fields.String()

    class Card(Schema):
        name = fields.String(required=True)
        phones = fields.List(fields.Nested(Phone))

    class CardUpdate(PartialSchema, Card):
        pass

    assert load(CardUpdate, {"phones": [{"number": "02 1234"}]}) == {
        "phones": [{"number": "02 1234"}]}
    with pytest.raises(Invalid) as refused:
        load(CardUpdate, {"phones": [{"number": "02 1234"}, {"description": "segreteria"}]})
    assert refused.value.errors == {"phones.1.number": ["Missing data for required field."]}


def test_outbox_rows_commit_with_the_work_and_wait_to_be_published(store):
    published = []
    with store.transaction(on_commit=published.extend) as tx:
        event = tx.emit("organization_registered", {"organization_id": "o1", "municipi": [8]})
    assert published == [event]
    assert set(event) == {"event_id", "event_type", "occurred_at", "version", "payload"}
    assert [e["event_id"] for e in store.pending_events()] == [event["event_id"]]
    store.mark_published([event["event_id"]])
    assert store.pending_events() == []


def test_a_failed_transaction_leaves_no_event(store):
    with pytest.raises(RuntimeError):
        with store.transaction(on_commit=pytest.fail) as tx:
            tx.emit("organization_registered", {"organization_id": "o1"})
            raise RuntimeError("boom")
    assert store.pending_events() == []


def test_a_database_lost_mid_transaction_is_a_503_and_writes_nothing(store):
    with pytest.raises(Unavailable):
        with store.transaction() as tx:
            tx.emit("organization_registered", {"organization_id": "o1", "municipi": [8]})
            raise OperationalError("SELECT 1", {}, ConnectionResetError("server closed"),
                                   connection_invalidated=True)
    assert store.pending_events() == []
    with pytest.raises(OperationalError):  # any other database error stays what it is
        with store.transaction():
            raise OperationalError("SELECT 1", {}, ValueError("syntax"))


def test_the_backlog_counts_every_unpublished_event_not_a_batch(store):
    with store.transaction() as tx:
        for number in range(600):
            tx.emit("organization_updated", {"organization_id": f"o{number}"})
    assert store.backlog() == 600 and len(store.pending_events()) == 500
    store.mark_published([event["event_id"] for event in store.pending_events()])
    assert store.backlog() == 100


def test_the_sweeper_only_takes_rows_old_enough(store):
    with store.transaction() as tx:
        tx.emit("organization_updated", {"organization_id": "o1"})
    assert store.pending_events(older_than=timedelta(minutes=5)) == []
    assert len(store.pending_events()) == 1


def test_an_event_is_processed_once_per_handler(store):
    with store.transaction() as tx:
        assert tx.first_time("e1", "on_x")
        assert tx.first_time("e1", "on_y")
    with store.transaction() as tx:
        assert not tx.first_time("e1", "on_x")


@pytest.mark.parametrize("given, expected", [
    ("2026-11-25T10:00", "2026-11-25T10:00:00+01:00"),        # Milan time when no offset
    ("2026-07-01", "2026-07-01T00:00:00+02:00"),              # a bare date: its midnight
    ("2026-11-25T09:00:00Z", "2026-11-25T09:00:00+00:00"),
])
def test_a_moment_without_offset_is_milan_time(given, expected):
    loaded = load(Schema.from_dict({"at": Moment()})(), {"at": given})["at"]
    assert loaded.isoformat() == expected


@pytest.mark.parametrize("given", ["0805-05-14T04:09:15", "1999-12-31T23:59", "2100-01-01T00:00Z"])
def test_a_moment_outside_this_century_is_refused_with_its_field(given):
    with pytest.raises(Invalid) as refused:
        load(Schema.from_dict({"at": Moment()})(), {"at": given})
    assert refused.value.errors == {"at": ["A moment between 2000 and 2099."]}


def test_the_gateway_keeps_a_result_as_the_json_it_came_in_and_decodes_the_rest():
    page = {"items": [{"name": "Sportello \"QuBì\"", "error": None}], "total": 1}
    kept = loads_keeping_result(dumps({"result": page, "error": None}))
    assert isinstance(kept["result"], Encoded) and kept["error"] is None
    assert loads(kept["result"].json) == page
    failed = {"result": None, "error": {"exc_type": "NotFound", "value": "No such service."}}
    assert loads_keeping_result(dumps(failed)) == failed
    request = {"args": [{"q": "sport"}], "kwargs": {}}
    assert loads_keeping_result(dumps(request)) == request
    # what another encoder wrote (spaces) is decoded whole
    assert loads_keeping_result(b'{"result": [1], "error": null}') == {"result": [1], "error": None}


def test_messages_carry_what_json_can_say_even_past_64_bit_integers():
    assert loads(dumps({8: "Municipio 8", "amount": Decimal("120.50")})) == {
        "8": "Municipio 8", "amount": "120.50"}
    huge = 148127040673763762219499126784  # a path parameter the fuzzer sent
    assert loads(dumps({"municipio": huge}))["municipio"] == pytest.approx(huge)
