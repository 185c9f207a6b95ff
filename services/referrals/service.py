"""The referrals service: hand-overs of families between organisations, followed to an outcome."""
from nameko.dependency_providers import Config
from nameko.timer import timer

from services.common.database import Database
from services.common.rpc import ServiceRpc, rpc
from services.common.schemas import ROME, load
from services.common.sealing import DataCipher
from services.common.service import ReportingService
from services.common.periods import Period
from services.referrals import (audit, deadlines, family_cards, forwards, handovers, radar,
                                receivers, retention, statistics)
from services.referrals.contract import (AuditEntrySchema, CompleteSchema, DeclineSchema,
                                         FamilyAnswerOutSchema, FamilyAnswerSchema,
                                         FamilyCardCreateSchema, FamilyCardSchema, ForwardSchema,
                                         HoldSchema, NoteCreateSchema, NoteSchema,
                                         ReferralQuerySchema, ReferralSchema, RefuseForwardSchema,
                                         UnmetNeedsQuerySchema, UnmetNeedsSchema, WithdrawSchema)
from services.referrals.models import Base
from services.referrals.visibility import present

REFERRAL = ReferralSchema()
AUDIT = AuditEntrySchema(many=True)
NOTE = NoteSchema()
FAMILY_CARD = FamilyCardSchema()
FAMILY_ANSWER = FamilyAnswerOutSchema()
UNMET_NEEDS = UnmetNeedsSchema()


