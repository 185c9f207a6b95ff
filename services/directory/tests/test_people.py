"""People and access (services/directory: invitations, accounts, reach, credentials, two-factor)
on a real database, without a broker."""
from datetime import timedelta
from unittest.mock import Mock

import pyotp
import pytest
from cryptography.fernet import Fernet
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.common.context import Caller
from services.common.database import DatabaseAccess, utcnow
from services.common.errors import (Conflict, Forbidden, Gone, Invalid, MfaRequired,
                                    NotAuthenticated, NotFound)
from services.common.sealing import Cipher
from services.directory import users
from services.directory.models import Invitation, Organization, User
from services.directory.service import DirectoryService

POLICY = users.LoginPolicy(max_failures=5, max_code_failures=3, lockout_seconds=60,
                           access_ttl_seconds=300, refresh_ttl_seconds=3600,
                           refresh_reuse_seconds=0)
CIPHER = Cipher([Fernet.generate_key()])
CONFIG = {"INVITATION_TTL_DAYS": 7, "PASSWORD_RESET_TTL_MINUTES": 60}
PASSWORD = "una frase lunga da ricordare"


def as_user(store, username=None, mfa=True):
    """The directory's worker for `username` as the gateway would name them (None: anonymous),
    logged in with the second factor unless `mfa` is false."""
    caller = Caller()
    if username:
        with store.transaction() as tx:
            user = tx.session.execute(select(User).where(User.username == username)).scalar_one()
            caller = Caller(user_id=user.id, username=user.username,
                            organization_id=user.organization_id, roles=user.roles,
                            municipi=user.municipi, mfa=mfa)
    return worker_factory(DirectoryService, db=DatabaseAccess(store, Mock()), caller=caller,
                          login_policy=POLICY, cipher=CIPHER, config=CONFIG)


def organisation(store, name_part):
    with store.transaction() as tx:
        return tx.session.execute(select(Organization.id).where(
            Organization.name.like(f"%{name_part}%"))).scalars().first()


def link_of(store, invitation_id=None, event_type="invitation_sent"):
    """The token the email carries, as the notifications service opens it."""
    with store.transaction() as tx:
        outbox = store.outbox
        rows = tx.session.execute(select(outbox.c.payload).where(
            outbox.c.event_type == event_type)).scalars().all()
    payloads = [p for p in rows if invitation_id is None or p.get("invitation_id") == invitation_id]
    return CIPHER.open_text(payloads[-1]["sealed"])["token"]


def invite(store, inviter, **body):
    invitation = as_user(store, inviter).invite({"display_name": "Persona Nuova", **body})
    return invitation, link_of(store, invitation["id"])


def join(store, inviter, username, **body):
    _, token = invite(store, inviter, **body)
    return as_user(store).accept_invitation({"token": token, "username": username,
                                             "password": PASSWORD})


def test_each_tier_invites_only_what_it_holds_within_its_reach(store):
    desks, casa = organisation(store, "QuBì 8"), organisation(store, "Casa dei Giochi")
    coordinator = join(store, "citta", "nuovo.coord", email="c@x.it", role="coordinator",
                       municipi=[8])
    assert coordinator["roles"] == ["coordinator"] and coordinator["municipi"] == [8]
    admin = join(store, "coord8", "admin.qt8", email="a@x.it", role="partner_admin",
                 organization_id=desks)
    assert admin["roles"] == ["partner", "partner_admin"] and admin["organization_id"] == desks
    colleague = join(store, "admin.qt8", "collega.qt8", email="b@x.it", role="partner",
                     organization_id=desks)
    assert colleague["organization_id"] == desks and colleague["roles"] == ["partner"]
    refused = [
        ("coord8", dict(role="partner_admin", organization_id=casa), Forbidden),  # Municipio 2
        ("coord8", dict(role="social_worker", municipi=[8]), Forbidden),
        ("coord8", dict(role="city"), Forbidden),
        ("admin.qt8", dict(role="partner", organization_id=casa), Forbidden),
        ("admin.qt8", dict(role="coordinator", municipi=[8]), Forbidden),
        ("collega.qt8", dict(role="partner", organization_id=desks), Forbidden),
        ("asc8", dict(role="partner", organization_id=desks), Forbidden),
        ("citta", dict(role="partner"), Invalid),  # a partner needs its organisation
        ("citta", dict(role="coordinator"), Invalid),  # and a coordinator its municipi
    ]
    for inviter, body, error in refused:
        with pytest.raises(error):
            as_user(store, inviter).invite({"display_name": "X", "email": "z@x.it", **body})


