"""Single sign-on's rules in the directory (services/directory/single_sign_on.py), on a real
database and without a broker: which account an identity of the provider opens, if any."""
from unittest.mock import Mock

import pytest
from cryptography.fernet import Fernet
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.common.context import Caller
from services.common.database import DatabaseAccess
from services.common.errors import NotAuthenticated
from services.common.sealing import Cipher
from services.directory import users
from services.directory.models import (AccountEvent, Invitation, RefreshToken,
                                       SingleSignOnIdentity, User)
from services.directory.passwords import token_digest
from services.directory.service import DirectoryService

POLICY = users.LoginPolicy(access_ttl_seconds=300, refresh_ttl_seconds=3600)
CIPHER = Cipher([Fernet.generate_key()])
ISSUER = "https://login.comune.example"


def directory(store, caller=Caller(), roles_claim=""):
    return worker_factory(DirectoryService, db=DatabaseAccess(store, Mock()), caller=caller,
                          login_policy=POLICY, cipher=CIPHER,
                          config={"INVITATION_TTL_DAYS": 7, "OIDC_ROLES_CLAIM": roles_claim})


def sign_in(store, subject="sub-1", email="citta@rete-qubi.example", verified=True, roles=None,
            roles_claim="", second_factor=False):
    return directory(store, roles_claim=roles_claim).single_sign_on({
        "issuer": ISSUER, "subject": subject, "email": email, "email_verified": verified,
        "roles": roles, "second_factor": second_factor})


def user(store, username) -> User:
    with store.transaction() as tx:
        found = tx.session.execute(select(User).where(User.username == username)).scalar_one()
        tx.session.expunge(found)
        return found


def change(store, username, **values):
    with store.transaction() as tx:
        found = tx.session.execute(select(User).where(User.username == username)).scalar_one()
        for name, value in values.items():
            setattr(found, name, value)


def refused(call):
    with pytest.raises(NotAuthenticated):
        call()


def test_a_verified_address_links_its_account_which_then_logs_in_as_a_password_login(store):
    grant = sign_in(store, email="Citta@Rete-QuBi.example")  # the case of an address is no matter
    password = directory(store).authenticate({"username": "citta", "password": "secret-demo"})
    assert set(grant) == set(password)  # the same answer as a password login
    assert (grant["username"], grant["roles"], grant["tier"]) == ("citta", ["city"], "city")
    assert grant["refresh_token"] and grant["session_id"] != password["session_id"]
    with store.transaction() as tx:
        link = tx.session.get(SingleSignOnIdentity, (ISSUER, "sub-1"))
        assert link.user_id == grant["user_id"]
        assert tx.session.get(RefreshToken, token_digest(grant["refresh_token"])) is not None
    assert user(store, "citta").last_login_at is not None

    change(store, "citta", email="another@rete-qubi.example")
    again = sign_in(store, email="whatever@elsewhere.example", verified=False)  # linked: enough
    assert again["user_id"] == grant["user_id"]


def test_an_unverified_or_missing_address_or_one_nobody_has_opens_nothing(store):
    refused(lambda: sign_in(store, verified=False))
    refused(lambda: sign_in(store, email=None))
    refused(lambda: sign_in(store, email="nobody@elsewhere.example"))
    with store.transaction() as tx:
        assert tx.session.execute(select(SingleSignOnIdentity)).first() is None


def test_a_deactivated_account_does_not_log_in_by_single_sign_on_linked_or_not(store):
    change(store, "coord8", active=False)
    refused(lambda: sign_in(store, subject="coord", email="coord8@rete-qubi.example"))
    sign_in(store, subject="asc", email="asc8@rete-qubi.example")
    change(store, "asc8", active=False)
    refused(lambda: sign_in(store, subject="asc", email="asc8@rete-qubi.example"))


def test_two_accounts_on_one_address_are_not_guessed_between(store):
    change(store, "coord3", email="coord8@rete-qubi.example")
    refused(lambda: sign_in(store, email="coord8@rete-qubi.example"))


def test_a_pending_invitation_to_the_address_becomes_the_account(store):
    invitation = directory(store, caller=_caller(store, "citta")).invite({
        "email": "nuova.funzionaria@comune.example", "display_name": "Nuova Funzionaria",
        "role": "city"})
    grant = sign_in(store, subject="new", email="NUOVA.funzionaria@comune.example")
    assert grant["roles"] == ["city"] and grant["username"] == "nuova.funzionaria"
    with store.transaction() as tx:
        assert tx.session.get(Invitation, invitation["id"]).status == "accepted"
        created = tx.session.get(User, grant["user_id"])
        assert created.email == "nuova.funzionaria@comune.example"
        assert not users.verify_password("", created.password_hash)  # no password to guess
    assert sign_in(store, subject="new", email=None)["user_id"] == grant["user_id"]


def test_with_a_roles_claim_its_known_roles_replace_the_accounts_at_each_login(store):
    earlier = directory(store).authenticate({"username": "coord8", "password": "secret-demo"})
    grant = sign_in(store, email="coord8@rete-qubi.example", roles_claim="groups",
                    roles=["city", "administrators", "partner_admin"])
    assert grant["roles"] == ["partner", "partner_admin", "city"]
    assert user(store, "coord8").roles == ["partner", "partner_admin", "city"]
    with store.transaction() as tx:  # the session with the former roles ended
        assert tx.session.get(RefreshToken, token_digest(earlier["refresh_token"])).revoked_at
        assert tx.session.execute(select(AccountEvent.action).where(
            AccountEvent.user_id == grant["user_id"])).scalars().all().count("access_changed") == 1
    assert sign_in(store, email=None, roles_claim="groups", roles=None)["roles"] == []
    # without a roles claim set, what the provider says of roles changes nothing
    assert sign_in(store, email=None, roles=["city"])["roles"] == []


def _caller(store, username) -> Caller:
    found = user(store, username)
    return Caller(user_id=found.id, username=found.username, roles=found.roles, mfa=True,
                  municipi=found.municipi, organization_id=found.organization_id)


def test_the_session_passes_the_second_factor_only_when_the_provider_says_so(store):
    change(store, "citta", mfa_exempt=False)
    assert sign_in(store)["mfa"] is False  # the platform asks for the code in this session
    assert sign_in(store, second_factor=True)["mfa"] is True


def test_an_organisations_people_are_not_linked_by_single_sign_on(store):
    refused(lambda: sign_in(store, subject="org", email="partner8b@rete-qubi.example"))
    directory(store, caller=_caller(store, "coord8")).invite({
        "email": "operatrice@ente.example", "display_name": "Operatrice",
        "role": "partner_admin", "organization_id": user(store, "partner8b").organization_id})
    refused(lambda: sign_in(store, subject="org-2", email="operatrice@ente.example"))
