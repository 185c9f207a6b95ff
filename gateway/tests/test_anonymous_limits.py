"""Anonymous writes to one event, and logins: limited per client and from everyone, across every
gateway process and replica that shares the Redis of REDIS_URL."""
import pytest
import redis
from cryptography.fernet import Fernet

from gateway.auth import issue_token
from gateway.tests.support import PARTNER, SECRET, bearer, make_app
from services.common import serialization
from services.common.errors import NotAuthenticated

TEST_REDIS = "redis://127.0.0.1:6379/13"  # a database of its own, emptied around each test
EVENT, OTHER_EVENT = "e-1", "e-2"
BODY = {"name": "Anna", "contact": "anna@example.org", "adults": 1, "children": 1}


class FakeEvents:
    """Takes every registration, as the events service would take the first ones."""

    on_call = None

    def call(self, service, method, *args, context_data=None, as_json=False, **kwargs):
        receipt = {"id": "r-1", "event_id": args[0], "status": "pending", "cancel_token": "t"}
        return serialization.dumps(receipt) if as_json else receipt


def register(client, event_id=EVENT, address="10.0.0.1"):
    return client.post(f"/api/v1/events/{event_id}/registrations", json=BODY,
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def shared_redis():
    store = redis.Redis.from_url(TEST_REDIS)
    try:
        store.flushdb()
    except redis.ConnectionError:
        pytest.fail("These tests need Redis at 127.0.0.1:6379 (apt-get install redis-server)")
    yield TEST_REDIS
    store.flushdb()


def test_one_client_past_its_registrations_to_an_event_is_429_and_others_go_on():
    client = make_app(rpc=FakeEvents(), CLIENT_TARGET_RATE_PER_MINUTE="3").test_client()
    assert [register(client).status_code for _ in range(3)] == [201, 201, 201]
    refused = register(client)
    assert refused.status_code == 429
    assert refused.content_type == "application/problem+json"
    assert refused.json["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert register(client, address="10.0.0.2").status_code == 201  # another client
    assert register(client, event_id=OTHER_EVENT).status_code == 201  # another event
    signed_in = client.post(f"/api/v1/events/{EVENT}/registrations", json=BODY,
                            headers=bearer(PARTNER), environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert signed_in.status_code == 201  # someone with an account has the writes' own limit


def test_an_events_cap_holds_across_two_gateways_sharing_redis(shared_redis):
    settings = {"REDIS_URL": shared_redis, "TARGET_RATE_PER_MINUTE": "4"}
    first = make_app(rpc=FakeEvents(), **settings).test_client()
    second = make_app(rpc=FakeEvents(), **settings).test_client()
    answers = [register(gateway, address=f"10.0.1.{n}").status_code
               for n, gateway in enumerate([first, second] * 3)]
    assert answers == [201, 201, 201, 201, 429, 429]
    assert register(second, event_id=OTHER_EVENT).status_code == 201


def test_without_a_shared_store_each_gateway_counts_alone():
    """What REDIS_URL changes: two gateways that keep their counts in memory each let the cap
    through."""
    settings = {"TARGET_RATE_PER_MINUTE": "2"}
    first = make_app(rpc=FakeEvents(), **settings).test_client()
    second = make_app(rpc=FakeEvents(), **settings).test_client()
    answers = [register(gateway, address=f"10.0.2.{n}").status_code
               for n, gateway in enumerate([first, second] * 2)]
    assert answers == [201, 201, 201, 201]


def test_a_gateway_outside_development_without_redis_says_its_limits_are_per_process(caplog):
    secrets = {"QUBI_ENV": "production", "PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
               "CONTEXT_KEYS": "a-production-context-key-long-enough-for-it"}
    make_app(**secrets, REDIS_URL=TEST_REDIS)
    assert "REDIS_URL" not in caplog.text
    make_app(**secrets)
    assert "REDIS_URL is not set" in caplog.text


def test_the_pages_limit_a_person_as_who_they_are_logged_in():
    client = make_app(rpc=FakeEvents(), CLIENT_TARGET_RATE_PER_MINUTE="1").test_client()
    https = {"base_url": "https://localhost", "environ_base": {"REMOTE_ADDR": "10.0.2.1"}}
    anonymous = [client.post(f"/events/{EVENT}/register", data={}, **https).status_code
                 for _ in range(2)]
    assert anonymous[-1] == 429
    token = issue_token(PARTNER, SECRET, 900)["access_token"]
    client.set_cookie("qubi_access", token, domain="localhost")
    signed_in = [client.post(f"/events/{OTHER_EVENT}/register", data={}, **https).status_code
                 for _ in range(3)]
    assert 429 not in signed_in  # someone with an account has the writes' own limit


class RefusingDirectory:
    """A directory that refuses every password, as it would a guesser's."""

    on_call = None

    def call(self, service, method, *args, **kwargs):
        raise NotAuthenticated("Wrong username or password.", "login_refused")


def test_a_login_limit_holds_across_two_gateways_sharing_redis(shared_redis):
    settings = {"REDIS_URL": shared_redis, "LOGIN_RATE_PER_MINUTE": "3"}
    gateways = [make_app(rpc=RefusingDirectory(), **settings).test_client() for _ in range(2)]
    tries = [gateway.post("/api/v1/auth/token", json={"username": "coord8", "password": "x" * 12},
                          environ_base={"REMOTE_ADDR": "10.0.3.1"}).status_code
             for gateway in gateways * 2]
    assert tries == [401, 401, 401, 429]
