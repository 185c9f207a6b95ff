"""Who hears of the community fund's requests and what they read, without a broker: the
service's handlers run on a real database with a directory that answers from a list."""
import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.common.context import Caller
from services.common.database import Store
from services.common.events import envelope
from services.notifications import audiences, inbox
from services.notifications.audiences import Peers
from services.notifications.models import Base, Notification
from services.notifications.service import NotificationsService

# (user_id, roles, municipi, organisation, language)
PEOPLE = [("p8", ["partner"], [8], "desk8", "it"),
          ("p8-colleague", ["partner"], [8], "desk8", "it"),
          ("p8-other", ["partner"], [8], "families8", "it"),
          ("asc8", ["social_worker"], [8], None, "it"),
          ("coord8", ["coordinator"], [8], None, "en"),
          ("coord3", ["coordinator"], [3], None, "it"),
          ("citta", ["city"], [], None, "it")]
REQUEST = {"request_id": "fr-1", "code": "F-2026-0007", "budget_id": "b-1", "municipio": 8,
           "period": "2026-2027", "kind": "collective", "category": "educational",
           "amount_cents": 800_00, "amount": "800.00", "status": "submitted",
           "requested_by_user_id": "p8", "requested_by_role": "partner",
           "organization_id": "desk8"}


class Directory:
    """Answers `recipients` as the directory service does, from PEOPLE."""

    def recipients(self, roles, municipi=None, organization_ids=None):
        return [{"user_id": user_id, "roles": their_roles, "language": language,
                 "email": f"{user_id}@rete-qubi.example"}
                for user_id, their_roles, their_municipi, organization, language in PEOPLE
                if set(their_roles) & set(roles)
                and (not municipi or set(their_municipi) & set(municipi))
                and (not organization_ids or organization in organization_ids)]


@pytest.fixture
def store(databases):
    store = Store(databases["notifications"], Base.metadata)
    yield store
    store.dispose()


@pytest.fixture
def service(store):
    return worker_factory(NotificationsService, db=store, directory_rpc=Directory(),
                          config={"PUBLIC_URL": "https://qubi.example", "QUIET_HOURS": ""})


EVENTS = [  # (handler, event type, payload), as the funds service emits them
    ("on_fund_request_submitted", "fund_request_submitted", {**REQUEST, "needs_city": True}),
    ("on_fund_request_approved", "fund_request_approved", {
        **REQUEST, "status": "awaiting_city", "stage": "municipal", "final": False,
        "available_cents": 0}),
    ("on_fund_request_approved", "fund_request_approved", {
        **REQUEST, "status": "approved", "stage": "city", "final": True, "available_cents": 0}),
    ("on_payment_recorded", "payment_recorded", {
        **REQUEST, "status": "approved", "entry_id": "e-1", "payment_cents": 300_00,
        "payment": "300.00", "paid_on": "2026-11-24", "fully_paid": False}),
    ("on_fund_request_cancelled", "fund_request_cancelled", {
        **REQUEST, "status": "cancelled", "released_cents": 500_00}),
    ("on_fund_request_withdrawn", "fund_request_withdrawn", {**REQUEST, "status": "withdrawn"}),
    ("on_fund_request_rejected", "fund_request_rejected", {
        **REQUEST, "status": "rejected", "stage": "municipal"}),
    ("on_fund_topped_up", "fund_topped_up", {
        "budget_id": "b-1", "municipio": 8, "period": "2026-2027", "entry_id": "e-2",
        "source": "foundation", "amount_cents": 1000_00, "amount": "1000.00",
        "available_cents": 1000_00}),
]


def tell_everything(service):
    for handler, event_type, payload in EVENTS:
        getattr(service, handler)(envelope(event_type, payload))


def told(store) -> dict:
    """user_id -> [(kind, link)] of everything in the inboxes."""
    with store.sessions() as session:
        rows = session.execute(select(Notification).order_by(
            Notification.user_id, Notification.created_at)).scalars()
        found = {}
        for n in rows:
            found.setdefault(n.user_id, []).append((n.kind, n.link))
        return found


def shown(store, user_id, language) -> list:
    """What `user_id` reads in their inbox, in `language`: (title, body)."""
    with store.sessions() as session:
        found = inbox.inbox_page(session, Caller(user_id=user_id), 1, 200)["items"]
        return [(n["title"], n["body"]) for n in (inbox.present(f, language) for f in found)]