class ReferralsService(ReportingService):
    name = "referrals"
    db = Database(Base.metadata)
    cipher = DataCipher()
    directory_rpc = ServiceRpc("directory")
    config = Config()
    count_per_municipio = staticmethod(statistics.per_municipio)

    @rpc
    def send_referral(self, data):
        data, receiver = receivers.checked_request(data, self.directory_rpc)
        with self.db.transaction() as tx:
            referral = handovers.send(tx, self.caller, data, receiver, self.cipher)
            return REFERRAL.dump(handovers.read(tx, self.caller, referral.id, self.cipher))

    @rpc
    def list_referrals(self, query=None):
        args = load(ReferralQuerySchema, query)
        page, per_page = args["page"], args["per_page"]
        with self.db.transaction() as tx:
            found, total = handovers.visible_page(tx.session, self.caller, args.get("box"),
                                                  args.get("status"), page, per_page)
            now = handovers.utcnow()
            items = [REFERRAL.dump(present(referral, view, self.cipher, now, personal=False,
                                           actions=actions))
                     for referral, view, actions in found]
        return {"items": items, "page": page, "per_page": per_page, "total": total}

    @rpc
    def get_referral(self, referral_id):
        with self.db.transaction() as tx:
            return REFERRAL.dump(handovers.read(tx, self.caller, referral_id, self.cipher))

    @rpc
    def accept_referral(self, referral_id):
        return self._move(referral_id, "accepted")

    @rpc
    def decline_referral(self, referral_id, data):
        data = load(DeclineSchema, data)
        with self.db.transaction() as tx:
            handovers.decline(tx, self.caller, referral_id, data["reason"], data.get("note"),
                              self.cipher)
            return REFERRAL.dump(handovers.read(tx, self.caller, referral_id, self.cipher))

    @rpc
    def complete_referral(self, referral_id, data):
        data = load(CompleteSchema, data)
        return self._move(referral_id, "completed", outcome=data["outcome"])

    @rpc
    def withdraw_referral(self, referral_id, data):
        data = load(WithdrawSchema, data)
        return self._move(referral_id, "withdrawn", withdraw_reason=data["reason"])

    @rpc
    def hold_referral(self, referral_id, data):
        data = load(HoldSchema, data)
        return self._move(referral_id, "on_hold", held_until=data["until"],
                          hold_reason=data["reason"])

    @rpc
    def start_referral(self, referral_id):
        return self._move(referral_id, "in_progress")

    @rpc
    def forward_referral(self, referral_id, data):
        data, receiver = receivers.checked_request(data, self.directory_rpc, ForwardSchema)
        with self.db.transaction() as tx:
            forwards.propose(tx, self.caller, referral_id, data, receiver, self.cipher,
                             handovers.utcnow())
            return REFERRAL.dump(handovers.read(tx, self.caller, referral_id, self.cipher))

    @rpc
    def agree_forward(self, referral_id):
        """The new referral, sent to the forward's receiver."""
        with self.db.transaction() as tx:
            new = forwards.agree(tx, self.caller, referral_id, self.cipher, handovers.utcnow())
            return REFERRAL.dump(handovers.read(tx, self.caller, new.id, self.cipher))

    @rpc
    def refuse_forward(self, referral_id, data):
        data = load(RefuseForwardSchema, data)
        with self.db.transaction() as tx:
            forwards.refuse(tx, self.caller, referral_id, data["reason"], handovers.utcnow())
            return REFERRAL.dump(handovers.read(tx, self.caller, referral_id, self.cipher))

    @rpc
    def give_family_card(self, referral_id, data=None):
        data = load(FamilyCardCreateSchema, data or {})
        with self.db.transaction() as tx:
            code, card = handovers.give_card(tx, self.caller, referral_id, data["channel"],
                                             self.cipher)
            return FAMILY_CARD.dump({"code": code, "channel": card.channel,
                                     "expires_at": card.expires_at})

    @rpc
    def family_answer(self, code, data):
        """Anyone holding the card's code: no account, no name."""
        data = load(FamilyAnswerSchema, data)
        with self.db.transaction() as tx:
            card = family_cards.answer(tx, code, data["answer"], handovers.utcnow())
            return FAMILY_ANSWER.dump(card)

    @rpc
    def unmet_needs(self, query=None):
        args = load(UnmetNeedsQuerySchema, query or {})
        municipi = radar.scope(self.caller, args.get("municipio"))
        period = Period.of_args(args) or radar.default_period(
            handovers.utcnow().astimezone(ROME).date())
        with self.db.transaction() as tx:
            return UNMET_NEEDS.dump(radar.report(tx.session, municipi, period))

    @rpc
    def withdraw_consent(self, referral_id):
        with self.db.transaction() as tx:
            handovers.withdraw_consent(tx, self.caller, referral_id)
            return REFERRAL.dump(handovers.read(tx, self.caller, referral_id, self.cipher))

    @rpc
    def add_note(self, referral_id, data):
        data = load(NoteCreateSchema, data)
        with self.db.transaction() as tx:
            note = handovers.add_note(tx, self.caller, referral_id, data["body"], self.cipher)
            return NOTE.dump({"id": note.id, "author_user_id": note.author_user_id,
                              "author_role": note.author_role, "body": data["body"],
                              "created_at": note.created_at})

    @rpc
    def audit_trail(self, referral_id):
        with self.db.transaction() as tx:
            entries = handovers.audit_trail(tx.session, self.caller, referral_id)
        # half the RPC timeout: the trail must reach its own caller before that caller gives up
        people = audit.people(self.directory_rpc, [entry.user_id for entry in entries],
                              float(self.config.get("RPC_TIMEOUT", 5)) / 2)
        return {"items": AUDIT.dump(audit.named(entries, people))}

    @timer(interval=60)
    def sweep_deadlines(self):
        with self.db.transaction() as tx:
            deadlines.sweep(tx, handovers.utcnow())
            family_cards.escalate_unanswered(tx, handovers.utcnow())

    @timer(interval=3600)
    def erase_expired_personal_data(self):
        months = int(self.config.get("REFERRAL_RETENTION_MONTHS", 24))
        with self.db.transaction() as tx:
            retention.erase_expired(tx, handovers.utcnow(), months)

    def _move(self, referral_id, status, **details):
        with self.db.transaction() as tx:
            handovers.move(tx, self.caller, referral_id, status, **details)
            return REFERRAL.dump(handovers.read(tx, self.caller, referral_id, self.cipher))
