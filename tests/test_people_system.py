"""People join the platform over HTTP, each tier inviting the next through a real SMTP server:
the city invites a coordinator, who invites an organisation's administrator, who invites a
colleague; each does what the role allows and no more. Two-factor guards families' data."""
import re
import uuid

import pyotp
import pytest
import requests

from tests.helpers import wait_for
from tests.platform import Client, referral_body
from tests.smtp import text_of

pytestmark = pytest.mark.broker

PASSWORD = "una frase lunga per la rete"


class Person(Client):
    """A client that logs in with its own password (and code), not the demo one."""

    def __init__(self, platform, username, password=PASSWORD, otp=None):
        super().__init__(platform)
        body = {"username": username, "password": password, **({"otp": otp} if otp else {})}
        self.login = requests.post(f"{self.base}/auth/token", json=body, timeout=10)
        if self.login.status_code == 200:
            self.use(self.login.json()["access_token"])

    def use(self, access_token):
        self.headers["Authorization"] = f"Bearer {access_token}"


def link_sent_to(platform, address, path):
    """The token of the link to `path` that an email to `address` carries."""
    link = re.compile(rf"{re.escape(platform.url)}{path}\?token=([\w-]+)")

    def found():
        return [match.group(1) for m in platform.smtp.messages() if m["To"] == address
                for match in [link.search(text_of(m))] if match]

    tokens = wait_for(found)
    assert tokens, f"no email to {address} with a link to {path}"
    return tokens[-1]


def enrol(person) -> str:
    """Turns two-factor on for `person`, who goes on with tokens that passed it: the secret."""
    secret = person.post("/me/mfa").json()["secret"]
    enrolled = person.post("/me/mfa/confirm", json={"code": pyotp.TOTP(secret).now(),
                                                     "password": PASSWORD})
    assert enrolled.status_code == 200, enrolled.text
    person.use(enrolled.json()["access_token"])
    return secret


def invite_and_join(platform, inviter, username, **body):
    address = f"{username}-{uuid.uuid4().hex[:6]}@example.org"
    invited = inviter.post("/invitations", json={"email": address, "display_name": username,
                                                 **body})
    assert invited.status_code == 201, invited.text
    assert invited.json()["status"] == "pending"
    token = link_sent_to(platform, address, "/invitations/accept")
    joined = Client(platform).post("/invitations/accept", json={
        "token": token, "username": username, "password": PASSWORD})
    assert joined.status_code == 201, joined.text
    return Person(platform, username), token


def test_each_tier_invites_the_next_and_reaches_no_further(platform):
    suffix = uuid.uuid4().hex[:4]
    desks = Client(platform, "partner8a").get("/me").json()["organization_id"]
    casa = Client(platform, "partner2").get("/me").json()["organization_id"]
    city = Client(platform, "citta")

    coordinator, used = invite_and_join(platform, city, f"coord.{suffix}", role="coordinator",
                                        municipi=[8])
    assert coordinator.get("/me").json()["roles"] == ["coordinator"]
    unenrolled = coordinator.post("/invitations", json={
        "email": "x@example.org", "display_name": "X", "role": "partner_admin",
        "organization_id": desks})
    assert unenrolled.status_code == 403 and "second factor" in unenrolled.json()["detail"]
    enrol(coordinator)
    again = Client(platform).post("/invitations/accept", json={
        "token": used, "username": f"altro.{suffix}", "password": PASSWORD})
    assert again.status_code == 410 and again.headers["Content-Type"] == "application/problem+json"

    admin, _ = invite_and_join(platform, coordinator, f"admin.{suffix}", role="partner_admin",
                               organization_id=desks)
    me = admin.get("/me").json()
    assert me["roles"] == ["partner", "partner_admin"] and me["organization_id"] == desks
    enrol(admin)
    colleague, _ = invite_and_join(platform, admin, f"collega.{suffix}", role="partner",
                                   organization_id=desks)
    assert colleague.get("/me").json()["tier"] == "organization"

    beyond = {
        "coordinator invites outside its municipio": coordinator.post("/invitations", json={
            "email": "x@example.org", "display_name": "X", "role": "partner_admin",
            "organization_id": casa}),
        "coordinator invites a social worker": coordinator.post("/invitations", json={
            "email": "x@example.org", "display_name": "X", "role": "social_worker",
            "municipi": [8]}),
        "admin invites a coordinator": admin.post("/invitations", json={
            "email": "x@example.org", "display_name": "X", "role": "coordinator",
            "municipi": [8]}),
        "admin invites into another organisation": admin.post("/invitations", json={
            "email": "x@example.org", "display_name": "X", "role": "partner",
            "organization_id": casa}),
        "a partner invites": colleague.post("/invitations", json={
            "email": "x@example.org", "display_name": "X", "role": "partner",
            "organization_id": desks}),
        "a partner lists people": colleague.get("/users"),
    }
    assert {what: answer.status_code for what, answer in beyond.items()} == {
        what: 403 for what in beyond}

    staff = {u["username"] for u in admin.get("/users").json()["items"]}
    assert {f"admin.{suffix}", f"collega.{suffix}", "partner8a"} <= staff
    assert "partner8b" not in staff and "partner2" not in staff
    outsider = city.get("/users", params={"role": "partner", "municipio": 2}).json()["items"][0]
    assert admin.get(f"/users/{outsider['id']}").status_code == 404
    assert coordinator.get(f"/users/{outsider['id']}").status_code == 404

    colleague_id = colleague.get("/me").json()["user_id"]
    promoted = admin.patch(f"/users/{colleague_id}", json={"role": "partner_admin"})
    assert promoted.status_code == 200 and "partner_admin" in promoted.json()["roles"]
    history = coordinator.get(f"/users/{colleague_id}/history").json()["items"]
    assert [entry["action"] for entry in history] == ["access_changed", "joined", "invited"]
    assert history[0]["actor_name"] == f"admin.{suffix}"
    assert history[2]["actor_name"] == f"admin.{suffix}"
    listed = city.get(f"/users/{colleague_id}").json()
    assert listed["last_login_at"] and listed["mfa_enabled"] is False


