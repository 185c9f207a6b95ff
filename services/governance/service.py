"""The governance service: the meetings of the programme's bodies, their minutes, the decisions
with what they authorise, and the actions they give out, each seen at its own tier."""
from datetime import datetime

from nameko.timer import timer

from services.common.database import Database, find, utcnow
from services.common.errors import Forbidden, Invalid, NotFound
from services.common.rpc import ServiceRpc, rpc
from services.common.schemas import ROME, load, paged
from services.common.service import QubiService
from services.governance import (actions, bodies, decisions, documents, invitation, meetings,
                                 minutes)
from services.governance.contract import (DRIVE, EVENT, FUND_REQUEST, ActionCreateSchema,
                                          ActionQuerySchema, ActionSchema, ActionUpdateSchema,
                                          AttendanceSchema, DecisionCreateSchema,
                                          DecisionQuerySchema, DecisionSchema,
                                          DocumentCreateSchema, DocumentFileSchema,
                                          DocumentSchema, MeetingCancelSchema,
                                          MeetingCreateSchema, MeetingQuerySchema, MeetingSchema,
                                          MeetingUpdateSchema, MinutesCommentCreateSchema,
                                          MinutesSchema, MinutesWriteSchema, RsvpSchema)
from services.governance.models import Base, Meeting

MEETING = MeetingSchema()
MINUTES = MinutesSchema()
DECISION = DecisionSchema()
ACTION = ActionSchema()
# what a decision's links name, asked of the service that holds it, as the one who records it
LINKED = {FUND_REQUEST: ("funds_rpc", "get_request"), DRIVE: ("events_rpc", "get_drive"),
          EVENT: ("events_rpc", "get_event")}


