"""The referrals service on the real RabbitMQ, beside the directory it asks."""
from dataclasses import replace

import pytest

from services.common.context import GATEWAY
from services.directory.demo import DESK_ORGANIZATION
from services.directory.service import DirectoryService
from services.referrals.service import ReferralsService
from tests.helpers import call, seed_directory
from tests.platform import referral_body

pytestmark = pytest.mark.broker


def test_the_audit_names_who_sent_and_who_read_and_answers_without_the_directory(
        container_factory, service_config):
    # as the gateway calls, after a login with the second factor: the directory is asked by
    # the referrals service itself
    users = {name: replace(caller, origin=GATEWAY, mfa=True)
             for name, caller in seed_directory(service_config).items()}
    directory = container_factory(DirectoryService, service_config)
    directory.start()
    container_factory(ReferralsService, service_config).start()
    sender, receiver = users["partner8a"], users["partner8b"]
    referral = call(service_config, sender, "referrals", "send_referral",
                    referral_body(receiver.organization_id))
    call(service_config, receiver, "referrals", "accept_referral", referral["id"])
    call(service_config, receiver, "referrals", "get_referral", referral["id"])

    def trail():
        items = call(service_config, users["asc8"], "referrals", "audit_trail",
                     referral["id"])["items"]
        return [(e["action"], e["user_id"], e["display_name"], e["organization_name"])
                for e in items]

    named = trail()
    assert ("sent", sender.user_id, "Operatrice sportelli QuBì 8", DESK_ORGANIZATION) in named
    assert ("read_personal_data", receiver.user_id, "Operatore Spazio Famiglie Gallaratese",
            "Spazio Famiglie Gallaratese (demo)") in named

    directory.stop()
    assert [entry[:2] for entry in trail()] == [entry[:2] for entry in named]
    assert {entry[2:] for entry in trail()} == {(None, None)}


def test_a_list_answers_one_page_and_how_many_there_are(container_factory, service_config):
    users = {name: replace(caller, origin=GATEWAY, mfa=True)
             for name, caller in seed_directory(service_config).items()}
    container_factory(DirectoryService, service_config).start()
    container_factory(ReferralsService, service_config).start()
    sender, receiver = users["partner8a"], users["partner8b"]
    sent = [call(service_config, sender, "referrals", "send_referral",
                 referral_body(receiver.organization_id))["id"] for _ in range(3)]
    pages = [call(service_config, receiver, "referrals", "list_referrals",
                  {"box": "inbox", "page": page, "per_page": 2}) for page in (1, 2, 3)]
    assert [[item["id"] for item in page["items"]] for page in pages] == [
        sent[:0:-1], sent[:1], []]  # newest first
    assert {(page["page"], page["per_page"], page["total"]) for page in pages} == {
        (1, 2, 3), (2, 2, 3), (3, 2, 3)}
