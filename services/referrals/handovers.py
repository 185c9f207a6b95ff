"""Referrals: a family handed over from one organisation to another, followed to an outcome.

    sent -> accepted -> completed (with an outcome)
    accepted | in_progress -> on_hold (on the receiver's waiting list, until a date)
    accepted | on_hold -> in_progress (the first contact is made) -> completed
    sent -> declined (with a reason)
    sent | accepted | on_hold | in_progress -> withdrawn (by the sender)
    any open state -> forwarded (forwards.py: to another receiver, with the sender's or the
    social worker's agreement)

Any other move is a conflict (409), and so is any move while a forward waits for its answer.
A second open referral of the same family to the same organisation is a conflict too. Every move
is recorded in the audit and told on the bus.
"""
from datetime import datetime, timezone

from sqlalchemy import select

from services.common.context import PARTNER, Caller
from services.common.database import next_in_sequence
from services.common.errors import Conflict, Forbidden, NotFound
from services.referrals import deadlines, family_cards, followed, listing, upkeep
from services.referrals.contract import OPEN, SENDERS
from services.referrals.models import (AuditEntry, CodeCounter, Consent, Family, Note, Referral,
                                       UnmetNeed)
from services.referrals.payloads import event_payload
from services.referrals.permissions import (AUDIT_READERS, CONSENT_KEEPERS, FAMILY_KEEPERS,
                                            MOVES, NOTE_WRITERS, actions)
from services.referrals.visibility import (RECEIVER, SENDER, present, relation,
                                           shows_personal_data, view_for)

# what the radar (radar.py) counts of a move: a decline's reasons that say a need went unmet
UNMET_DECLINES = ("no_capacity", "service_not_provided")
STAMPS = {"on_hold": "held_at", "in_progress": "started_at"}  # else `<status>_at`


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def send(tx, caller: Caller, data: dict, receiver: dict, cipher, now=None) -> Referral:
    """`receiver`: the receiving organisation as the directory knows it (id, municipi)."""
    caller.require_role(*SENDERS)
    family = _family(tx.session, caller, data["family"], cipher)
    referral = file(tx, family, data, receiver, cipher, now or utcnow(),
                    from_organization_id=caller.organization_id if caller.has_role(PARTNER)
                    else None, from_user_id=caller.user_id)
    audit_entry(tx.session, referral, caller, SENDER, "sent")
    return referral


def file(tx, family: Family, data: dict, receiver: dict, cipher, now: datetime,
         **fields) -> Referral:
    """A new referral of `family` to `receiver` (with the request's needs, summary, urgency
    and consent), told on the bus; a conflict when the family has an open one there."""
    require_no_open_referral(tx.session, family, receiver["id"])
    consent = data["consent"]
    referral = Referral(
        code=_next_code(tx.session, now.year), family=family, to_organization_id=receiver["id"],
        to_service_id=data.get("to_service_id"), municipio=family.municipio,
        to_municipi=receiver.get("municipi", []), needs=data["needs"],
        summary=data.get("summary"), urgency=data["urgency"], status="sent", sent_at=now,
        deadline_at=deadlines.deadline_for(now, data["urgency"]),
        consent=Consent(given_by=cipher.seal(consent["given_by"]), method=consent["method"],
                        obtained_at=consent["obtained_at"], expires_at=consent["expires_at"],
                        scope_organization_id=receiver["id"]), **fields)
    upkeep.file(tx.session, referral)
    tx.session.add(referral)
    tx.session.flush()
    tx.emit("referral_sent", event_payload(referral))
    return referral


def require_no_open_referral(session, family: Family, organization_id: str):
    """The same family twice at one organisation is one hand-over too many (409)."""
    if family.id is None:
        return
    found = session.execute(select(Referral.id, Referral.code).where(
        Referral.family_id == family.id, Referral.to_organization_id == organization_id,
        Referral.status.in_(OPEN))).first()
    if found:
        raise Conflict(f"This family already has an open referral to this organisation: "
                       f"{found.code}.", "referral_duplicate",
                       {"referral_id": found.id, "code": found.code})