class GovernanceService(QubiService):
    name = "governance"
    db = Database(Base.metadata)
    directory_rpc = ServiceRpc("directory")
    funds_rpc = ServiceRpc("funds")
    events_rpc = ServiceRpc("events")
    storage = documents.DocumentStorage()

    # --- meetings --------------------------------------------------------------------------------

    @rpc
    def list_meetings(self, query=None):
        args = load(MeetingQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            statement = meetings.page_statement(self.caller, now=utcnow(), **args)
            return paged(tx.session, statement, page, per_page, lambda meeting: MEETING.dump(
                meetings.present(tx.session, self.caller, meeting, summary=True)))

    @rpc
    def get_meeting(self, meeting_id):
        with self.db.transaction() as tx:
            return self._meeting(tx, meetings.visible(tx.session, self.caller, meeting_id))

    @rpc
    def bodies_to_convene(self):
        """The bodies the caller chairs, with their members as the directory has them."""
        self.caller.require_authenticated()
        return {"items": bodies.chaired_by(self.directory_rpc, self.caller)}

    @rpc
    def create_meeting(self, data):
        data = load(MeetingCreateSchema, data)
        self.caller.require_authenticated()
        body = bodies.of_directory(self.directory_rpc, data["body_id"])
        with self.db.transaction() as tx:
            return self._meeting(tx, meetings.convene(tx, self.caller, body, data, utcnow()))

    @rpc
    def update_meeting(self, meeting_id, data):
        data = load(MeetingUpdateSchema, data)
        with self.db.transaction() as tx:
            return self._meeting(tx, meetings.change(tx, self.caller, meeting_id, data, utcnow()))

    @rpc
    def cancel_meeting(self, meeting_id, data=None):
        data = load(MeetingCancelSchema, data)
        with self.db.transaction() as tx:
            return self._meeting(tx, meetings.cancel(tx, self.caller, meeting_id, data, utcnow()))

    @rpc
    def answer_invitation(self, meeting_id, data):
        given = load(RsvpSchema, data)["answer"]
        with self.db.transaction() as tx:
            return self._meeting(tx, meetings.answer(tx, self.caller, meeting_id, given, utcnow()))

    @rpc
    def record_attendance(self, meeting_id, data):
        present = load(AttendanceSchema, data)["present"]
        with self.db.transaction() as tx:
            return self._meeting(tx, meetings.take_attendance(tx, self.caller, meeting_id, present))

    @rpc
    def meeting_invitation(self, meeting_id, organizer, attendees):
        """Internal: the meeting's invitation as an iCalendar text, for the emails that
        carry it."""
        self.caller.require_internal()
        with self.db.transaction() as tx:
            meeting = find(tx.session, Meeting, meeting_id)
            if meeting is None:
                raise NotFound("No such meeting.", "meeting_not_found")
            return invitation.calendar(meeting, organizer, attendees)

    # --- minutes ---------------------------------------------------------------------------------

    @rpc
    def get_minutes(self, meeting_id, version=None):
        with self.db.transaction() as tx:
            meeting = meetings.visible(tx.session, self.caller, meeting_id)
            found = (minutes.version_of(tx.session, meeting.id, version) if version
                     else minutes.written(tx.session, meeting.id))
            return MINUTES.dump(minutes.present(tx.session, self.caller, meeting, found))

    @rpc
    def write_minutes(self, meeting_id, data):
        data = load(MinutesWriteSchema, data)
        with self.db.transaction() as tx:
            return self._minutes(tx, minutes.write(tx, self.caller, meeting_id, data, utcnow()))

    @rpc
    def comment_minutes(self, meeting_id, data):
        text = load(MinutesCommentCreateSchema, data)["text"]
        with self.db.transaction() as tx:
            return self._minutes(tx, minutes.comment(tx, self.caller, meeting_id, text, utcnow()))

    @rpc
    def approve_minutes(self, meeting_id):
        with self.db.transaction() as tx:
            return self._minutes(tx, minutes.approve(tx, self.caller, meeting_id, utcnow()))

    # --- decisions -------------------------------------------------------------------------------

    @rpc
    def list_decisions(self, query=None):
        args = load(DecisionQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            found = paged(tx.session, decisions.page_statement(self.caller, **args), page,
                          per_page, lambda decision: decision)
            found["items"] = DECISION.dump(decisions.present_page(tx.session, self.caller,
                                                                  found["items"]), many=True)
            return found

    @rpc
    def get_decision(self, decision_id):
        with self.db.transaction() as tx:
            return DECISION.dump(decisions.present(
                tx.session, self.caller, decisions.visible(tx.session, self.caller, decision_id)))

    @rpc
    def record_decision(self, data):
        data = load(DecisionCreateSchema, data)
        with self.db.transaction() as tx:  # the chair's, before asking the others anything
            meetings.chaired(tx.session, self.caller, data["meeting_id"])
        outside = {(link["kind"], link["id"]) for link in data["links"] if link["kind"] in LINKED}
        seen = {key for key in outside if self._sees(*key)}
        with self.db.transaction() as tx:
            decision = decisions.record(tx, self.caller, data,
                                        lambda kind, record_id: (kind, record_id) in seen,
                                        utcnow())
            return DECISION.dump(decisions.present(tx.session, self.caller, decision))

    def _sees(self, kind, record_id) -> bool:
        proxy, method = LINKED[kind]
        try:
            getattr(getattr(self, proxy), method)(record_id)
        except (NotFound, Forbidden, Invalid):
            return False
        return True

    # --- actions ---------------------------------------------------------------------------------

    @rpc
    def list_actions(self, query=None):
        args = load(ActionQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        today = _today()
        with self.db.transaction() as tx:
            return paged(tx.session, actions.page_statement(self.caller, today, **args), page,
                         per_page, lambda action: ACTION.dump(
                             actions.present(self.caller, action, today)))

    @rpc
    def get_action(self, action_id):
        with self.db.transaction() as tx:
            return self._action(tx, actions.visible(tx.session, self.caller, action_id))

    @rpc
    def assign_action(self, data):
        data = load(ActionCreateSchema, data)
        with self.db.transaction() as tx:
            return self._action(tx, actions.assign(tx, self.caller, data, _today(), utcnow()))

    @rpc
    def update_action(self, action_id, data):
        data = load(ActionUpdateSchema, data)
        with self.db.transaction() as tx:
            return self._action(tx, actions.update(tx, self.caller, action_id, data, _today(),
                                                   utcnow()))

    @timer(interval=60, eager=True)  # a restarted service reminds at once of what came due
    def remind_of_actions(self):
        with self.db.transaction() as tx:
            actions.remind(tx, _today(), utcnow())

    # --- documents -------------------------------------------------------------------------------

    @rpc
    def attach_document(self, meeting_id, data):
        data = load(DocumentCreateSchema, data)
        with self.db.transaction() as tx:
            return DocumentSchema().dump(documents.attach(tx, self.caller, self.storage,
                                                          meeting_id, data, utcnow()))

    @rpc
    def get_document(self, meeting_id, document_id):
        with self.db.transaction() as tx:
            return DocumentFileSchema().dump(documents.read(
                tx.session, self.caller, self.storage, meeting_id, document_id))

    def _meeting(self, tx, meeting):
        tx.session.flush()
        return MEETING.dump(meetings.present(tx.session, self.caller, meeting))

    def _minutes(self, tx, found):
        meeting = tx.session.get(Meeting, found.meeting_id)
        return MINUTES.dump(minutes.present(tx.session, self.caller, meeting, found))

    def _action(self, tx, action):
        return ACTION.dump(actions.present(self.caller, action, _today()))


def _today():
    return datetime.now(ROME).date()
