"""What a notification is about: the parameters its texts need and the page it links to.

Each subject is `(peers, payload) -> (params, link)`, as the table of kinds (kinds.py) names
them. Events carry ids and codes; the names people read (an organisation's, an event's title)
are asked of the service that owns them. Never personal data of families.
"""
SOCIAL_SERVICES = "social_services"  # a referral a social worker sent: said in each language
# what some referral events add: the family's answer on its card or why it was escalated (their
# codes pick the kind's words, templates.py), a forward's reason and the new referral's code
REFERRAL_EXTRAS = ("answer", "reason", "forward_reason", "new_code")
FUND_REQUEST = ("request_id", "code", "amount", "category", "municipio")
# what some fund request events add: the approval's stage, and the payment (its day in ISO:
# each reader's language writes it, templates.py)
FUND_REQUEST_EXTRAS = ("stage", "final", "payment", "paid_on", "fully_paid")


def organization(peers, payload) -> tuple:
    found = peers.directory.get_organization(payload["organization_id"])
    return ({"organization_id": found["id"], "organization_name": found["name"],
             "municipi": ", ".join(map(str, payload["municipi"]))},
            f"/organizations/{found['id']}")


def referral(peers, payload) -> tuple:
    directory = peers.directory
    receiver = directory.get_organization(payload["to_organization_id"])["name"]
    sender = (directory.get_organization(payload["from_organization_id"])["name"]
              if payload.get("from_organization_id") else SOCIAL_SERVICES)
    params = {"code": payload["code"], "sender": sender, "receiver": receiver,
              "urgency": payload["urgency"], "referral_id": payload["referral_id"]}
    params.update({name: payload[name] for name in REFERRAL_EXTRAS if name in payload})
    if payload.get("forward_to_organization_id"):
        params["forward_to"] = directory.get_organization(
            payload["forward_to_organization_id"])["name"]
    return params, f"/referrals/{payload['referral_id']}"


def event(peers, payload) -> tuple:
    brief = peers.events.event_brief(payload["event_id"])
    return ({"title": brief["title"], "starts_at": brief["starts_at"],
             "municipio": brief["municipio"], "event_id": brief["id"]},
            f"/events/{brief['id']}")


def registration_pass(peers, payload) -> tuple:
    """An event's, linking the registration's pass (to show at the door) once confirmed."""
    params, link = event(peers, payload)
    code = peers.events.pass_code(payload["event_id"], payload["registration_id"])
    if code:
        link = (f"/events/{payload['event_id']}/registrations/{payload['registration_id']}"
                f"/pass?code={code}")
    return params, link


def event_message(peers, payload) -> tuple:
    """An event's, with the message its organisers wrote."""
    params, link = event(peers, payload)
    return {**params, "message": payload["text"]}, link


def drive_item(peers, payload) -> tuple:
    drive = peers.events.get_drive(payload["drive_id"])
    item = next(i["name"] for i in drive["items"] if i["id"] == payload["item_id"])
    return ({"title": drive["title"], "item": item, "drive_id": drive["id"]},
            f"/drives/{drive['id']}")


def fund_request(peers, payload) -> tuple:
    params = {name: payload[name] for name in FUND_REQUEST}
    params.update({name: payload[name] for name in FUND_REQUEST_EXTRAS if name in payload})
    return params, f"/funds/requests/{payload['request_id']}"


def budget(peers, payload) -> tuple:
    params = {name: payload[name]
              for name in ("budget_id", "municipio", "period", "amount", "source")}
    return params, f"/funds/budgets/{payload['budget_id']}"


def meeting(peers, payload) -> tuple:
    """A meeting's, named by its body's kind (its title, time and place are on its page and in
    the invitation its emails carry); the minutes' version when they are told of."""
    params = {"meeting_id": payload["meeting_id"], "body_kind": payload["body_kind"]}
    if "version" in payload:
        params["version"] = payload["version"]
    return params, f"/governance/meetings/{payload['meeting_id']}"


def action(peers, payload) -> tuple:
    """An action given out by a meeting: its title and the day it is due."""
    return ({"action_id": payload["action_id"], "title": payload["title"],
             "due_on": payload["due_on"]},
            f"/governance/actions/{payload['action_id']}")


def webhook(peers, payload) -> tuple:
    """A partner system's subscription: where it posted."""
    return {"url": payload["url"], "webhook_id": payload["webhook_id"]}, "/webhooks"