def test_managing_people_needs_a_login_with_the_second_factor(store):
    coordinator = join(store, "citta", "coord.nuovo", email="cn@x.it", role="coordinator",
                       municipi=[8])
    without = as_user(store, "coord.nuovo", mfa=False)
    with pytest.raises(Forbidden) as refused:
        without.invite({"display_name": "X", "email": "z@x.it", "role": "partner_admin",
                        "organization_id": organisation(store, "QuBì 8")})
    assert "second factor" in refused.value.detail
    partner8b = next(u for u in without.list_users({})["items"] if u["username"] == "partner8b")
    assert partner8b["actions"] == ["change_access", "deactivate"]  # what it may do, once in
    with pytest.raises(Forbidden):
        without.update_user(partner8b["id"], {"active": False})
    assert coordinator["roles"] == ["coordinator"]


def test_a_second_invitation_replaces_the_first_and_one_address_has_one_account(store):
    desks = organisation(store, "QuBì 8")
    body = dict(email="due@x.it", role="partner_admin", organization_id=desks)
    _, first = invite(store, "coord8", **body)
    _, second = invite(store, "coord8", **body)
    with pytest.raises(Gone):  # replaced by the second
        as_user(store).accept_invitation({"token": first, "username": "primo",
                                          "password": PASSWORD})
    account = as_user(store).accept_invitation({"token": second, "username": "secondo",
                                                "password": PASSWORD})
    as_user(store, "coord8").update_user(account["id"], {"active": False})
    with pytest.raises(Conflict):  # a deactivated person is not invited back in
        invite(store, "coord8", **body)


def test_a_used_revoked_or_expired_link_is_gone_and_creates_nothing(store):
    desks = organisation(store, "QuBì 8")
    body = dict(role="partner_admin", organization_id=desks)
    _, used = invite(store, "coord8", email="used@x.it", **body)
    as_user(store).accept_invitation({"token": used, "username": "primo", "password": PASSWORD})
    revoked_invitation, revoked = invite(store, "coord8", email="revoked@x.it", **body)
    as_user(store, "coord8").revoke_invitation(revoked_invitation["id"])
    expired_invitation, expired = invite(store, "coord8", email="expired@x.it", **body)
    with store.transaction() as tx:
        tx.session.get(Invitation, expired_invitation["id"]).expires_at = utcnow() - timedelta(1)
    for token in (used, revoked, expired, "not-a-token-at-all"):
        with pytest.raises(Gone):
            as_user(store).accept_invitation({"token": token, "username": "secondo",
                                              "password": PASSWORD})
    with store.transaction() as tx:
        assert tx.session.execute(select(User).where(User.username == "secondo")).first() is None


def test_passwords_follow_nist_rules_and_a_refused_one_creates_nothing(store):
    _, token = invite(store, "citta", email="p@x.it", role="city")
    for password, reason in (("corta", "12 characters"),
                             ("password1234", "data breaches"),
                             ("aaaaaaaaaaaaaa", "repeated or sequential"),
                             ("persona.nuova-2026", "username")):
        with pytest.raises(Invalid) as refused:
            as_user(store).accept_invitation({"token": token, "username": "persona.nuova",
                                              "password": password})
        assert reason in " ".join(refused.value.errors["password"])
    account = as_user(store).accept_invitation({"token": token, "username": "persona.nuova",
                                                "password": "cavallo batteria graffetta"})
    assert account["username"] == "persona.nuova"  # no rules of composition


def test_people_are_listed_within_reach_and_others_are_not_found(store):
    def usernames(who, **query):
        return {u["username"] for u in as_user(store, who).list_users(query)["items"]}

    assert {"partner8a", "partner8b", "partner2", "asc4", "citta"} <= usernames("citta")
    assert usernames("coord8") == {"partner8a", "partner8b"}
    assert usernames("coord3") == set()
    assert usernames("partner8a") == {"partner8a"}
    assert usernames("citta", municipio=4) == {"asc4"}
    assert usernames("citta", role="coordinator") == {"coord8", "coord3"}
    partner2 = as_user(store, "citta").list_users({"role": "partner"})["items"]
    partner2 = next(u["id"] for u in partner2 if u["username"] == "partner2")
    for who in ("coord8", "partner8a"):
        with pytest.raises(NotFound):
            as_user(store, who).get_user(partner2)
    with pytest.raises(Forbidden):
        as_user(store, "partner8b").list_users({})