def move(tx, caller: Caller, referral_id: str, status: str, now=None, **details) -> Referral:
    now = now or utcnow()
    referral, relation_ = visible_one(tx.session, caller, referral_id, for_update=True)
    allowed = MOVES.get((referral.status, status))
    if allowed is None:
        raise Conflict(f"A referral that is {referral.status} cannot become {status}.",
                       "referral_illegal_move", {"status": referral.status, "to": status})
    if relation_ != allowed:
        raise Forbidden(f"Only the {allowed.replace('_', ' ')} can make this referral {status}.",
                        "referral_move_not_yours", {"role": allowed, "status": status})
    require_no_forward_pending(referral)
    stamp = STAMPS.get(status, f"{status}_at")
    with upkeep.keeping_up(tx.session, referral):
        referral.status = status
        if status != "in_progress" or referral.started_at is None:  # the first contact's day
            setattr(referral, stamp, now)
        for field, value in details.items():
            setattr(referral, field, value)
        deadlines.restart(referral, now)
    unmet = {"on_hold": "on_hold"}.get(status) or (
        details.get("decline_reason") if details.get("decline_reason") in UNMET_DECLINES else None)
    if unmet:
        tx.session.add(UnmetNeed(referral_id=referral.id, municipio=referral.municipio,
                                 kind=unmet, at=now))
    if relation_ == RECEIVER:
        family_cards.resolve(tx.session, referral, now)
    audit_entry(tx.session, referral, caller, relation_, status)
    tx.emit(f"referral_{status}", event_payload(referral, **{
        key: value for key, value in details.items() if key in ("decline_reason", "outcome")}))
    return referral


def require_no_forward_pending(referral: Referral):
    if referral.forward_pending:
        raise Conflict("A forward of this referral waits for the sender's or the social "
                       "worker's answer.", "forward_pending")


def decline(tx, caller: Caller, referral_id: str, reason: str, note: str | None,
            cipher) -> Referral:
    """The receiver cannot take the family on. Its note for the sender joins the thread, sealed
    as every note is: it may name the family."""
    referral = move(tx, caller, referral_id, "declined", decline_reason=reason)
    if note and note.strip():
        add_note(tx, caller, referral_id, note.strip(), cipher)
    return referral


def read(tx, caller: Caller, referral_id: str, cipher, now=None) -> dict:
    """The referral as the caller may see it; a read of personal data or notes goes in the
    audit."""
    now = now or utcnow()
    referral, relation_ = visible_one(tx.session, caller, referral_id)
    view = view_for(caller, relation_, referral, now)
    shown = present(referral, view, cipher, now, actions=actions(relation_, referral, now))
    shown.update(followed.shown(tx.session, caller, referral, relation_))
    if shows_personal_data(view, True):
        if referral.family.personal is not None:
            audit_entry(tx.session, referral, caller, relation_, "read_personal_data")
        if any(note.body is not None for note in referral.notes):
            audit_entry(tx.session, referral, caller, relation_, "read_notes")
    return shown


def add_note(tx, caller: Caller, referral_id: str, body: str, cipher) -> Note:
    referral, relation_ = visible_one(tx.session, caller, referral_id)
    if relation_ not in NOTE_WRITERS:
        raise Forbidden("The notes are among sender, receiver and social worker.",
                        "note_writers_only")
    note = Note(author_user_id=caller.user_id, author_role=relation_, body=cipher.seal(body))
    referral.notes.append(note)
    if relation_ == RECEIVER:
        family_cards.resolve(tx.session, referral, utcnow())
    tx.session.flush()
    audit_entry(tx.session, referral, caller, relation_, "note_added")
    tx.emit("referral_note_added", event_payload(referral, note_id=note.id,
                                                 author_role=relation_))
    return note