def test_a_revoked_or_unknown_invitation_link_is_gone_and_creates_nothing(platform):
    coordinator = Client(platform, "coord8")
    desks = Client(platform, "partner8a").get("/me").json()["organization_id"]
    address = f"revocata-{uuid.uuid4().hex[:6]}@example.org"
    invitation = coordinator.post("/invitations", json={
        "email": address, "display_name": "Revocata", "role": "partner_admin",
        "organization_id": desks}).json()
    token = link_sent_to(platform, address, "/invitations/accept")
    pending = [i["id"] for i in coordinator.get("/invitations").json()["items"]]
    assert invitation["id"] in pending
    assert coordinator.delete(f"/invitations/{invitation['id']}").status_code == 200
    for given in (token, "x" * 43):
        answer = Client(platform).post("/invitations/accept", json={
            "token": given, "username": f"revocata.{uuid.uuid4().hex[:4]}", "password": PASSWORD})
        assert answer.status_code == 410
    assert [u for u in Client(platform, "citta").get("/users").json()["items"]
            if u["email"] == address] == []
    page = requests.get(f"{platform.url}/invitations/accept", params={"token": token}, timeout=10)
    assert page.status_code == 410 and "non è più valido" in page.text


def test_a_reset_link_sets_a_new_password_once_and_says_nothing_of_unknown_addresses(platform):
    city = Client(platform, "citta")
    person, _ = invite_and_join(platform, city, f"reset.{uuid.uuid4().hex[:4]}", role="city")
    address = person.get("/me").json()["username"]
    email = next(u["email"] for u in city.get("/users").json()["items"]
                 if u["username"] == address)
    anyone = Client(platform)
    assert anyone.post("/auth/password-reset", json={"email": email}).status_code == 202
    assert anyone.post("/auth/password-reset",
                       json={"email": "nessuno@example.org"}).status_code == 202
    token = link_sent_to(platform, email, "/password-reset/confirm")
    new = PASSWORD + " rinnovata"
    assert anyone.post("/auth/password-reset/confirm",
                       json={"token": token, "password": new}).status_code == 204
    assert anyone.post("/auth/password-reset/confirm",
                       json={"token": token, "password": new + "!"}).status_code == 410
    assert person.get("/me").status_code == 200  # an access token lives out its minutes...
    assert Person(platform, address, PASSWORD).login.status_code == 401
    assert Person(platform, address, new).login.status_code == 200
    assert not [m for m in platform.smtp.messages() if m["To"] == "nessuno@example.org"]


def test_families_data_needs_the_second_factor_and_wrong_codes_lock(platform):
    desks = Client(platform, "partner8a").get("/me").json()["organization_id"]
    receiver = Client(platform, "partner8b").get("/me").json()["organization_id"]
    username = f"operatrice.{uuid.uuid4().hex[:4]}"
    person, _ = invite_and_join(platform, Client(platform, "coord8"), username,
                                role="partner_admin", organization_id=desks)
    assert person.get("/me").json()["mfa"] is False
    sent = Client(platform, "partner8a").post("/referrals", json=referral_body(receiver)).json()
    without = person.get(f"/referrals/{sent['id']}").json()
    assert without["view"] == "two_factor_required"
    assert "guardian_name" not in without["family"] and without["notes"] == []

    secret = person.post("/me/mfa").json()["secret"]
    totp = pyotp.TOTP(secret)
    no_password = person.post("/me/mfa/confirm", json={"code": totp.now()})
    assert no_password.status_code == 422 and "password" in no_password.json()["errors"]
    enrolled = person.post("/me/mfa/confirm", json={"code": totp.now(), "password": PASSWORD})
    assert enrolled.status_code == 200 and len(enrolled.json()["recovery_codes"]) == 10
    person.use(enrolled.json()["access_token"])
    with_code = person.get(f"/referrals/{sent['id']}").json()
    assert with_code["view"] == "full" and with_code["family"]["guardian_name"] == "Giulia Verdi"

    asked = Person(platform, username)
    assert asked.login.status_code == 401 and asked.login.json()["mfa_required"] is True
    recovered = Person(platform, username, otp=enrolled.json()["recovery_codes"][0])
    assert recovered.login.status_code == 200 and recovered.get("/me").json()["mfa"] is True
    wrong = [Person(platform, username, otp="000000").login for _ in range(10)]
    assert {answer.status_code for answer in wrong} == {401}
    locked = Person(platform, username, otp=enrolled.json()["recovery_codes"][1])
    assert locked.login.status_code == 401 and "locked" in locked.login.json()["detail"]
