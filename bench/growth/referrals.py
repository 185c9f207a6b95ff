"""Referrals: a hundred thousand over five years, families of the 9 municipi handed over among
some 360 organisations and the social workers. Of every hundred, two go to partner8b's
organisation, two come from partner8a's and one from asc8. Most old ones ended (completed,
declined or withdrawn), a few were never answered and stayed overdue; the last weeks' are
still waiting. One family's personal data is sealed once and its ciphertext reused."""
import math
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from functools import cache

from sqlalchemy import insert

from bench.growth import Operation, at
from services.common.config import load_settings
from services.common.database import Store
from services.common.sealing import Cipher
from services.referrals.contract import OUTCOMES
from services.referrals.deadlines import deadline_for
from services.referrals.models import (Base, CodeCounter, Consent, Family, Referral,
                                       ReferralMunicipio)
from services.referrals.statistics import facts
from services.referrals.upkeep import count

SERVICE = "referrals"
RECEIVER, SENDER, SOCIAL_WORKER, COORDINATOR = "partner8b", "partner8a", "asc8", "coord8"
ORGANIZATIONS_PER_MUNICIPIO = 40
PER_PAGE = 50  # the API's default page
CHUNK = 10_000
NOW = datetime.now(timezone.utc)
FIVE_YEARS = timedelta(days=5 * 365)
URGENCIES = ["normal"] * 6 + ["high"] * 2 + ["low"] * 2
# what became of every 50 referrals older than 40 days (one never answered), and of every 10
# of the last weeks'
FATES = (["completed"] * 30 + ["declined"] * 7 + ["withdrawn"] * 4 + ["accepted"] * 8
         + ["sent"])
RECENT_FATES = ["accepted"] * 5 + ["declined"] + ["withdrawn"] + ["sent"] * 3
# a year with part months at both ends: tallies for its whole months, referrals for the rest
LAST_YEAR = f"from={(NOW - timedelta(days=364)).date()}&to={NOW.date()}"


def seed(url: str, scale: float, demo) -> dict:
    total = at(scale, "referrals")
    cipher = Cipher(load_settings().personal_data_keys)
    sealed = {"personal": cipher.seal({"guardian_name": "Maria Rossi", "phone": "+39 347 123 4567",
                                       "address": "Via Aldini 12"}),
              "given_by": cipher.seal("Maria Rossi")}
    people = {name: demo.users[name] for name in (RECEIVER, SENDER, SOCIAL_WORKER)}
    referrals, tallies, codes = [], {}, Counter()
    coordinator_list = social_worker_list = 0
    sent_by_partner = None
    store = Store(url, Base.metadata)
    try:
        for number in range(total):
            referral = _referral(number, total, people, codes)
            referrals.append(referral)
            seen_in_8 = 8 in {referral["municipio"], *referral["to_municipi"]}
            coordinator_list += seen_in_8
            social_worker_list += seen_in_8 or (
                referral["from_user_id"] == people[SOCIAL_WORKER]["id"])
            if referral["from_user_id"] == people[SENDER]["id"]:
                sent_by_partner = referral["id"]
            tallies.setdefault(referral["municipio"], Counter()).update(
                facts(_Facts(**referral)))
            if len(referrals) == CHUNK:
                _write(store, referrals, sealed)
                referrals = []
        _write(store, referrals, sealed)
        with store.transaction() as tx:
            tx.session.execute(insert(CodeCounter), [
                {"year": year, "value": value} for year, value in codes.items()])
            for municipio, counts in tallies.items():
                count(tx.session, municipio, counts)
    finally:
        store.dispose()
    return {"referral": sent_by_partner,
            "coordinator_last_page": max(1, math.ceil(coordinator_list / PER_PAGE)),
            "social_worker_last_page": max(1, math.ceil(social_worker_list / PER_PAGE))}


def operations(context: dict) -> list:
    return [
        Operation("referrals: a partner's inbox, page 1 (partner8b)",
                  "/api/v1/referrals?box=inbox", RECEIVER),
        Operation("referrals: a partner's outbox, page 1 (partner8a)",
                  "/api/v1/referrals?box=outbox", SENDER),
        Operation("referrals: a social worker's municipio, page 1 (asc8)",
                  "/api/v1/referrals", SOCIAL_WORKER),
        Operation("referrals: a social worker's municipio, last page (asc8)",
                  f"/api/v1/referrals?page={context['social_worker_last_page']}", SOCIAL_WORKER),
        Operation("referrals: a coordinator's municipio, page 1 (coord8)",
                  "/api/v1/referrals", COORDINATOR),
        Operation("referrals: a coordinator's municipio, last page (coord8)",
                  f"/api/v1/referrals?page={context['coordinator_last_page']}", COORDINATOR),
        Operation("referrals: one referral (its sender, partner8a)",
                  f"/api/v1/referrals/{context['referral']}", SENDER),
        Operation("reports: the city's overview (citta)", "/api/v1/reports/overview", "citta"),
        Operation("reports: the city's overview of the last 365 days (citta)",
                  f"/api/v1/reports/overview?{LAST_YEAR}", "citta"),
        Operation("reports: the city's overview of the last 365 days, CSV (citta)",
                  f"/api/v1/reports/overview?{LAST_YEAR}&format=csv", "citta"),
    ]


