"""A meeting's invitation, which the emails telling of it carry so that calendar programs offer
to accept or decline it: the governance service writes it (RFC 5545, the meeting as it is now,
cancelled or not) for the people the directory says.
"""
from services.notifications.audiences import people_named


def meeting_invitation(peers, payload, recipients) -> str:
    """The iCalendar text of the meeting's invitation: organised by its chair, attended by the
    recipients with an email."""
    chair = payload["chair_user_id"]
    attendees = [person for person in recipients if person.get("email")]
    chair_email = next((person["email"] for person in people_named(peers, [chair])), None)
    names = {person["user_id"]: person["display_name"] or person["username"]
             for person in peers.directory.describe_people(
                 [chair, *(person["user_id"] for person in attendees)])}
    return peers.governance.meeting_invitation(
        payload["meeting_id"], {"email": chair_email, "name": names.get(chair)},
        [{"email": person["email"], "name": names.get(person["user_id"])}
         for person in attendees])