def test_deactivation_ends_every_session_and_is_in_the_history(store):
    session = as_user(store).authenticate({"username": "partner8b", "password": "secret-demo"})
    target = session["user_id"]
    as_user(store, "coord8").update_user(target, {"active": False})
    with store.transaction() as tx:
        listed = users.ended_sessions(tx.session, None, POLICY)["items"]
    assert session["session_id"] in {item["session_id"] for item in listed}
    with pytest.raises(NotAuthenticated):
        as_user(store).refresh_session(session["refresh_token"])
    with pytest.raises(NotAuthenticated):
        as_user(store).authenticate({"username": "partner8b", "password": "secret-demo"})
    as_user(store, "citta").update_user(target, {"active": True})
    assert as_user(store).authenticate({"username": "partner8b", "password": "secret-demo"})
    history = as_user(store, "coord8").user_history(target)["items"]
    assert [(h["action"], h["actor_name"]) for h in history] == [
        ("reactivated", "Cabina di regia cittadina"),
        ("deactivated", "Coordinamento Municipio 8")]


def test_roles_change_within_reach_and_end_the_sessions(store):
    join(store, "partner8a", "collega", email="collega@x.it", role="partner",
         organization_id=organisation(store, "QuBì 8"))
    target = as_user(store).authenticate({"username": "collega", "password": PASSWORD})
    partner_admin = as_user(store, "partner8a")
    changed = partner_admin.update_user(target["user_id"], {"role": "partner_admin"})
    assert changed["roles"] == ["partner", "partner_admin"]
    with pytest.raises(NotAuthenticated):
        as_user(store).refresh_session(target["refresh_token"])
    with pytest.raises(Forbidden):
        partner_admin.update_user(target["user_id"], {"role": "coordinator", "municipi": [8]})
    with pytest.raises(Forbidden):
        partner_admin.update_user(partner_admin.caller.user_id, {"active": False})
    casa = organisation(store, "Casa dei Giochi")
    with pytest.raises(Forbidden):
        as_user(store, "coord8").update_user(target["user_id"], {"organization_id": casa})
    entry = as_user(store, "coord8").user_history(target["user_id"])["items"][0]
    assert entry["action"] == "access_changed"
    assert entry["details"]["after"]["roles"] == ["partner", "partner_admin"]


def enrolled(store, username="nuova.asc"):
    account = join(store, "citta", username, email=f"{username}@x.it", role="social_worker",
                   municipi=[8])
    login = as_user(store).authenticate({"username": username, "password": PASSWORD})
    assert login["mfa"] is False and login["mfa_enrolment_required"] is True
    me = as_user(store, username, mfa=False)
    secret = me.start_two_factor()["secret"]
    with pytest.raises(Invalid) as no_password:  # a stolen session alone binds no device
        me.confirm_two_factor(login["session_id"], {"code": pyotp.TOTP(secret).now()})
    assert "password" in no_password.value.errors
    upgraded = me.confirm_two_factor(login["session_id"], {"code": pyotp.TOTP(secret).now(),
                                                           "password": PASSWORD})
    assert upgraded["mfa"] is True and len(upgraded["recovery_codes"]) == 10
    return account, secret, upgraded["recovery_codes"]


def test_two_factor_is_asked_at_login_once_enrolled_and_a_code_is_good_once(store):
    _, secret, recovery = enrolled(store)
    log_in = as_user(store).authenticate
    with pytest.raises(MfaRequired):
        log_in({"username": "nuova.asc", "password": PASSWORD})
    code = pyotp.TOTP(secret).at(utcnow().timestamp() + 30)  # the next step: not used yet
    assert log_in({"username": "nuova.asc", "password": PASSWORD, "otp": code})["mfa"] is True
    with pytest.raises(NotAuthenticated):
        log_in({"username": "nuova.asc", "password": PASSWORD, "otp": code})  # replayed
    assert log_in({"username": "nuova.asc", "password": PASSWORD, "otp": recovery[0]})["mfa"]
    with pytest.raises(NotAuthenticated):
        log_in({"username": "nuova.asc", "password": PASSWORD, "otp": recovery[0]})


