"""The audit trail names people: the name and organisation the directory knows beside each
entry, and ids alone while the directory does not answer."""
import eventlet
import pytest
from cryptography.fernet import Fernet
from nameko.exceptions import UnknownService
from sqlalchemy import select

from services.common.context import Caller
from services.common.database import Store
from services.common.schemas import load
from services.common.sealing import Cipher
from services.directory import people
from services.directory.demo import DESK_ORGANIZATION, load_demo
from services.directory.models import Base as DirectoryBase
from services.directory.models import User
from services.referrals import audit, handovers
from services.referrals.contract import ReferralCreateSchema
from services.referrals.models import Base
from services.referrals.tests.test_handovers import request


class Directory:
    """The directory's `describe_people` on its own database, as its RPC answers."""

    def __init__(self, store):
        self.store = store

    def describe_people(self, user_ids):
        with self.store.transaction() as tx:
            return people.describe(tx.session, user_ids)


class Silent:
    def describe_people(self, user_ids):
        eventlet.sleep(30)


class Gone:
    def describe_people(self, user_ids):
        raise UnknownService("directory")


@pytest.fixture
def stores(databases):
    directory = Store(databases["directory"], DirectoryBase.metadata)
    referrals = Store(databases["referrals"], Base.metadata)
    yield directory, referrals
    directory.dispose()
    referrals.dispose()


@pytest.fixture
def demo(stores):
    """The demo people as callers (logged in with the second factor), and a referral partner8a
    sent to partner8b, who accepted it and read the family's data."""
    directory, referrals = stores
    with directory.transaction() as tx:
        load_demo(tx.session, "qubi-demo")
        callers = {user.username: Caller(user_id=user.id, username=user.username,
                                         organization_id=user.organization_id,
                                         roles=user.roles, municipi=user.municipi, mfa=True)
                   for user in tx.session.execute(select(User)).scalars()}
    sender, receiver = callers["partner8a"], callers["partner8b"]
    cipher = Cipher([Fernet.generate_key()])
    body = request(to_organization_id=receiver.organization_id)
    with referrals.transaction() as tx:
        referral = handovers.send(tx, sender, load(ReferralCreateSchema, body),
                                  {"id": receiver.organization_id, "municipi": [8]}, cipher)
    with referrals.transaction() as tx:
        handovers.move(tx, receiver, referral.id, "accepted")
    with referrals.transaction() as tx:
        handovers.read(tx, receiver, referral.id, cipher)
    return callers, referral.id


def trail(stores, demo, directory_rpc) -> dict:
    callers, referral_id = demo
    with stores[1].transaction() as tx:
        entries = handovers.audit_trail(tx.session, callers["asc8"], referral_id)
    named = audit.named(entries, audit.people(directory_rpc, [e.user_id for e in entries], 0.5))
    return {entry["action"]: entry for entry in named}


def test_the_audit_names_the_sender_and_the_reader_with_their_organisations(stores, demo):
    callers = demo[0]
    entries = trail(stores, demo, Directory(stores[0]))
    assert (entries["sent"]["user_id"], entries["sent"]["display_name"],
            entries["sent"]["organization_name"]) == (
        callers["partner8a"].user_id, "Operatrice sportelli QuBì 8", DESK_ORGANIZATION)
    read = entries["read_personal_data"]
    assert (read["user_id"], read["display_name"], read["username"], read["organization_id"],
            read["organization_name"], read["role"]) == (
        callers["partner8b"].user_id, "Operatore Spazio Famiglie Gallaratese", "partner8b",
        callers["partner8b"].organization_id, "Spazio Famiglie Gallaratese (demo)", "receiver")


@pytest.mark.parametrize("directory_rpc", [Silent(), Gone()], ids=["silent", "gone"])
def test_without_the_directory_the_audit_still_answers_with_ids(stores, demo, directory_rpc):
    started = eventlet.hubs.get_hub().clock()
    entries = trail(stores, demo, directory_rpc)
    assert eventlet.hubs.get_hub().clock() - started < 5
    assert entries["sent"]["user_id"] == demo[0]["partner8a"].user_id
    assert {entry["display_name"] for entry in entries.values()} == {None}
    assert {entry["organization_name"] for entry in entries.values()} == {None}
