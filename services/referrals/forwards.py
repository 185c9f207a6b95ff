"""Forwards: a receiver that cannot take the family (or knows a better place) proposes to pass
it on, with the guardian's consent naming the new receiver; the sender or the municipio's social
worker agrees or refuses. Agreed, the referral is `forwarded` and a new one is sent to the new
receiver, in the same chain: the first sender stays its sender and follows it to the end, and
everyone on the chain sees it (followed.chain)."""
from datetime import datetime

from services.common import checks
from services.common.context import Caller
from services.common.errors import Conflict, Forbidden, Invalid
from services.referrals import family_cards, handovers, upkeep
from services.referrals.contract import OPEN
from services.referrals.followed import AGREED, PROPOSED, REFUSED, pending_proposal
from services.referrals.models import ForwardProposal, Referral, UnmetNeed
from services.referrals.payloads import event_payload
from services.referrals.permissions import FAMILY_KEEPERS
from services.referrals.visibility import RECEIVER


def propose(tx, caller: Caller, referral_id: str, data: dict, receiver: dict, cipher,
            now: datetime) -> ForwardProposal:
    """`receiver`: the new receiving organisation as the directory knows it."""
    referral, relation_ = handovers.visible_one(tx.session, caller, referral_id, for_update=True)
    if relation_ != RECEIVER:
        raise Forbidden("Only the receiver passes a referral on.", "forward_receiver_only")
    if referral.status not in OPEN:
        raise Conflict(f"A referral that is {referral.status} cannot be passed on.",
                       "referral_illegal_move", {"status": referral.status, "to": "forwarded"})
    handovers.require_no_forward_pending(referral)
    _require_new_receiver(referral, data, receiver)
    handovers.require_no_open_referral(tx.session, referral.family, receiver["id"])
    consent = data["consent"]
    proposal = ForwardProposal(
        referral_id=referral.id, to_organization_id=receiver["id"],
        to_service_id=data.get("to_service_id"), to_municipi=receiver.get("municipi", []),
        reason=data["reason"], proposed_by_user_id=caller.user_id, proposed_at=now,
        consent_given_by=cipher.seal(consent["given_by"]), consent_method=consent["method"],
        consent_obtained_at=consent["obtained_at"], consent_expires_at=consent["expires_at"],
        status=PROPOSED)
    tx.session.add(proposal)
    referral.forward_pending = True
    if data["reason"] in handovers.UNMET_DECLINES:
        tx.session.add(UnmetNeed(referral_id=referral.id, municipio=referral.municipio,
                                 kind=data["reason"], at=now))
    if data.get("note", "").strip():
        handovers.add_note(tx, caller, referral_id, data["note"].strip(), cipher)
    handovers.audit_entry(tx.session, referral, caller, relation_, "forward_proposed")
    tx.emit("referral_forward_proposed", event_payload(
        referral, forward_reason=data["reason"], forward_to_organization_id=receiver["id"]))
    return proposal


def agree(tx, caller: Caller, referral_id: str, cipher, now: datetime) -> Referral:
    """The new referral, sent to the proposal's receiver; the old one is `forwarded`."""
    referral, proposal, relation_ = _decided(tx, caller, referral_id)
    consent = {"given_by": cipher.open(proposal.consent_given_by),
               "method": proposal.consent_method, "obtained_at": proposal.consent_obtained_at,
               "expires_at": proposal.consent_expires_at}
    with upkeep.keeping_up(tx.session, referral):
        referral.forward_pending = False
        referral.status = "forwarded"
        referral.forwarded_at = now
        referral.chain_id = referral.chain_id or referral.id
    new = handovers.file(
        tx, referral.family, {"needs": referral.needs, "summary": referral.summary,
                              "urgency": referral.urgency, "consent": consent,
                              "to_service_id": proposal.to_service_id},
        {"id": proposal.to_organization_id, "municipi": proposal.to_municipi}, cipher, now,
        from_organization_id=referral.from_organization_id,
        from_user_id=referral.from_user_id, chain_id=referral.chain_id,
        previous_referral_id=referral.id,
        forwarded_by_organization_id=referral.to_organization_id)
    _close(proposal, caller, now, AGREED, new_referral_id=new.id)
    family_cards.follow(tx.session, referral, new)
    handovers.audit_entry(tx.session, referral, caller, relation_, "forwarded")
    handovers.audit_entry(tx.session, new, caller, relation_, "sent_by_forward")
    tx.emit("referral_forwarded", event_payload(
        referral, new_referral_id=new.id, new_code=new.code, forward_reason=proposal.reason,
        forward_to_organization_id=new.to_organization_id))
    return new


def refuse(tx, caller: Caller, referral_id: str, reason: str, now: datetime) -> Referral:
    """The referral goes on with its receiver, which may answer it as before."""
    referral, proposal, relation_ = _decided(tx, caller, referral_id)
    referral.forward_pending = False
    _close(proposal, caller, now, REFUSED, refuse_reason=reason)
    handovers.audit_entry(tx.session, referral, caller, relation_, "forward_refused")
    tx.emit("referral_forward_refused", event_payload(referral))
    return referral


def _decided(tx, caller: Caller, referral_id: str) -> tuple:
    referral, relation_ = handovers.visible_one(tx.session, caller, referral_id, for_update=True)
    if relation_ not in FAMILY_KEEPERS:
        raise Forbidden("The sender or the municipio's social worker answers a forward.",
                        "forward_answer_not_yours")
    proposal = pending_proposal(tx.session, referral)
    if proposal is None:
        raise Conflict("No forward of this referral waits for an answer.", "forward_none")
    return referral, proposal, relation_


def _close(proposal: ForwardProposal, caller: Caller, now: datetime, status: str, **fields):
    """The proposal answered; the consent's signatory has moved to the new referral, or is not
    needed any more."""
    proposal.status = status
    proposal.decided_by_user_id = caller.user_id
    proposal.decided_at = now
    proposal.consent_given_by = None
    for field, value in fields.items():
        setattr(proposal, field, value)


def _require_new_receiver(referral: Referral, data: dict, receiver: dict):
    errors = {}
    if receiver["id"] == referral.to_organization_id:
        field = "to_service_id" if data.get("to_service_id") else "to_organization_id"
        errors[field] = [checks.reason("forward_same_receiver",
                                       "Pass the family on to another organisation.")]
    if data["consent"]["organization_id"] != receiver["id"]:
        errors["consent"] = {"organization_id": [checks.reason(
            "consent_names_other", "The guardian's consent must name the new receiver.")]}
    if errors:
        raise Invalid(errors)