def test_a_session_opened_without_the_code_passes_it_later(store):
    _, secret, _ = enrolled(store)
    me = as_user(store, "nuova.asc", mfa=False)
    with store.transaction() as tx:  # as single sign-on opens it: no second factor yet
        user = tx.session.execute(select(User).where(User.username == "nuova.asc")).scalar_one()
        opened = users.open_session(tx.session, user, POLICY)
    assert opened["mfa"] is False
    with pytest.raises(Invalid):
        me.pass_second_factor(opened["session_id"], {"code": "000000"})
    later = pyotp.TOTP(secret).at(utcnow().timestamp() + 30)
    passed = me.pass_second_factor(opened["session_id"], {"code": later})
    assert passed["mfa"] is True and passed["session_id"] == opened["session_id"]
    with pytest.raises(NotAuthenticated):  # the refresh token of before is used up
        as_user(store).refresh_session(opened["refresh_token"])


def test_wrong_codes_lock_the_account_and_the_tier_above_resets_a_lost_device(store):
    account, secret, _ = enrolled(store)
    log_in = as_user(store).authenticate
    for _ in range(POLICY.max_code_failures):
        with pytest.raises(NotAuthenticated):
            log_in({"username": "nuova.asc", "password": PASSWORD, "otp": "000000"})
    with pytest.raises(NotAuthenticated) as locked:
        log_in({"username": "nuova.asc", "password": PASSWORD,
                "otp": pyotp.TOTP(secret).at(utcnow().timestamp() + 30)})
    assert "locked" in locked.value.detail
    with pytest.raises(NotFound):
        as_user(store, "coord8").reset_user_two_factor(account["id"])  # not in its reach
    as_user(store, "citta").reset_user_two_factor(account["id"])
    with store.transaction() as tx:
        user = tx.session.get(User, account["id"])
        assert not user.mfa_enabled and user.mfa_secret is None


def test_accounts_say_what_the_caller_may_do_to_them(store):
    partner8b = next(u for u in as_user(store, "coord8").list_users({})["items"]
                     if u["username"] == "partner8b")
    assert partner8b["actions"] == ["change_access", "deactivate"]
    promoted = as_user(store, "coord8").update_user(partner8b["id"], {"role": "partner_admin"})
    assert promoted["roles"] == ["partner", "partner_admin"]
    me = as_user(store, "partner8a").get_user(as_user(store, "partner8a").caller.user_id)
    assert me["actions"] == []
    options = as_user(store, "coord8").grant_options()
    assert options["roles"] == [{"role": "partner_admin", "scope": "organization"}]
    assert {o["name"] for o in options["organizations"]} >= {"Spazio Famiglie Gallaratese (demo)"}
    assert "La Casa dei Giochi" not in {o["name"] for o in options["organizations"]}
    assert [r["role"] for r in as_user(store, "partner8a").grant_options()["roles"]] == [
        "partner_admin", "partner"]
    with pytest.raises(Invalid):  # one role an account: several that do not make one, refused
        as_user(store, "citta").update_user(partner8b["id"], {"roles": ["partner", "city"]})


def test_a_reset_link_works_once_and_says_nothing_about_unknown_addresses(store):
    anonymous = as_user(store)
    assert anonymous.request_password_reset({"email": "nessuno@x.it"}) is None
    with pytest.raises(Exception):
        link_of(store, event_type="password_reset_requested")  # nothing was sent
    assert anonymous.request_password_reset({"email": "ASC8@rete-qubi.example"}) is None
    token = link_of(store, event_type="password_reset_requested")
    session = anonymous.authenticate({"username": "asc8", "password": "secret-demo"})
    anonymous.confirm_password_reset({"token": token, "password": PASSWORD})
    with pytest.raises(Gone):
        anonymous.confirm_password_reset({"token": token, "password": PASSWORD + "!"})
    with pytest.raises(NotAuthenticated):
        anonymous.refresh_session(session["refresh_token"])
    assert anonymous.authenticate({"username": "asc8", "password": PASSWORD})


def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(store):
    here = as_user(store).authenticate({"username": "coord3", "password": "secret-demo"})
    there = as_user(store).authenticate({"username": "coord3", "password": "secret-demo"})
    me = as_user(store, "coord3")
    with pytest.raises(Invalid) as wrong:
        me.change_password(here["session_id"], {"current_password": "x" * 12,
                                                "new_password": PASSWORD})
    assert "current_password" in wrong.value.errors
    me.change_password(here["session_id"], {"current_password": "secret-demo",
                                            "new_password": PASSWORD})
    assert as_user(store).refresh_session(here["refresh_token"])
    with pytest.raises(NotAuthenticated):
        as_user(store).refresh_session(there["refresh_token"])


def test_an_address_with_an_account_is_not_invited_again(store):
    with pytest.raises(Conflict):
        as_user(store, "citta").invite({"display_name": "X", "email": "coord8@rete-qubi.example",
                                        "role": "city"})
