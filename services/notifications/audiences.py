"""Who is told of what: the people each bus event concerns, asked of the directory."""
from services.common.context import CITY, COORDINATOR, PARTNER, SOCIAL_WORKER


def municipi_of(payload: dict) -> list:
    return sorted({payload["municipio"], *payload.get("to_municipi", [])})


def receiver_partners(directory, payload) -> list:
    return directory.recipients(roles=[PARTNER], organization_ids=[payload["to_organization_id"]])


def sender_people(directory, payload) -> list:
    """The partners of the organisation it was sent from, or the social worker who sent it."""
    if payload.get("from_organization_id"):
        return directory.recipients(roles=[PARTNER],
                                    organization_ids=[payload["from_organization_id"]])
    return _only(payload["from_user_id"], directory.recipients(
        roles=[SOCIAL_WORKER], municipi=[payload["municipio"]]))


def requester(directory, payload) -> list:
    """Who asked for the money: a partner of their organisation, or a social worker of the
    municipio."""
    role = payload["requested_by_role"]
    where = ({"organization_ids": [payload["organization_id"]]} if role == PARTNER
             else {"municipi": [payload["municipio"]]})
    return _only(payload["requested_by_user_id"], directory.recipients(roles=[role], **where))


def after_approval(directory, payload) -> list:
    """A final approval goes back to who asked; one that now awaits the city, to the city."""
    return requester(directory, payload) if payload["final"] else city(directory, payload)


def city(directory, payload) -> list:
    return directory.recipients(roles=[CITY])


def social_workers(directory, payload) -> list:
    return directory.recipients(roles=[SOCIAL_WORKER], municipi=municipi_of(payload))


def coordinators(directory, payload) -> list:
    return directory.recipients(roles=[COORDINATOR], municipi=payload.get("municipi")
                                or municipi_of(payload))


def network_members(directory, payload) -> list:
    """Everyone of the municipio's network: its partners, social workers and coordinators."""
    return directory.recipients(roles=[PARTNER, SOCIAL_WORKER, COORDINATOR],
                                municipi=[payload["municipio"]])


def organisers(directory, payload) -> list:
    return directory.recipients(roles=[PARTNER], organization_ids=payload["organizer_ids"])


def registrants(events, payload, registration_id=None) -> list:
    """The people registered to an event, reached by the contact they left (by email only)."""
    return [{"user_id": f"registration:{person['registration_id']}",
             "email": person["contact"] if "@" in person["contact"] else None,
             "language": "it", "roles": []}
            for person in events.registrants(payload["event_id"])
            if registration_id in (None, person["registration_id"])]


def _only(user_id, people) -> list:
    return [person for person in people if person["user_id"] == user_id]
