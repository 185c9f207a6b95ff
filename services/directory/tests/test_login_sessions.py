"""The directory's login rules (services/directory/users.py), on a real database and without a
broker: lockout after wrong passwords, refresh tokens used once, sessions that end."""
from datetime import timedelta
from unittest.mock import Mock

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.common.config import load_settings
from services.common.context import Caller
from services.common.database import DatabaseAccess, utcnow
from services.common.errors import Forbidden, NotAuthenticated
from services.directory import users
from services.directory.models import RefreshToken, User
from services.directory.service import DirectoryService

POLICY = users.LoginPolicy(max_failures=3, lockout_seconds=60, access_ttl_seconds=300,
                           refresh_ttl_seconds=3600, refresh_reuse_seconds=0)


def directory(store, caller=Caller()):
    """The directory service's worker, on the test database."""
    return worker_factory(DirectoryService, db=DatabaseAccess(store, Mock()), caller=caller,
                          login_policy=POLICY)


def log_in(store, password, username="coord8"):
    return directory(store).authenticate({"username": username, "password": password})


def refusal_of(call):
    with pytest.raises(NotAuthenticated) as refused:
        call()
    return refused.value.detail


def test_wrong_passwords_in_a_row_lock_the_account_and_a_right_one_resets_the_count(store):
    for _ in range(POLICY.max_failures - 1):
        refusal_of(lambda: log_in(store, "wrong"))
    assert log_in(store, "secret-demo")["username"] == "coord8"  # resets the count
    for _ in range(POLICY.max_failures - 1):
        refusal_of(lambda: log_in(store, "wrong"))
    wrong = refusal_of(lambda: log_in(store, "wrong"))
    locked = refusal_of(lambda: log_in(store, "secret-demo"))
    unknown = refusal_of(lambda: log_in(store, "secret-demo", username="nobody"))
    assert locked == wrong == unknown  # tells nobody whether the account exists or is locked
    assert "locked for 1 minute" in locked
    assert log_in(store, "secret-demo", username="coord3")["username"] == "coord3"


def test_the_lockout_ends_after_its_period_with_a_new_series_of_attempts(store):
    start = utcnow()
    with store.sessions() as session:
        for _ in range(POLICY.max_failures):
            with pytest.raises(NotAuthenticated):
                users.authenticate(session, "asc8", "wrong", POLICY, start)
        with pytest.raises(NotAuthenticated):
            users.authenticate(session, "asc8", "secret-demo", POLICY,
                               start + timedelta(seconds=59))
        later = start + timedelta(seconds=61)
        assert users.authenticate(session, "asc8", "secret-demo", POLICY, later)[0].username == "asc8"
        for _ in range(POLICY.max_failures - 1):  # the count started again
            with pytest.raises(NotAuthenticated):
                users.authenticate(session, "asc8", "wrong", POLICY, later)
        assert session.execute(select(User.locked_until).where(User.username == "asc8")
                               ).scalar_one() is None


def test_a_login_opens_a_session_and_keeps_only_a_digest_of_its_refresh_token(store):
    grant = log_in(store, "secret-demo")
    assert (grant["access_expires_in"], grant["refresh_expires_in"]) == (300, 3600)
    assert grant["session_id"] and len(grant["refresh_token"]) >= 40
    with store.sessions() as session:
        stored = session.execute(select(RefreshToken)).scalars().all()
    assert [row.session_id for row in stored] == [grant["session_id"]]
    assert grant["refresh_token"] not in stored[0].token_hash


