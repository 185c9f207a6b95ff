"""Who hears of the governance's meetings, minutes and actions, what they read, and the
invitation a meeting's emails carry, without a broker: the service's handlers run on a real
database with a directory and a governance service that answer from lists."""
from datetime import datetime, timezone
from email import message_from_bytes, policy

import icalendar
import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.common.database import Store
from services.common.events import envelope
from services.notifications import audiences, mailer
from services.notifications.audiences import Peers
from services.notifications.models import Base, Delivery, Notification, Preference
from services.notifications.service import NotificationsService
from services.notifications.templates import render

# (user_id, roles, organisation, name, email)
PEOPLE = [("coord8", ["coordinator"], None, "Carla Otto", "coord8@rete-qubi.example"),
          ("asc8", ["social_worker"], None, None, "asc8@rete-qubi.example"),
          ("p8", ["partner"], "desk8", "Paolo Sportello", "p8@rete-qubi.example"),
          ("p8-colleague", ["partner", "partner_admin"], "desk8", "Pia Sportello", None),
          ("p8-other", ["partner"], "families8", "Piero Famiglie", "p8-other@rete-qubi.example")]
MEETING = {"meeting_id": "m-1", "body_id": "b-1", "body_kind": "municipal_coordination",
           "municipio": 8, "sequence": 0, "chair_user_id": "coord8",
           "user_ids": ["asc8", "p8"], "organization_ids": ["desk8"]}
MINUTES = {key: MEETING[key] for key in ("meeting_id", "body_id", "body_kind", "municipio",
                                         "user_ids", "organization_ids")}
ACTION = {"action_id": "a-1", "meeting_id": "m-1", "body_id": "b-1", "municipio": 8,
          "title": "Mappare i doposcuola", "due_on": "2027-06-01",
          "assignee_user_id": None, "assignee_organization_id": "desk8"}
INVITATION = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rete QuBi//governance//IT\r\n"
              "METHOD:{method}\r\nBEGIN:VEVENT\r\nUID:m-1@rete-qubi\r\nSEQUENCE:0\r\n"
              "DTSTAMP:20261207T090000Z\r\nDTSTART:20261210T140000Z\r\n"
              "DTEND:20261210T160000Z\r\nSUMMARY:Coordinamento di dicembre\r\nEND:VEVENT\r\n"
              "END:VCALENDAR\r\n")


class Directory:
    """Answers `recipients` and `describe_people` as the directory service does, from PEOPLE."""

    def recipients(self, roles, municipi=None, organization_ids=None, user_ids=None):
        return [{"user_id": user_id, "roles": their_roles, "language": "it", "email": email}
                for user_id, their_roles, organization, _, email in PEOPLE
                if set(their_roles) & set(roles)
                and (not organization_ids or organization in organization_ids)
                and (not user_ids or user_id in user_ids)]

    def describe_people(self, user_ids):
        return [{"user_id": user_id, "display_name": name, "username": f"user-{user_id}"}
                for user_id, _, _, name, _ in PEOPLE if user_id in user_ids]


class Governance:
    """Writes a meeting's invitation as the governance service would, noting who asked."""

    def __init__(self):
        self.asked = []
        self.method = "REQUEST"  # CANCEL once the meeting is cancelled

    def meeting_invitation(self, meeting_id, organizer, attendees):
        self.asked.append((meeting_id, organizer, attendees))
        return INVITATION.format(method=self.method)


@pytest.fixture
def store(databases):
    store = Store(databases["notifications"], Base.metadata)
    yield store
    store.dispose()


@pytest.fixture
def governance():
    return Governance()


@pytest.fixture
def service(store, governance):
    return worker_factory(NotificationsService, db=store, directory_rpc=Directory(),
                          governance_rpc=governance,
                          config={"PUBLIC_URL": "https://qubi.example", "QUIET_HOURS": ""})


def told(store) -> dict:
    """user_id -> [(kind, link, channel)] of everything in the inboxes."""
    with store.sessions() as session:
        found = {}
        for n in session.execute(select(Notification).order_by(
                Notification.user_id, Notification.created_at)).scalars():
            found.setdefault(n.user_id, []).append((n.kind, n.link, n.channel))
        return found


def deliveries(store) -> list:
    with store.sessions() as session:
        return session.execute(select(Delivery).order_by(Delivery.to_address)).scalars().all()


def sent_emails(store, tmp_path) -> list:
    """The emails owed, sent to a directory and read back as mail programs read them."""
    settings = mailer.MailSettings.from_url((tmp_path / "mail").as_uri(), "qubi@example.org")
    mailer.send_due(store, settings, datetime.now(timezone.utc), 3)
    return [message_from_bytes((tmp_path / "mail" / f"{delivery.id}.eml").read_bytes(),
                               policy=policy.default) for delivery in deliveries(store)]


def calendar_part(email):
    return next(part for part in email.walk() if part.get_content_type() == "text/calendar")


def ids(people) -> set:
    return {person["user_id"] for person in people}


def test_the_invited_are_the_people_named_and_the_partners_of_the_organisations_named():
    peers = Peers(directory=Directory(), events=None)
    assert ids(audiences.invited(peers, {**MEETING, "user_ids": ["asc8", "p8"]})) == {
        "asc8", "p8", "p8-colleague"}
    assert ids(audiences.invited(peers, {**MEETING, "organization_ids": []})) == {"asc8", "p8"}
    assert ids(audiences.invited(peers, {**MEETING, "user_ids": []})) == {"p8", "p8-colleague"}
    assert audiences.invited(peers, {**MEETING, "user_ids": [], "organization_ids": []}) == []


