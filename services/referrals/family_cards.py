"""The family's word: a card with a short code, handed over printed or sent by SMS, that the
family answers on a public page with no account and no name: "we met" or "nobody called us".

The code is 10 characters of Crockford's base 32 (50 bits; the gateway limits tries as it limits
logins), kept only as its hash, and lasts LIFETIME; the page asks its question of any code and
says nothing of the family, the organisations or the referral. A "nobody called us" that the
receiver leaves without a move or a note for ANSWER_WORKING_DAYS is escalated to the
coordinators, as an overdue referral is. A forwarded family keeps its card: it follows the
chain to the new referral."""
import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select, update

from services.common import checks, codes
from services.common.errors import Conflict, Gone, Invalid, NotFound
from services.common.schemas import local_time
from services.referrals import upkeep
from services.referrals.contract import OPEN
from services.referrals.deadlines import add_working_days
from services.referrals.models import FamilyCard, Referral, UnmetNeed
from services.referrals.payloads import event_payload

CODE_LENGTH = 10
LIFETIME = timedelta(days=90)
ANSWER_WORKING_DAYS = 2
MET, NOT_CONTACTED = "met", "not_contacted"


def issue(tx, referral: Referral, channel: str, cipher, now: datetime) -> tuple:
    """(code, card): a new card for the referral (a card given before stops answering). By SMS,
    to the phone the family gave, sealed on the bus for the notifications service."""
    if referral.status not in OPEN:
        raise Conflict("A card is given while the hand-over is open.", "family_card_closed")
    phone = None
    if channel == "sms":
        personal = cipher.open(referral.family.personal) or {}
        phone = personal.get("phone") or _phone_in(personal.get("contact"))
        if not phone:
            raise Invalid({"channel": [checks.reason(
                "family_card_no_phone", "The family gave no phone number to send it to.")]})
    tx.session.execute(update(FamilyCard).where(
        FamilyCard.referral_id == referral.id, FamilyCard.revoked_at.is_(None)
    ).values(revoked_at=now))
    code = codes.new_code(CODE_LENGTH)
    card = FamilyCard(referral_id=referral.id, code_hash=_hash(code), channel=channel,
                      issued_at=now, expires_at=now + LIFETIME)
    tx.session.add(card)
    tx.session.flush()
    if phone:
        tx.emit("referral_family_card", event_payload(
            referral, sealed=cipher.seal_text({"phone": phone, "code": code}),
            expires_at=card.expires_at.isoformat()))
    return code, card


def answer(tx, code: str, given: str, now: datetime) -> FamilyCard:
    """The family's answer; a later answer replaces an earlier one (nobody called, then met)."""
    card = tx.session.execute(select(FamilyCard).where(
        FamilyCard.code_hash == _hash(codes.typed(code))).with_for_update()).scalar_one_or_none()
    if card is None or card.revoked_at is not None:
        raise NotFound("No such card.", "family_card_unknown")
    if local_time(card.expires_at) <= now:  # SQLite gives naive UTC back
        raise Gone("This card has expired.", "family_card_expired")
    if card.answer == given:
        return card
    referral = tx.session.execute(select(Referral).where(Referral.id == card.referral_id)
                                  .with_for_update(of=Referral)).unique().scalar_one()
    card.answer, card.answered_at = given, now
    card.due_at = add_working_days(now, ANSWER_WORKING_DAYS) if given == NOT_CONTACTED else None
    card.resolved_at = now if given == MET else None
    with upkeep.keeping_up(tx.session, referral):
        referral.family_answer = given
    if given == NOT_CONTACTED:
        tx.session.add(UnmetNeed(referral_id=referral.id, municipio=referral.municipio,
                                 kind=NOT_CONTACTED, at=now))
    tx.emit("referral_family_answered", event_payload(referral, answer=given))
    return card


def resolve(session, referral: Referral, now: datetime):
    """The receiver moved or wrote: a "nobody called us" has had its answer."""
    session.execute(update(FamilyCard).where(
        FamilyCard.referral_id == referral.id, FamilyCard.answer == NOT_CONTACTED,
        FamilyCard.resolved_at.is_(None)).values(resolved_at=now))


def follow(session, forwarded: Referral, new: Referral):
    session.execute(update(FamilyCard).where(
        FamilyCard.referral_id == forwarded.id, FamilyCard.revoked_at.is_(None)
    ).values(referral_id=new.id))


def escalate_unanswered(tx, now: datetime) -> int:
    """Tells the coordinators of each "nobody called us" left unanswered past its day."""
    cards = tx.session.execute(select(FamilyCard).where(
        FamilyCard.answer == NOT_CONTACTED, FamilyCard.resolved_at.is_(None),
        FamilyCard.escalated_at.is_(None), FamilyCard.due_at <= now,
        FamilyCard.revoked_at.is_(None)).with_for_update()).scalars().all()
    for card in cards:
        card.escalated_at = now
        referral = tx.session.get(Referral, card.referral_id)
        tx.emit("referral_escalated", event_payload(referral, reason="family_not_contacted"))
    return len(cards)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _phone_in(contact: str | None) -> str | None:
    return contact if contact and "@" not in contact else None