class _Facts:
    """What statistics.facts reads of a referral, from a row to be inserted."""

    def __init__(self, **row):
        self.__dict__.update(row)


def _referral(number: int, total: int, people: dict, codes: Counter) -> dict:
    """The number-th referral, oldest first, sent by an organisation of the family's municipio
    (or a social worker) to one of its own or, one in five, of another municipio."""
    social_worker = number % 100 == 5
    municipio = 8 if social_worker else number % 9 + 1
    sent_at = NOW - FIVE_YEARS * (1 - number / total) - timedelta(minutes=number % 997)
    elsewhere = (municipio + number % 8) % 9 + 1
    to_municipi = ([municipio] if number % 5 else [elsewhere]) if number % 20 else [
        municipio, elsewhere]
    receiver = _organization(to_municipi[0], number * 7)
    sender_org, sender_user = _organization(municipio, number), None
    if number % 50 == 3:
        receiver = people[RECEIVER]["organization_id"]
    if number % 50 == 4:
        sender_org, sender_user = people[SENDER]["organization_id"], people[SENDER]["id"]
    elif social_worker:  # the families of its municipio
        sender_org, sender_user = None, people[SOCIAL_WORKER]["id"]
    elif number % 5 == 1:
        sender_org, sender_user = None, _user(f"social-worker-{municipio}")
    urgency = URGENCIES[number % len(URGENCIES)]
    deadline = deadline_for(sent_at, urgency)
    fate = number + number // 50  # not tied to the demo organisations' turns
    status = FATES[fate % len(FATES)] if NOW - sent_at > timedelta(days=40) else (
        "sent" if NOW - sent_at < timedelta(days=10) else RECENT_FATES[fate % 10])
    accepted = sent_at + timedelta(days=0.1 * (number % 150)) if status in (
        "accepted", "completed") or status == "withdrawn" and number % 2 else None
    overdue = deadline if status == "sent" and deadline < NOW else None
    codes[sent_at.year] += 1
    return {
        "id": str(uuid.uuid4()), "code": f"R-{sent_at.year}-{codes[sent_at.year]:04d}",
        "family_id": str(uuid.uuid4()), "from_organization_id": sender_org,
        "from_user_id": sender_user or _user(f"{sender_org}-{number % 4}"),
        "to_organization_id": receiver, "to_service_id": None, "municipio": municipio,
        "to_municipi": to_municipi, "needs": ["educational"], "urgency": urgency,
        "summary": "Due bambini cercano uno spazio compiti.", "status": status,
        "sent_at": sent_at, "deadline_at": deadline, "overdue_at": overdue,
        "escalated_at": overdue + timedelta(days=7) if overdue and NOW - overdue > timedelta(
            days=7) else None,
        "accepted_at": accepted,
        "declined_at": sent_at + timedelta(days=2) if status == "declined" else None,
        "decline_reason": "no_capacity" if status == "declined" else None,
        "completed_at": accepted + timedelta(days=20) if status == "completed" else None,
        "outcome": OUTCOMES[number % len(OUTCOMES)] if status == "completed" else None,
        "withdrawn_at": sent_at + timedelta(days=20) if status == "withdrawn" else None,
        "withdraw_reason": "La famiglia si è trasferita." if status == "withdrawn" else None,
        "overdue_waiting": overdue is not None}


def _organization(municipio: int, number: int) -> str:
    return _user(f"organization-{municipio}-{number % ORGANIZATIONS_PER_MUNICIPIO}")


@cache
def _user(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-referrals/{name}"))


def _write(store, referrals: list, sealed: dict):
    if not referrals:
        return
    with store.transaction() as tx:
        tx.session.execute(insert(Family.__table__), [
            {"id": row["family_id"], "owner_id": row["from_organization_id"] or row["from_user_id"],
             "reference": f"B-{row['code']}", "municipio": row["municipio"],
             "zone": None, "children_ages": [4, 9], "personal": sealed["personal"]}
            for row in referrals])
        tx.session.execute(insert(Referral.__table__), referrals)
        tx.session.execute(insert(Consent.__table__), [
            {"id": str(uuid.uuid4()), "referral_id": row["id"], "given_by": sealed["given_by"],
             "method": "written", "obtained_at": row["sent_at"] - timedelta(days=1),
             "expires_at": row["sent_at"] + timedelta(days=365),
             "scope_organization_id": row["to_organization_id"]} for row in referrals])
        tx.session.execute(insert(ReferralMunicipio.__table__), [
            {"referral_id": row["id"], "municipio": municipio,
             "overdue_waiting": row["overdue_waiting"], "sent_at": row["sent_at"]}
            for row in referrals for municipio in sorted({row["municipio"], *row["to_municipi"]})])
