"""Who hears of what happens to a referral after it is accepted, without a broker: the sender of
the waiting list and the first contact, the sender and the social workers of a forward to answer,
the receiver of the answer, the receiver and the social workers of the family's word on its card,
the coordinators of a "nobody called us" left unanswered, each saying why."""
import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.common.database import Store
from services.common.events import envelope
from services.notifications.models import Base, Delivery, Notification
from services.notifications.service import NotificationsService
from services.notifications.templates import render

CONFIG = {"PUBLIC_URL": "https://qubi.example", "QUIET_HOURS": ""}
PEOPLE = [  # (user id, role, organisation, municipio)
    ("sender", "partner", "o-1", 8), ("receiver", "partner", "o-2", 8),
    ("new-receiver", "partner", "o-3", 9), ("social-worker-8", "social_worker", None, 8),
    ("social-worker-9", "social_worker", None, 9), ("coordinator-8", "coordinator", None, 8)]
NAMES = {"o-1": "Ludoteca QT8", "o-2": "Doposcuola Gallaratese", "o-3": "Centro Giambellino"}
REFERRAL = {"referral_id": "r-1", "code": "R-2027-0042", "status": "accepted",
            "urgency": "high", "municipio": 8, "to_municipi": [8],
            "from_organization_id": "o-1", "from_user_id": "sender", "to_organization_id": "o-2",
            "to_service_id": None}
BY_SOCIAL_WORKER = {**REFERRAL, "from_organization_id": None, "from_user_id": "social-worker-8"}
FORWARD = {"forward_reason": "no_capacity", "forward_to_organization_id": "o-3"}


class Directory:
    def get_organization(self, organization_id):
        return {"id": organization_id, "name": NAMES[organization_id]}

    def recipients(self, roles, municipi=None, organization_ids=None):
        return [{"user_id": user_id, "roles": [role], "language": "it",
                 "email": f"{user_id}@rete-qubi.example"}
                for user_id, role, organization, municipio in PEOPLE
                if role in roles and (municipi is None or municipio in municipi)
                and (organization_ids is None or organization in organization_ids)]


@pytest.fixture
def told(databases):
    """Tells the service one referral event; what each person was told, by which channel, and
    what it says to them in Italian and English."""
    store = Store(databases["notifications"], Base.metadata)
    service = worker_factory(NotificationsService, db=store, directory_rpc=Directory(),
                             config=CONFIG)

    def tell(event_type, payload):
        event = envelope(event_type, payload)
        getattr(service, f"on_{event_type}")(event)
        with store.transaction() as tx:
            notifications = tx.session.execute(select(Notification)).scalars().all()
            emailed = set(tx.session.execute(select(Delivery.user_id)).scalars())
            return {n.user_id: (n.channel, n.user_id in emailed, render(n.kind, n.params, "it"),
                                render(n.kind, n.params, "en"))
                    for n in notifications if n.event_id == event["event_id"]}

    yield tell
    store.dispose()


def test_the_sender_hears_of_the_waiting_list_by_email_and_of_the_first_contact_in_the_inbox(
        told):
    [(channel, emailed, italian, english)] = told("referral_on_hold", REFERRAL).values()
    assert (channel, emailed) == ("email", True)
    assert italian["body"] == ("Doposcuola Gallaratese ha messo in lista d'attesa la famiglia "
                               "dell'invio R-2027-0042.")
    assert english["title"] == "Family on the waiting list"
    assert told("referral_in_progress", BY_SOCIAL_WORKER) == {"social-worker-8": (
        "in_app", False, {"title": "Primo contatto con la famiglia",
                          "body": "Doposcuola Gallaratese ha avuto il primo contatto con la "
                                  "famiglia dell'invio R-2027-0042."},
        {"title": "First contact with the family",
         "body": "Doposcuola Gallaratese made first contact with the family of referral "
                 "R-2027-0042."})}


def test_a_forward_to_answer_reaches_the_sender_and_the_social_workers_by_email(told):
    proposed = told("referral_forward_proposed", {**REFERRAL, **FORWARD})
    assert sorted(proposed) == ["sender", "social-worker-8"]
    assert all(emailed for _, emailed, _, _ in proposed.values())
    _, _, italian, english = proposed["sender"]
    assert italian["body"] == (
        "Doposcuola Gallaratese propone di inoltrare l'invio R-2027-0042 a Centro Giambellino "
        "(motivo: nessun posto disponibile). Apritelo per accettare o rifiutare l'inoltro.")
    assert "(reason: no capacity)" in english["body"]


def test_a_social_worker_who_sent_it_hears_of_a_forward_once(told):
    proposed = told("referral_forward_proposed",
                    {**BY_SOCIAL_WORKER, "referral_id": "r-2", **FORWARD})
    assert list(proposed) == ["social-worker-8"]


def test_the_receiver_and_the_sender_hear_that_the_forward_was_agreed_or_refused(told):
    forwarded = told("referral_forwarded", {**REFERRAL, "status": "forwarded", **FORWARD,
                                            "new_referral_id": "r-9", "new_code": "R-2027-0050"})
    assert sorted(forwarded) == ["receiver", "sender"]
    channel, _, italian, _english = forwarded["receiver"]
    assert channel == "email"
    assert italian["body"] == ("L'invio R-2027-0042 è stato inoltrato a Centro Giambellino: la "
                               "famiglia prosegue con il nuovo invio R-2027-0050.")
    refused = told("referral_forward_refused", {**REFERRAL, "referral_id": "r-3"})
    assert list(refused) == ["receiver"]
    assert refused["receiver"][3]["title"] == "Forward refused"


def test_nobody_called_us_reaches_the_receiver_and_the_social_workers_saying_so(told):
    answered = told("referral_family_answered", {**REFERRAL, "answer": "not_contacted"})
    assert sorted(answered) == ["receiver", "social-worker-8"]
    channel, emailed, italian, english = answered["receiver"]
    assert (channel, emailed) == ("email", True)
    assert italian["title"] == "La famiglia dice che nessuno l'ha contattata"
    assert "nessuno l'ha ancora contattata" in italian["body"]
    assert english["title"] == "The family says nobody contacted it"
    met = told("referral_family_answered", {**REFERRAL, "referral_id": "r-4", "answer": "met"})
    assert met["receiver"][2]["body"] == ("La famiglia dell'invio R-2027-0042 dice sulla sua "
                                          "scheda di aver incontrato Doposcuola Gallaratese.")


def test_an_escalation_says_when_it_is_a_family_nobody_called(told):
    escalated = told("referral_escalated", {**REFERRAL, "reason": "family_not_contacted"})
    [(channel, _, italian, english)] = escalated.values()
    assert list(escalated) == ["coordinator-8"] and channel == "email"
    assert italian["title"] == "Famiglia non contattata, senza risposta"
    assert "said nobody had contacted it" in english["body"]
    overdue = told("referral_escalated", {**REFERRAL, "referral_id": "r-5"})
    assert overdue["coordinator-8"][2]["title"] == "Invio senza risposta"  # as before
