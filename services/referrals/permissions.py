"""Who may do what to a referral, by how the caller stands to it (`visibility.relation`) and the
referral's state. The same rules refuse a move and list the caller's `actions` in an answer."""
from datetime import datetime

from services.referrals.contract import OPEN
from services.referrals.models import Referral
from services.referrals.visibility import COORDINATION, RECEIVER, SENDER, SOCIAL, consent_valid

MOVES = {  # (from, to): who may make the move
    ("sent", "accepted"): RECEIVER,
    ("sent", "declined"): RECEIVER,
    ("accepted", "on_hold"): RECEIVER,
    ("in_progress", "on_hold"): RECEIVER,
    ("accepted", "in_progress"): RECEIVER,
    ("on_hold", "in_progress"): RECEIVER,
    **{(start, "completed"): RECEIVER for start in ("accepted", "on_hold", "in_progress")},
    **{(start, "withdrawn"): SENDER for start in OPEN},
}
MOVE_ACTIONS = {"accepted": "accept", "declined": "decline", "completed": "complete",
                "withdrawn": "withdraw", "on_hold": "hold", "in_progress": "start"}
NOTE_WRITERS = (SENDER, RECEIVER, SOCIAL)
CONSENT_KEEPERS = (SENDER, SOCIAL)
AUDIT_READERS = (SOCIAL, COORDINATION)
# who agrees to a receiver's forward, and gives the family its card: those who know the family
FAMILY_KEEPERS = (SENDER, SOCIAL)


def actions(relation_: str, referral: Referral, now: datetime) -> list:
    """What the caller may do now: accept, decline, hold, start, complete, forward, withdraw,
    agree_forward, refuse_forward, family_card, withdraw_consent, add_note, audit. While a
    forward waits for its answer, that answer is the only move."""
    allowed = []
    if referral.forward_pending:
        if relation_ in FAMILY_KEEPERS:
            allowed += ["agree_forward", "refuse_forward"]
    else:
        allowed += [MOVE_ACTIONS[to] for (start, to), mover in MOVES.items()
                    if start == referral.status and mover == relation_]
        if relation_ == RECEIVER and referral.status in OPEN:
            allowed.append("forward")
    if relation_ in FAMILY_KEEPERS and referral.status in OPEN:
        allowed.append("family_card")
    if relation_ in CONSENT_KEEPERS and consent_valid(referral, now):
        allowed.append("withdraw_consent")
    if relation_ in NOTE_WRITERS:
        allowed.append("add_note")
    if relation_ in AUDIT_READERS:
        allowed.append("audit")
    return allowed
