"""Who is told of what: the people each bus event concerns, asked of the directory."""
from services.common.context import COORDINATOR, PARTNER, SOCIAL_WORKER


def municipi_of(payload: dict) -> list:
    return sorted({payload["municipio"], *payload.get("to_municipi", [])})


def receiver_partners(directory, payload) -> list:
    return directory.recipients(roles=[PARTNER], organization_ids=[payload["to_organization_id"]])


def sender_people(directory, payload) -> list:
    """The person who sent it and the partners of the organisation it was sent from."""
    people = [{"user_id": payload["from_user_id"]}]
    if payload.get("from_organization_id"):
        people += directory.recipients(roles=[PARTNER],
                                       organization_ids=[payload["from_organization_id"]])
    return unique(people)


def social_workers(directory, payload) -> list:
    return directory.recipients(roles=[SOCIAL_WORKER], municipi=municipi_of(payload))


def coordinators(directory, payload) -> list:
    return directory.recipients(roles=[COORDINATOR], municipi=payload.get("municipi")
                                or municipi_of(payload))


def unique(people) -> list:
    seen, kept = set(), []
    for person in people:
        if person["user_id"] not in seen:
            seen.add(person["user_id"])
            kept.append(person)
    return kept