def test_an_action_goes_to_the_person_given_it_or_to_the_partners_of_the_organisation():
    peers = Peers(directory=Directory(), events=None)
    assert ids(audiences.assignee(peers, ACTION)) == {"p8", "p8-colleague"}
    assert ids(audiences.assignee(peers, {**ACTION, "assignee_user_id": "asc8",
                                          "assignee_organization_id": None})) == {"asc8"}


def test_each_governance_event_reaches_its_people_by_its_channel_with_its_link(service, store):
    for event_type, payload in (("minutes_circulated", {**MINUTES, "version": 1}),
                                ("minutes_approved", {**MINUTES, "version": 1}),
                                ("action_overdue", ACTION)):
        getattr(service, f"on_{event_type}")(envelope(event_type, payload))
    meeting, action = "/governance/meetings/m-1", "/governance/actions/a-1"
    minutes = [("minutes_circulated", meeting, "email"), ("minutes_approved", meeting, "in_app")]
    assert told(store) == {"asc8": minutes,
                           "p8": [*minutes, ("action_overdue", action, "email")],
                           "p8-colleague": [*minutes, ("action_overdue", action, "email")]}
    # no email for who has no address; and the minutes' emails carry no invitation
    assert [(d.to_address, d.calendar) for d in deliveries(store)] == [
        ("asc8@rete-qubi.example", None), ("p8@rete-qubi.example", None),
        ("p8@rete-qubi.example", None)]


def test_the_invitation_email_carries_the_meeting_for_calendars(service, store, governance,
                                                                 tmp_path):
    service.on_meeting_convened(envelope("meeting_convened", MEETING))
    chair = {"email": "coord8@rete-qubi.example", "name": "Carla Otto"}
    assert governance.asked == [("m-1", chair, [
        {"email": "asc8@rete-qubi.example", "name": "user-asc8"},  # no name: the username
        {"email": "p8@rete-qubi.example", "name": "Paolo Sportello"}])]
    emails = sent_emails(store, tmp_path)
    assert len(emails) == 2
    for sent in emails:
        calendar = calendar_part(sent)
        assert calendar.get_param("method") == "REQUEST"
        assert calendar.get_content_charset() == "utf-8"
        parsed = icalendar.Calendar.from_ical(calendar.get_content())
        assert parsed["METHOD"] == "REQUEST" and parsed.walk("VEVENT")[0]["UID"] == "m-1@rete-qubi"
        assert [part.get_filename() for part in sent.iter_attachments()] == ["invito.ics"]
        assert "Hai un invito a una riunione (coordinamento municipale)" in sent.get_body(
            ("plain",)).get_content()


def test_a_cancelled_meetings_email_carries_its_cancellation(service, store, governance,
                                                             tmp_path):
    governance.method = "CANCEL"
    service.on_meeting_cancelled(envelope("meeting_cancelled", {**MEETING, "sequence": 2}))
    assert [calendar_part(sent).get_param("method") for sent in sent_emails(store, tmp_path)] == [
        "CANCEL", "CANCEL"]


def test_a_meeting_told_again_tells_nobody_twice_and_asks_for_its_invitation_once(
        service, store, governance):
    convened = envelope("meeting_convened", MEETING)
    service.on_meeting_convened(convened)
    before = (told(store), len(deliveries(store)))
    service.on_meeting_convened(convened)
    assert (told(store), len(deliveries(store))) == before
    assert len(governance.asked) == 1 and before[1] == 2


def test_no_invitation_is_asked_for_when_nobody_is_owed_an_email(service, store, governance):
    with store.transaction() as tx:
        tx.session.add_all(Preference(user_id=user_id, kind="meeting_updated", channel="in_app")
                           for user_id in ("asc8", "p8"))
    service.on_meeting_updated(envelope("meeting_updated", {**MEETING, "sequence": 1}))
    assert governance.asked == [] and deliveries(store) == []
    assert set(told(store)) == {"asc8", "p8", "p8-colleague"}


@pytest.mark.parametrize("kind, params, italian, english", [
    ("meeting_cancelled", {"meeting_id": "m-1", "body_kind": "city_committee"},
     "È stata annullata una riunione (cabina di regia) a cui avevi un invito.",
     "The meeting (city steering committee) you were invited to has been cancelled."),
    ("minutes_circulated", {"meeting_id": "m-1", "body_kind": "project_group", "version": 2},
     "La bozza del verbale (versione 2) della riunione (gruppo di progetto) è pronta: leggila e "
     "lascia i tuoi commenti.",
     "The draft minutes (version 2) of the meeting (project group) are ready: read them and "
     "leave your comments."),
    ("action_due_soon", {"action_id": "a-1", "title": "Mappare i doposcuola",
                         "due_on": "2027-06-01"},
     "L'azione «Mappare i doposcuola» è in scadenza (1 giugno 2027): quando è fatta, segnalalo "
     "nella sua pagina.",
     "The action “Mappare i doposcuola” is due on June 1, 2027: once it is done, mark it on its "
     "page."),
])
def test_governance_kinds_say_their_body_and_day_in_each_language(kind, params, italian,
                                                                   english):
    assert render(kind, params, "it")["body"] == italian
    assert render(kind, params, "en")["body"] == english
