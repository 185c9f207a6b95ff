"""What a referral's answer says of how the hand-over is followed, beside the referral itself:
the forward waiting for an answer, the chain a forwarded family went through, the family's
other open referrals, and the family's card and word. Codes and organisations only: the
family's data is `visibility.present`'s."""
from sqlalchemy import select

from services.common.context import Caller
from services.referrals.contract import OPEN
from services.referrals.models import FamilyCard, ForwardProposal, Referral
from services.referrals.visibility import COORDINATION, SENDER, SOCIAL, relation

PROPOSED, AGREED, REFUSED = "proposed", "agreed", "refused"


def shown(session, caller: Caller, referral: Referral, relation_: str) -> dict:
    card = latest_card(session, referral.id)
    answered = card is not None and card.answer is not None
    return {
        "forward_proposal": _proposal(pending_proposal(session, referral)),
        "chain": chain(session, caller, referral),
        "open_elsewhere": (open_elsewhere(session, referral)
                           if relation_ in (SENDER, SOCIAL) else []),
        "family_card": ({"channel": card.channel, "issued_at": card.issued_at,
                         "expires_at": card.expires_at}
                        if card is not None and relation_ != COORDINATION else None),
        "family_word": ({"answer": card.answer, "answered_at": card.answered_at,
                         "escalated": card.escalated_at is not None} if answered else None),
    }


def pending_proposal(session, referral: Referral) -> ForwardProposal | None:
    if not referral.forward_pending:
        return None
    return session.execute(select(ForwardProposal).where(
        ForwardProposal.referral_id == referral.id, ForwardProposal.status == PROPOSED)
    ).scalars().first()


def chain(session, caller: Caller, referral: Referral) -> list:
    """The chain's referrals, first to last, each with why it was passed on and whether the
    caller may open it (the receiver that passed the family on follows it here, in its own)."""
    if referral.chain_id is None:
        return []
    found = session.execute(select(Referral).where(Referral.chain_id == referral.chain_id)
                            ).scalars().all()
    after = {link.previous_referral_id: link for link in found}
    links, link = [], after.get(None)
    while link is not None:
        links.append(link)
        link = after.get(link.id)
    reasons = dict(session.execute(select(ForwardProposal.referral_id, ForwardProposal.reason)
                                   .where(ForwardProposal.referral_id.in_([r.id for r in links]),
                                          ForwardProposal.status == AGREED)).all())
    return [{**_link(link, reasons.get(link.id)), "readable": relation(caller, link) is not None}
            for link in links]


def open_elsewhere(session, referral: Referral) -> list:
    """The family's other open referrals (to other organisations: to the same one is a 409)."""
    others = session.execute(select(Referral).where(
        Referral.family_id == referral.family_id, Referral.id != referral.id,
        Referral.status.in_(OPEN)).order_by(Referral.sent_at)).scalars().all()
    return [_link(other) for other in others]


def latest_card(session, referral_id: str) -> FamilyCard | None:
    return session.execute(select(FamilyCard).where(
        FamilyCard.referral_id == referral_id, FamilyCard.revoked_at.is_(None))
        .order_by(FamilyCard.issued_at.desc())).scalars().first()


def _link(referral: Referral, forward_reason: str | None = None) -> dict:
    return {"id": referral.id, "code": referral.code, "status": referral.status,
            "from_organization_id": referral.from_organization_id,
            "to_organization_id": referral.to_organization_id,
            "to_service_id": referral.to_service_id, "sent_at": referral.sent_at,
            "forwarded_at": referral.forwarded_at, "forward_reason": forward_reason}


def _proposal(proposal: ForwardProposal | None) -> dict | None:
    if proposal is None:
        return None
    return {"to_organization_id": proposal.to_organization_id,
            "to_service_id": proposal.to_service_id, "reason": proposal.reason,
            "proposed_at": proposal.proposed_at}