def test_an_approval_awaiting_the_city_goes_to_the_city_and_a_final_one_to_who_asked():
    directory = Peers(directory=Directory(), events=None)
    halfway = {**REQUEST, "stage": "municipal", "final": False, "status": "awaiting_city"}
    final = {**REQUEST, "stage": "city", "final": True, "status": "approved"}
    assert [p["user_id"] for p in audiences.after_approval(directory, halfway)] == ["citta"]
    assert [p["user_id"] for p in audiences.after_approval(directory, final)] == ["p8"]
    by_social_worker = {**final, "requested_by_user_id": "asc8",
                        "requested_by_role": "social_worker", "organization_id": None}
    assert [p["user_id"] for p in audiences.requester(directory, by_social_worker)] == ["asc8"]


def test_each_fund_event_reaches_its_people_with_a_link_to_the_request(service, store):
    tell_everything(service)
    link = "/funds/requests/fr-1"
    assert told(store) == {
        "citta": [("fund_request_approved", link)],
        "coord8": [("fund_request_submitted", link), ("fund_request_withdrawn", link),
                   ("fund_topped_up", "/funds/budgets/b-1")],
        "p8": [("fund_request_approved", link), ("payment_recorded", link),
               ("fund_request_cancelled", link), ("fund_request_rejected", link)],
    }


def test_every_fund_notification_speaks_italian_and_english(service, store):
    tell_everything(service)
    with store.sessions() as session:
        notifications = session.execute(select(Notification)).scalars().all()
    assert {n.kind for n in notifications} == {kind for _, kind, _ in EVENTS}
    for notification in notifications:
        italian, english = (inbox.present(notification, language) for language in ("it", "en"))
        assert italian["title"] != english["title"] and italian["body"] != english["body"]
        for text in (italian["body"], english["body"]):
            assert "€" in text and "{" not in text and "None" not in text
            assert "F-2026-0007" in text or notification.kind == "fund_topped_up"


def test_fund_notifications_read_well_in_italian_and_english(service, store):
    service.on_fund_request_submitted(envelope("fund_request_submitted",
                                               {**REQUEST, "needs_city": True}))
    service.on_fund_request_approved(envelope("fund_request_approved", {
        **REQUEST, "status": "awaiting_city", "stage": "municipal", "final": False,
        "available_cents": 0}))
    service.on_payment_recorded(envelope("payment_recorded", {
        **REQUEST, "status": "paid", "entry_id": "e-1", "payment_cents": 800_00,
        "payment": "800.00", "paid_on": "2026-11-24", "fully_paid": True}))
    service.on_fund_topped_up(envelope("fund_topped_up", {
        "budget_id": "b-1", "municipio": 8, "period": "2026-2027", "entry_id": "e-2",
        "source": "city", "amount_cents": 1000_00, "amount": "1000.00",
        "available_cents": 1000_00}))

    assert shown(store, "coord8", "it")[-1] == (
        "Nuova richiesta di fondi", "Richiesta F-2026-0007 di 800,00 € (ambito: educativo) "
        "sul fondo del Municipio 8. Apritela per approvarla o respingerla.")
    assert shown(store, "coord8", "en")[-1] == (
        "New fund request", "Request F-2026-0007 for 800.00 € (area: education) on the fund "
        "of Municipio 8. Open it to approve or reject it.")
    assert shown(store, "citta", "it") == [(
        "Richiesta di fondi approvata", "La richiesta F-2026-0007 di 800,00 € (ambito: "
        "educativo, Municipio 8) è stata approvata dal coordinamento municipale: ora attende "
        "la decisione della cabina di regia cittadina.")]
    assert shown(store, "citta", "en") == [(
        "Fund request approved", "Request F-2026-0007 for 800.00 € (area: education, "
        "Municipio 8) was approved by the municipal coordination: it now awaits the decision "
        "of the city steering committee.")]
    assert shown(store, "p8", "it") == [(
        "Pagamento registrato", "Per la richiesta F-2026-0007 è stato registrato un pagamento "
        "di 800,00 € in data 24 novembre 2026: la richiesta è interamente pagata.")]
    assert shown(store, "p8", "en") == [(
        "Payment recorded", "A payment of 800.00 € dated November 24, 2026 was recorded for "
        "request F-2026-0007: the request is now fully paid.")]
    assert shown(store, "coord8", "it")[0] == (
        "Fondo di comunità ricaricato", "Il fondo del Municipio 8 per il periodo 2026-2027 ha "
        "ricevuto 1.000,00 € dal Comune di Milano.")
    assert shown(store, "coord8", "en")[0] == (
        "Community fund topped up", "The fund of Municipio 8 for 2026-2027 received 1,000.00 € "
        "from the City of Milan.")
