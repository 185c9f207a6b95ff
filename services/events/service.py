"""The events service: the networks' events, registrations and donation drives."""
from datetime import timedelta

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.common.database import Database, utcnow
from services.common.errors import NotFound
from services.common.rpc import rpc
from services.common.schemas import PageArgs, load, local_time, paged
from services.common.sealing import DataCipher
from services.common.service import ReportingService
from services.events import (agenda, check_in, drives, ical, messages, registrations,
                             statistics)
from services.events.contract import (AttendanceSchema, CancelQuerySchema, CheckInAnswerSchema,
                                      CheckInSchema, ConfirmSchema, EventMessageCreateSchema,
                                      EventMessageSchema,
                                      DeliveryCreateSchema, DeliverySchema, DriveQuerySchema,
                                      DriveSchema, EventCreateSchema, EventQuerySchema, EventSchema,
                                      EventUpdateSchema, PledgeCreateSchema, PledgeQuerySchema,
                                      PledgeSchema, RegistrantSchema, RegistrationCreateSchema,
                                      RegistrationQuerySchema, RegistrationReceiptSchema,
                                      RegistrationSchema)
from services.events.models import Base, Event
from services.events.permissions import drive_actions, event_actions, pledge_actions

EVENT = EventSchema()
RECEIPT = RegistrationReceiptSchema()
REGISTRATION = RegistrationSchema()
REGISTRANTS = RegistrantSchema(many=True)
CHECK_IN = CheckInAnswerSchema()
MESSAGE = EventMessageSchema()
DRIVE = DriveSchema()
PLEDGE = PledgeSchema()
DELIVERY = DeliverySchema()
CLOSE_DRIVES_EVERY_SECONDS = 60
EXPIRE_REGISTRATIONS_EVERY_SECONDS = 60
REMIND_EVERY_SECONDS = 300