def test_a_refresh_token_works_once_and_gives_the_next_of_the_same_session(store):
    first = log_in(store, "secret-demo")
    second = directory(store).refresh_session(first["refresh_token"])
    assert second["session_id"] == first["session_id"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["roles"] == ["coordinator"] and second["municipi"] == [8]
    third = directory(store).refresh_session(second["refresh_token"])
    assert third["session_id"] == first["session_id"]


def test_a_used_refresh_token_presented_again_ends_its_session(store):
    first = log_in(store, "secret-demo")
    second = directory(store).refresh_session(first["refresh_token"])
    assert "already used" in refusal_of(
        lambda: directory(store).refresh_session(first["refresh_token"]))
    refusal_of(lambda: directory(store).refresh_session(second["refresh_token"]))
    ended = directory(store).ended_sessions()
    assert [item["session_id"] for item in ended["items"]] == [first["session_id"]]


def test_a_refresh_token_back_within_seconds_of_its_use_gets_a_successor_too(store):
    """Two requests of one browser cross after its access token expired: neither logs it out;
    the same token much later still ends the session."""
    policy = users.LoginPolicy(refresh_reuse_seconds=10)
    used_at = utcnow()
    with store.transaction() as tx:
        user = tx.session.execute(select(User).where(User.username == "coord8")).scalar_one()
        token = users.open_session(tx.session, user, policy, used_at)["refresh_token"]
        first = users.refresh_session(tx.session, token, policy, used_at)
    with store.transaction() as tx:
        again = users.refresh_session(tx.session, token, policy, used_at + timedelta(seconds=9))
    assert again["session_id"] == first["session_id"]
    assert again["refresh_token"] != first["refresh_token"]
    with store.transaction() as tx:
        with pytest.raises(NotAuthenticated):
            users.refresh_session(tx.session, token, policy, used_at + timedelta(seconds=11))
    with store.transaction() as tx:
        with pytest.raises(NotAuthenticated):  # the session is over for every successor
            users.refresh_session(tx.session, again["refresh_token"], policy,
                                  used_at + timedelta(seconds=12))


def test_an_unknown_or_expired_refresh_token_is_refused(store):
    refusal_of(lambda: directory(store).refresh_session("made-up"))
    refusal_of(lambda: directory(store).refresh_session(None))
    with store.transaction() as tx:
        user = tx.session.execute(select(User).where(User.username == "coord8")).scalar_one()
        grant = users.open_session(tx.session, user, POLICY, utcnow() - timedelta(hours=2))
    refusal_of(lambda: directory(store).refresh_session(grant["refresh_token"]))


def test_logout_ends_the_callers_own_session_only(store):
    grant = log_in(store, "secret-demo")
    other = log_in(store, "secret-demo", username="coord3")
    coord3 = Caller(user_id=other["user_id"], roles=["coordinator"], municipi=[3])
    directory(store, coord3).end_session(grant["session_id"])  # not coord3's: nothing ends
    assert directory(store).ended_sessions()["items"] == []
    coord8 = Caller(user_id=grant["user_id"], roles=["coordinator"], municipi=[8])
    ended = directory(store, coord8).end_session(grant["session_id"])
    assert ended["until"] == pytest.approx(utcnow().timestamp() + 300, abs=5)
    refusal_of(lambda: directory(store).refresh_session(grant["refresh_token"]))
    with pytest.raises(NotAuthenticated):
        directory(store).end_session(grant["session_id"])  # anonymous


def test_ended_sessions_are_listed_since_a_moment_while_their_access_tokens_may_live(store):
    grant = log_in(store, "secret-demo")
    start = utcnow()
    with store.transaction() as tx:
        users.end_session(tx.session, grant["session_id"], grant["user_id"], POLICY, start)
    with store.sessions() as session:
        listed = users.ended_sessions(session, None, POLICY, start + timedelta(seconds=1))
        assert listed["items"] == [{"session_id": grant["session_id"],
                                    "until": (start + timedelta(seconds=300)).timestamp()}]
        assert users.ended_sessions(session, listed["as_of"], POLICY,
                                    start + timedelta(seconds=2))["items"] == []
        assert users.ended_sessions(session, None, POLICY,
                                    start + timedelta(seconds=301))["items"] == []


def test_only_the_platform_asks_for_the_ended_sessions(store):
    with pytest.raises(Forbidden):
        directory(store, Caller(origin="gateway")).ended_sessions()


def test_the_login_policy_comes_from_the_settings_with_the_same_defaults():
    assert users.LoginPolicy.from_config(
        load_settings({"QUBI_ENV": "test"}).nameko_config()) == users.LoginPolicy()
    policy = users.LoginPolicy.from_config(load_settings({
        "QUBI_ENV": "test", "LOGIN_MAX_FAILURES": "5", "LOGIN_LOCKOUT_SECONDS": "60",
        "LOGIN_MAX_CODE_FAILURES": "3", "TOKEN_TTL_SECONDS": "300",
        "REFRESH_TOKEN_TTL_SECONDS": "3600", "REFRESH_REUSE_SECONDS": "0",
        "MFA_REQUIRED_ROLES": "city"}).nameko_config())
    assert policy == users.LoginPolicy(max_failures=5, lockout_seconds=60, max_code_failures=3,
                                       access_ttl_seconds=300, refresh_ttl_seconds=3600,
                                       refresh_reuse_seconds=0, mfa_required_roles=("city",))
