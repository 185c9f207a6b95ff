"""Who is told of what: the people each bus event concerns, asked of the directory (and, for
the people registered to an event, of the events service).

Each audience is `(peers, payload) -> recipients`, as the table of kinds (kinds.py) names them.
"""
from typing import NamedTuple

from services.common.context import (CITY, COORDINATOR, PARTNER, PARTNER_ADMIN, ROLES,
                                     SOCIAL_WORKER)


class Peers(NamedTuple):
    """The services a notification's people and names are asked of."""
    directory: object
    events: object
    governance: object = None


def municipi_of(payload: dict) -> list:
    return sorted({payload["municipio"], *payload.get("to_municipi", [])})


def receiver_partners(peers, payload) -> list:
    return peers.directory.recipients(roles=[PARTNER],
                                      organization_ids=[payload["to_organization_id"]])


def sender_people(peers, payload) -> list:
    """The partners of the organisation it was sent from, or the social worker who sent it."""
    if payload.get("from_organization_id"):
        return peers.directory.recipients(roles=[PARTNER],
                                          organization_ids=[payload["from_organization_id"]])
    return _only(payload["from_user_id"], peers.directory.recipients(
        roles=[SOCIAL_WORKER], municipi=[payload["municipio"]]))


def sender_and_social_workers(peers, payload) -> list:
    """Who answers a forward: the sender, and the social workers of the municipi."""
    return _each_once(sender_people(peers, payload), social_workers(peers, payload))


def receiver_and_sender(peers, payload) -> list:
    """Who hears that the family was passed on: the receiver it leaves, and its sender (the
    social worker may have agreed to it)."""
    return _each_once(receiver_partners(peers, payload), sender_people(peers, payload))


def receiver_and_social_workers(peers, payload) -> list:
    """Who hears the family's word on its card: the receiver, and the social workers of the
    municipi."""
    return _each_once(receiver_partners(peers, payload), social_workers(peers, payload))


def requester(peers, payload) -> list:
    """Who asked for the money: a partner of their organisation, or a social worker of the
    municipio."""
    role = payload["requested_by_role"]
    where = ({"organization_ids": [payload["organization_id"]]} if role == PARTNER
             else {"municipi": [payload["municipio"]]})
    return _only(payload["requested_by_user_id"],
                 peers.directory.recipients(roles=[role], **where))


def after_approval(peers, payload) -> list:
    """A final approval goes back to who asked; one that now awaits the city, to the city."""
    return requester(peers, payload) if payload["final"] else city(peers, payload)


def city(peers, payload) -> list:
    return peers.directory.recipients(roles=[CITY])


def webhook_managers(peers, payload) -> list:
    """Who manages a webhook: its organisation's administrators, or the city for the city's."""
    if payload["organization_id"]:
        return peers.directory.recipients(roles=[PARTNER_ADMIN],
                                          organization_ids=[payload["organization_id"]])
    return city(peers, payload)


def social_workers(peers, payload) -> list:
    return peers.directory.recipients(roles=[SOCIAL_WORKER], municipi=municipi_of(payload))


def coordinators(peers, payload) -> list:
    return peers.directory.recipients(roles=[COORDINATOR], municipi=payload.get("municipi")
                                      or municipi_of(payload))


def network_members(peers, payload) -> list:
    """Everyone of the municipio's network: its partners, social workers and coordinators."""
    return peers.directory.recipients(roles=[PARTNER, SOCIAL_WORKER, COORDINATOR],
                                      municipi=[payload["municipio"]])


def invited_organisation(peers, payload) -> list:
    """The partners of the organisation invited to organise an event."""
    return peers.directory.recipients(roles=[PARTNER],
                                      organization_ids=[payload["organization_id"]])


def organisers(peers, payload) -> list:
    return peers.directory.recipients(roles=[PARTNER], organization_ids=payload["organizer_ids"])


def invited(peers, payload) -> list:
    """Who was invited to a meeting: the people named, and the partners of the organisations
    named."""
    return _each_once(people_named(peers, payload["user_ids"]),
                      _partners_of(peers, payload["organization_ids"]))


def assignee(peers, payload) -> list:
    """Who was given an action: a person, or the partners of an organisation."""
    if payload.get("assignee_user_id"):
        return people_named(peers, [payload["assignee_user_id"]])
    return _partners_of(peers, [payload["assignee_organization_id"]])


def people_named(peers, user_ids) -> list:
    """The people of `user_ids`, whatever their role (the directory asked only if any)."""
    return peers.directory.recipients(roles=list(ROLES), user_ids=user_ids) if user_ids else []


def _partners_of(peers, organization_ids) -> list:
    # no organisation named would ask for the partners of every one
    return (peers.directory.recipients(roles=[PARTNER], organization_ids=organization_ids)
            if organization_ids else [])


def registrants(peers, payload) -> list:
    """The people registered to an event, reached by the contact they left: an email, or a
    phone (by SMS, sms.py)."""
    return _registered(peers, payload)


def promoted_registrant(peers, payload) -> list:
    """The one registration moved from the waiting list to a place."""
    return _registered(peers, payload, payload["registration_id"])


def confirmed_registrants(peers, payload) -> list:
    """The people registered to an event whose places are confirmed: whoever is to come."""
    return _registered(peers, payload, statuses=("confirmed",))


def _registered(peers, payload, registration_id=None, statuses=None) -> list:
    return [{"user_id": f"registration:{person['registration_id']}",
             "registration_id": person["registration_id"],
             "email": person["contact"] if "@" in person["contact"] else None,
             "phone": None if "@" in person["contact"] else person["contact"],
             "language": "it", "roles": []}
            for person in peers.events.registrants(payload["event_id"])
            if registration_id in (None, person["registration_id"])
            and (statuses is None or person["status"] in statuses)]


def _each_once(*groups) -> list:
    """The people of several groups, each once (a social worker who sent it is one of the
    municipio's)."""
    people = {}
    for group in groups:
        for person in group:
            people.setdefault(person["user_id"], person)
    return list(people.values())


def _only(user_id, people) -> list:
    return [person for person in people if person["user_id"] == user_id]