class EventsService(ReportingService):
    name = "events"
    db = Database(Base.metadata)
    config = Config()
    cipher = DataCipher()
    count_per_municipio = staticmethod(statistics.per_municipio)

    @rpc
    def list_events(self, query=None):
        args = load(EventQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            return paged(tx.session, agenda.search_statement(self.caller, **args), page,
                         per_page, self._event)

    @rpc
    def list_invitations(self, query=None):
        args = load(PageArgs, query)
        with self.db.transaction() as tx:
            return paged(tx.session, agenda.invitations_statement(self.caller), args["page"],
                         args["per_page"], self._event)

    @rpc
    def get_event(self, event_id):
        with self.db.transaction() as tx:
            return self._event(agenda.get_visible(tx.session, self.caller, event_id))

    @rpc
    def create_event(self, data):
        data = load(EventCreateSchema, data)
        with self.db.transaction() as tx:
            return self._event(agenda.create(tx, self.caller, data, utcnow()))

    @rpc
    def update_event(self, event_id, data):
        data = load(EventUpdateSchema, data)
        with self.db.transaction() as tx:
            return self._event(agenda.update(tx, self.caller, event_id, data, utcnow()))

    @rpc
    def publish_event(self, event_id):
        with self.db.transaction() as tx:
            return self._event(agenda.publish(tx, self.caller, event_id, utcnow()))

    @rpc
    def cancel_event(self, event_id):
        with self.db.transaction() as tx:
            return self._event(agenda.cancel(tx, self.caller, event_id, utcnow()))

    @rpc
    def accept_invitation(self, event_id):
        with self.db.transaction() as tx:
            return self._event(agenda.answer_invitation(
                tx, self.caller, event_id, True, utcnow()))

    @rpc
    def decline_invitation(self, event_id):
        with self.db.transaction() as tx:
            return self._event(agenda.answer_invitation(
                tx, self.caller, event_id, False, utcnow()))

    @rpc
    def register(self, event_id, data):
        data = load(RegistrationCreateSchema, data)
        with self.db.transaction() as tx:
            registration, token = registrations.register(
                tx, self.caller, event_id, data, utcnow(),
                timedelta(hours=self.config["REGISTRATION_CONFIRM_HOURS"]), self.cipher)
            return {**RECEIPT.dump(registration), "cancel_token": token}

    @rpc
    def cancel_registration(self, event_id, registration_id, query=None):
        token = load(CancelQuerySchema, query).get("token")
        with self.db.transaction() as tx:
            registrations.cancel(tx, self.caller, event_id, registration_id, token, utcnow())

    @rpc
    def confirm_registration(self, event_id, registration_id, data=None):
        """By the token of the link emailed to the registrant, or by an organiser."""
        token = load(ConfirmSchema, data).get("token")
        with self.db.transaction() as tx:
            return RECEIPT.dump(registrations.confirm(tx, self.caller, event_id, registration_id,
                                                      token, utcnow()))

    @rpc
    def list_registrations(self, event_id, query=None):
        args = load(RegistrationQuerySchema, query)
        with self.db.transaction() as tx:
            statement = registrations.search_statement(tx.session, self.caller, event_id,
                                                       args.get("status"))
            return paged(tx.session, statement, args["page"], args["per_page"],
                         REGISTRATION.dump)

    @rpc
    def export_registrations_csv(self, event_id):
        with self.db.transaction() as tx:
            return registrations.export_csv(tx.session, self.caller, event_id)

    @rpc
    def mark_attendance(self, event_id, registration_id, data=None):
        attended = load(AttendanceSchema, data)["attended"]
        with self.db.transaction() as tx:
            return REGISTRATION.dump(registrations.mark_attendance(
                tx, self.caller, event_id, registration_id, attended))

    @rpc
    def check_in(self, event_id, data):
        code = check_in.normalised(load(CheckInSchema, data)["code"])
        with self.db.transaction() as tx:
            registration, first = check_in.check_in(tx, self.caller, event_id, code, utcnow())
            return CHECK_IN.dump({"registration": registration, "first": first})

    @rpc
    def message_registrants(self, event_id, data):
        text = load(EventMessageCreateSchema, data)["text"]
        with self.db.transaction() as tx:
            return MESSAGE.dump(messages.send(tx, self.caller, event_id, text, utcnow()))

    @rpc
    def event_messages(self, event_id, query=None):
        args = load(PageArgs, query)
        with self.db.transaction() as tx:
            return paged(tx.session, messages.sent_statement(tx.session, self.caller, event_id),
                         args["page"], args["per_page"], MESSAGE.dump)

    @rpc
    def registration_pass(self, event_id, registration_id, query=None):
        """A confirmed registration's pass, to whoever holds its code."""
        code = load(CheckInSchema, query)["code"]
        with self.db.transaction() as tx:
            return RECEIPT.dump(check_in.by_code(tx.session, event_id, registration_id, code))

    @rpc
    def pass_code(self, event_id, registration_id):
        """Internal: the code of a confirmed registration's pass (notifications link it)."""
        self.caller.require_internal()
        with self.db.transaction() as tx:
            return check_in.code_of(tx.session, event_id, registration_id)

    @rpc
    def own_registration(self, event_id, registration_id, query=None):
        """The registration as its registrant sees it, by its token (its check-in code once
        confirmed)."""
        token = load(CancelQuerySchema, query).get("token") or ""
        with self.db.transaction() as tx:
            return RECEIPT.dump(registrations.own(tx.session, event_id, registration_id, token))

    @rpc
    def event_brief(self, event_id):
        """Internal: what notifications say of an event (its title and start), and whom its
        partners' webhooks tell of its registrations (its organisers)."""
        self.caller.require_internal()
        with self.db.transaction() as tx:
            event = tx.session.get(Event, event_id)
            if event is None:
                raise NotFound("No such event.", "event_not_found")
            return {"id": event.id, "title": event.title, "municipio": event.municipio,
                    "starts_at": local_time(event.starts_at).isoformat(),
                    "organizer_ids": list(event.organizer_ids)}

    @rpc
    def registrants(self, event_id):
        """Internal: whom to tell that an event changed (notifications)."""
        self.caller.require_internal()
        with self.db.transaction() as tx:
            return REGISTRANTS.dump(registrations.registrants(tx.session, event_id))

    @rpc
    def municipio_calendar(self, municipio):
        if not 1 <= int(municipio) <= 9:
            raise NotFound("No such municipio.", "municipio_not_found")
        with self.db.transaction() as tx:
            events = tx.session.execute(agenda.feed_statement(municipio=int(municipio))).scalars()
            return ical.calendar(list(events), f"Rete QuBì - Municipio {municipio}")

    @rpc
    def organization_calendar(self, organization_id):
        with self.db.transaction() as tx:
            events = tx.session.execute(agenda.feed_statement(organization_id=organization_id))
            return ical.calendar(list(events.scalars()), "Rete QuBì - eventi dell'organizzazione")

    @rpc
    def event_calendar(self, event_id):
        with self.db.transaction() as tx:
            event = agenda.get_visible(tx.session, self.caller, event_id)
            return ical.calendar([event], event.title)

    @rpc
    def list_drives(self, query=None):
        args = load(DriveQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            return paged(tx.session, drives.search_statement(**args), page, per_page,
                         self._drive)

    @rpc
    def get_drive(self, drive_id):
        with self.db.transaction() as tx:
            return self._drive(drives.get(tx.session, drive_id))

    @rpc
    def create_drive(self, data):
        now = utcnow()
        data = drives.load_new(self.caller, data, now)
        with self.db.transaction() as tx:
            return self._drive(drives.create(tx, self.caller, data, now))

    @rpc
    def close_drive(self, drive_id):
        with self.db.transaction() as tx:
            return self._drive(drives.close(tx, self.caller, drive_id, utcnow()))

    @rpc
    def pledge(self, drive_id, data):
        data = load(PledgeCreateSchema, data)
        with self.db.transaction() as tx:
            pledge = drives.pledge(tx, drive_id, data, utcnow())
            return self._pledge(drives.get(tx.session, drive_id), pledge)

    @rpc
    def list_pledges(self, drive_id, query=None):
        args = load(PledgeQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            statement = drives.pledges_statement(tx.session, self.caller, drive_id, **args)
            drive = drives.get(tx.session, drive_id)
            return paged(tx.session, statement, page, per_page,
                         lambda pledge: self._pledge(drive, pledge))

    @rpc
    def cancel_pledge(self, drive_id, pledge_id):
        with self.db.transaction() as tx:
            pledge = drives.cancel_pledge(tx, self.caller, drive_id, pledge_id, utcnow())
            return self._pledge(drives.get(tx.session, drive_id), pledge)

    @rpc
    def record_delivery(self, drive_id, data):
        data = load(DeliveryCreateSchema, data)
        with self.db.transaction() as tx:
            return DELIVERY.dump(drives.deliver(tx, self.caller, drive_id, data, utcnow()))

    @timer(interval=CLOSE_DRIVES_EVERY_SECONDS)
    def close_due_drives(self):
        with self.db.transaction() as tx:
            drives.close_due(tx, utcnow())

    @timer(interval=REMIND_EVERY_SECONDS)
    def remind_registrants(self):
        with self.db.transaction() as tx:
            messages.remind_due(tx, utcnow())

    @timer(interval=EXPIRE_REGISTRATIONS_EVERY_SECONDS)
    def expire_registrations(self):
        with self.db.transaction() as tx:
            registrations.expire_due(tx, utcnow())

    def _event(self, event) -> dict:
        return {**EVENT.dump(event), **agenda.shown_to(self.caller, event),
                "actions": event_actions(self.caller, event, utcnow())}

    def _drive(self, drive) -> dict:
        return {**DRIVE.dump(drives.present(drive)),
                "actions": drive_actions(self.caller, drive, utcnow())}

    def _pledge(self, drive, pledge) -> dict:
        return {**PLEDGE.dump(pledge), "actions": pledge_actions(self.caller, drive, pledge)}