def give_card(tx, caller: Caller, referral_id: str, channel: str, cipher, now=None) -> tuple:
    """(code, card): the family's card, given by those who know the family."""
    referral, relation_ = visible_one(tx.session, caller, referral_id, for_update=True)
    if relation_ not in FAMILY_KEEPERS:
        raise Forbidden("The sender or the social worker gives the family its card.",
                        "family_card_keepers_only")
    code, card = family_cards.issue(tx, referral, channel, cipher, now or utcnow())
    audit_entry(tx.session, referral, caller, relation_, f"family_card_{channel}")
    return code, card


def withdraw_consent(tx, caller: Caller, referral_id: str, now=None) -> Referral:
    """The guardian took consent back: the receiver stops seeing the family's data at once."""
    referral, relation_ = visible_one(tx.session, caller, referral_id, for_update=True)
    if relation_ not in CONSENT_KEEPERS:
        raise Forbidden("The sender or the social worker records a withdrawn consent.",
                        "consent_keepers_only")
    if referral.consent.withdrawn_at is not None:
        raise Conflict("Consent was already withdrawn.", "consent_withdrawn_already")
    referral.consent.withdrawn_at = now or utcnow()
    audit_entry(tx.session, referral, caller, relation_, "consent_withdrawn")
    tx.emit("referral_consent_withdrawn", event_payload(referral))
    return referral


def visible_page(session, caller: Caller, box=None, status=None, page=1, per_page=50) -> tuple:
    """(referral, view, actions) of one page of what the caller may see, overdue first, then
    newest; and how many there are in all."""
    caller.require_authenticated()
    now = utcnow()
    referrals, total = listing.page(session, caller, box, status, page, per_page)
    entries = []
    for referral in referrals:
        relation_ = relation(caller, referral)
        entries.append((referral, view_for(caller, relation_, referral, now),
                        actions(relation_, referral, now)))
    return entries, total


def audit_trail(session, caller: Caller, referral_id: str) -> list:
    referral, relation_ = visible_one(session, caller, referral_id)
    if relation_ not in AUDIT_READERS:
        raise Forbidden("The audit is for the social workers and coordinators of the municipio.",
                        "audit_readers_only")
    return session.execute(select(AuditEntry).where(AuditEntry.referral_id == referral.id)
                           .order_by(AuditEntry.at, AuditEntry.id)).scalars().all()


def visible_one(session, caller: Caller, referral_id: str, for_update=False):
    statement = select(Referral).where(Referral.id == referral_id)
    if for_update:
        statement = statement.with_for_update(of=Referral)
    referral = session.execute(statement).unique().scalar_one_or_none()
    relation_ = relation(caller, referral) if referral else None
    if relation_ is None:
        raise NotFound("No such referral.", "referral_not_found")
    return referral, relation_


def _family(session, caller: Caller, data: dict, cipher) -> Family:
    """The same family referred again by the same organisation is the same record."""
    owner = caller.organization_id if caller.has_role(PARTNER) else caller.user_id
    family = session.execute(select(Family).where(
        Family.owner_id == owner, Family.reference == data["reference"])).scalar_one_or_none()
    if family is None:
        family = Family(owner_id=owner, reference=data["reference"])
        session.add(family)
    family.municipio = data["municipio"]
    family.zone = data.get("zone")
    family.children_ages = [child["age"] for child in data["children"]]
    personal = {field: data[field] for field in ("guardian_name", "phone", "email", "contact",
                                                 "address", "notes") if data.get(field)}
    if personal:
        family.personal = cipher.seal(personal)
        family.erased_at = None
    return family


def _next_code(session, year: int) -> str:
    return f"R-{year}-{next_in_sequence(session, CodeCounter, year=year):04d}"


def audit_entry(session, referral, caller: Caller, relation_: str, action: str):
    session.add(AuditEntry(referral_id=referral.id, user_id=caller.user_id, role=relation_,
                           action=action))

