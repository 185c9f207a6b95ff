"""Who sees what of a referral (enforced here, in the referrals service):

- the sender's organisation and the social workers of the family's or the receiver's
  municipio: everything;
- the receiver: needs, summary, children's ages, zone and urgency before accepting, no names
  or contacts; everything once it accepted, while the guardian's consent holds;
- the coordinators of those municipi: who sent what to whom, when, and how it ended; nothing
  about the family;
- anyone else, the city tier included (it sees aggregates, in reports): nothing, as a 404.

Personal data, notes included, needs a login that passed the second factor the person's role
asks for (`Caller.mfa`); without it the view is `two_factor_required`: what the receiver sees
before accepting. The notes may name the family, so they are shown only in the full view, and
`notes_withheld` says why they are not.
"""
from datetime import datetime

from services.common.context import COORDINATOR, PARTNER, SOCIAL_WORKER, Caller
from services.common.schemas import local_time
from services.referrals.models import Referral

SENDER, SOCIAL, RECEIVER, COORDINATION = "sender", "social_worker", "receiver", "coordinator"
FULL, BEFORE_ACCEPTANCE, METADATA = "full", "before_acceptance", "metadata"
TWO_FACTOR_REQUIRED = "two_factor_required"
NOTES_NOT_IN_LISTS, NOTES_NOT_ACCEPTED, NOTES_CONSENT_NOT_VALID = (
    "not_in_lists", "not_accepted", "consent_not_valid")
# the receiver took the family on: it sees who they are (while the consent holds)
ACCEPTED = ("accepted", "on_hold", "in_progress", "completed")
PERSONAL_FIELDS = ("guardian_name", "phone", "email", "contact", "address", "notes")


def relation(caller: Caller, referral: Referral) -> str | None:
    if not caller.authenticated:
        return None
    if caller.user_id == referral.from_user_id or (
            caller.has_role(PARTNER) and caller.organization_id
            and caller.organization_id == referral.from_organization_id):
        return SENDER
    municipi = {referral.municipio, *referral.to_municipi}
    if caller.has_role(SOCIAL_WORKER) and municipi & set(caller.municipi):
        return SOCIAL
    if caller.has_role(PARTNER) and caller.organization_id == referral.to_organization_id:
        return RECEIVER
    if caller.has_role(COORDINATOR) and municipi & set(caller.municipi):
        return COORDINATION
    return None


def consent_valid(referral: Referral, now: datetime) -> bool:
    consent = referral.consent
    return (consent is not None and consent.withdrawn_at is None
            and _aware(consent.expires_at) > now)


def view_for(caller: Caller, relation_: str, referral: Referral, now: datetime) -> str:
    if relation_ == COORDINATION:
        return METADATA
    if not caller.mfa:
        return TWO_FACTOR_REQUIRED
    if relation_ in (SENDER, SOCIAL):
        return FULL
    accepted = referral.status in ACCEPTED
    return FULL if accepted and consent_valid(referral, now) else BEFORE_ACCEPTANCE


def present(referral: Referral, view: str, cipher, now: datetime, personal: bool = True,
            actions: list = ()) -> dict:
    """The referral as `view` allows, with the caller's `actions` (permissions.actions); with
    `personal=False` (lists) never the personal data."""
    shown = {
        "id": referral.id, "code": referral.code, "status": referral.status,
        "urgency": referral.urgency, "from_organization_id": referral.from_organization_id,
        "from_user_id": referral.from_user_id, "to_organization_id": referral.to_organization_id,
        "to_service_id": referral.to_service_id, "municipio": referral.municipio,
        "to_municipi": referral.to_municipi, "sent_at": referral.sent_at,
        "deadline_at": referral.deadline_at, "overdue": referral.overdue_waiting,
        "accepted_at": referral.accepted_at, "declined_at": referral.declined_at,
        "decline_reason": referral.decline_reason, "completed_at": referral.completed_at,
        "outcome": referral.outcome, "withdrawn_at": referral.withdrawn_at,
        "held_until": referral.held_until, "started_at": referral.started_at, "forwarded_at": referral.forwarded_at,
        "view": view, "actions": list(actions),
    }
    if view == METADATA:
        return shown
    family = referral.family
    shown.update(needs=referral.needs, summary=referral.summary,
                 hold_reason=referral.hold_reason, family={
        "municipio": family.municipio, "zone": family.zone,
        "children": [{"age": age} for age in family.children_ages]})
    shown["notes"] = [{"id": n.id, "author_user_id": n.author_user_id,
                       "author_role": n.author_role, "body": cipher.open(n.body) or "",
                       "created_at": n.created_at} for n in referral.notes
                      ] if shows_personal_data(view, personal) else []
    shown["notes_withheld"] = notes_withheld(referral, view, personal, now)
    if view in (BEFORE_ACCEPTANCE, TWO_FACTOR_REQUIRED):
        return shown
    shown["family"]["reference"] = family.reference
    shown["withdraw_reason"] = referral.withdraw_reason
    consent = referral.consent
    shown["consent"] = {"method": consent.method, "obtained_at": consent.obtained_at,
                        "expires_at": consent.expires_at, "withdrawn_at": consent.withdrawn_at,
                        "valid": consent_valid(referral, now)}
    if personal:
        shown["family"].update(cipher.open(family.personal) or {})
        if consent.given_by is not None:  # None once erased
            shown["consent"]["given_by"] = cipher.open(consent.given_by)
    return shown


def shows_personal_data(view: str, personal: bool) -> bool:
    return personal and view == FULL


def notes_withheld(referral: Referral, view: str, personal: bool, now: datetime) -> str | None:
    """Why the notes, which may name the family, are not shown; None when they are."""
    if shows_personal_data(view, personal):
        return None
    if not personal:
        return NOTES_NOT_IN_LISTS
    if view == TWO_FACTOR_REQUIRED:
        return TWO_FACTOR_REQUIRED
    if referral.status in ACCEPTED and not consent_valid(referral, now):
        return NOTES_CONSENT_NOT_VALID
    return NOTES_NOT_ACCEPTED


def _aware(moment):
    return local_time(moment)  # SQLite gives naive UTC back
