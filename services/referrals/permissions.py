"""Who may do what to a referral, by how the caller stands to it (`visibility.relation`) and the
referral's state. The same rules refuse a move and list the caller's `actions` in an answer."""
from datetime import datetime

from services.referrals.models import Referral
from services.referrals.visibility import COORDINATION, RECEIVER, SENDER, SOCIAL, consent_valid

MOVES = {  # (from, to): who may make the move
    ("sent", "accepted"): RECEIVER,
    ("sent", "declined"): RECEIVER,
    ("accepted", "completed"): RECEIVER,
    ("sent", "withdrawn"): SENDER,
    ("accepted", "withdrawn"): SENDER,
}
MOVE_ACTIONS = {"accepted": "accept", "declined": "decline", "completed": "complete",
                "withdrawn": "withdraw"}
NOTE_WRITERS = (SENDER, RECEIVER, SOCIAL)
CONSENT_KEEPERS = (SENDER, SOCIAL)
AUDIT_READERS = (SOCIAL, COORDINATION)


def actions(relation_: str, referral: Referral, now: datetime) -> list:
    """What the caller may do now: accept, decline, complete, withdraw, withdraw_consent,
    add_note, audit."""
    allowed = [MOVE_ACTIONS[to] for (start, to), mover in MOVES.items()
               if start == referral.status and mover == relation_]
    if relation_ in CONSENT_KEEPERS and consent_valid(referral, now):
        allowed.append("withdraw_consent")
    if relation_ in NOTE_WRITERS:
        allowed.append("add_note")
    if relation_ in AUDIT_READERS:
        allowed.append("audit")
    return allowed
