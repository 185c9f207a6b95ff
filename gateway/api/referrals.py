"""Referrals: families handed over between organisations, followed to an outcome."""
from flask import current_app, request
from marshmallow import Schema, fields

from gateway.api import Blueprint
from gateway.api.common import (BEARER, answer, answers, call, page_schema, problems,
                                require_ability, require_login)
from services.referrals.contract import (AuditEntrySchema, CompleteSchema, DeclineSchema,
                                         FamilyAnswerOutSchema, FamilyAnswerSchema,
                                         FamilyCardCreateSchema, FamilyCardSchema, ForwardSchema,
                                         HoldSchema, NoteCreateSchema, NoteSchema,
                                         ReferralCreateSchema, ReferralQuerySchema,
                                         ReferralSchema, RefuseForwardSchema, WithdrawSchema)

blp = Blueprint("referrals", __name__, url_prefix="/api/v1", description="Referrals")
ReferralPage = page_schema(ReferralSchema, "ReferralPage")


class AuditTrail(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))


@blp.route("/referrals", methods=["POST"])
@blp.arguments(ReferralCreateSchema())
@answers(blp, 201, ReferralSchema)
@problems(blp, 401, 403, 422, 503)
@blp.doc(security=BEARER)
def send_referral(_data):
    """Hand a family over to another organisation or one of its services. Needs the valid
    consent of a guardian (422 without it); the receiver sees no names or contacts until it
    accepts."""
    require_ability("send_referral")
    return answer("referrals", "send_referral", request.get_json()), 201


@blp.route("/referrals")
@blp.arguments(ReferralQuerySchema(), location="query")
@answers(blp, 200, ReferralPage)
@problems(blp, 401, 422)
@blp.doc(security=BEARER)
def list_referrals(_query):
    """The referrals the caller may see (inbox, outbox, or the municipio's), overdue first.
    Lists never carry personal data."""
    require_login()
    return answer("referrals", "list_referrals", request.args.to_dict())


@blp.route("/referrals/<referral_id>")
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 404)
@blp.doc(security=BEARER)
def get_referral(referral_id):
    """One referral, as the caller's role may see it (every read of personal data is audited)."""
    require_login()
    return answer("referrals", "get_referral", referral_id)


@blp.route("/referrals/<referral_id>/accept", methods=["POST"])
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 403, 404, 409)
@blp.doc(security=BEARER)
def accept_referral(referral_id):
    """The receiver takes the family on: sent -> accepted."""
    require_login()
    return answer("referrals", "accept_referral", referral_id)


@blp.route("/referrals/<referral_id>/decline", methods=["POST"])
@blp.arguments(DeclineSchema())
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def decline_referral(_data, referral_id):
    """The receiver cannot take the family: sent -> declined, with a reason, and an optional
    `note` for the sender, which joins the referral's notes."""
    require_login()
    return answer("referrals", "decline_referral", referral_id, request.get_json())


@blp.route("/referrals/<referral_id>/complete", methods=["POST"])
@blp.arguments(CompleteSchema())
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def complete_referral(_data, referral_id):
    """The hand-over reached its outcome: accepted -> completed."""
    require_login()
    return answer("referrals", "complete_referral", referral_id, request.get_json())


@blp.route("/referrals/<referral_id>/withdraw", methods=["POST"])
@blp.arguments(WithdrawSchema())
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def withdraw_referral(_data, referral_id):
    """The sender takes the referral back: sent or accepted -> withdrawn."""
    require_login()
    return answer("referrals", "withdraw_referral", referral_id, request.get_json())


@blp.route("/referrals/<referral_id>/consent/withdraw", methods=["POST"])
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 403, 404, 409)
@blp.doc(security=BEARER)
def withdraw_consent(referral_id):
    """The guardian withdrew consent: the receiver stops seeing the family's data at once."""
    require_login()
    return answer("referrals", "withdraw_consent", referral_id)


@blp.route("/referrals/<referral_id>/notes", methods=["POST"])
@blp.arguments(NoteCreateSchema())
@answers(blp, 201, NoteSchema)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=BEARER)
def add_note(_data, referral_id):
    """A message in the hand-over's thread (sender, receiver, social worker)."""
    require_login()
    return answer("referrals", "add_note", referral_id, request.get_json()), 201


@blp.route("/referrals/<referral_id>/audit")
@answers(blp, 200, AuditTrail)
@problems(blp, 401, 403, 404)
@blp.doc(security=BEARER)
def audit_trail(referral_id):
    """Who saw the family's data or changed the referral, and when (social workers and
    coordinators of the municipio): each person by name, with their organisation. While the
    directory does not answer, the entries still come, with the person's id and null names."""
    require_login()
    return answer("referrals", "audit_trail", referral_id)


@blp.route("/referrals/<referral_id>/hold", methods=["POST"])
@blp.arguments(HoldSchema())
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def hold_referral(_data, referral_id):
    """The receiver puts the family on its waiting list until a day, with a reason: accepted
    or in_progress -> on_hold. Past that day still on hold, the referral is overdue."""
    require_login()
    return answer("referrals", "hold_referral", referral_id, request.get_json())


@blp.route("/referrals/<referral_id>/start", methods=["POST"])
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 403, 404, 409)
@blp.doc(security=BEARER)
def start_referral(referral_id):
    """The receiver made the first contact with the family: accepted or on_hold ->
    in_progress. An accepted referral with no first contact within its urgency's working days
    is overdue."""
    require_login()
    return answer("referrals", "start_referral", referral_id)


@blp.route("/referrals/<referral_id>/forward", methods=["POST"])
@blp.arguments(ForwardSchema())
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 403, 404, 409, 422, 503)
@blp.doc(security=BEARER)
def forward_referral(_data, referral_id):
    """The receiver proposes to pass the family on to another organisation or service, with a
    reason and the guardian's consent naming the new receiver (`consent.organization_id`).
    The referral waits (`forward_proposal`) for the sender's or the social worker's answer;
    a family with an open referral at the new receiver is a 409."""
    require_login()
    return answer("referrals", "forward_referral", referral_id, request.get_json())


@blp.route("/referrals/<referral_id>/forward/agree", methods=["POST"])
@answers(blp, 201, ReferralSchema, "The new referral, sent to the new receiver")
@problems(blp, 401, 403, 404, 409)
@blp.doc(security=BEARER)
def agree_forward(referral_id):
    """The sender or the municipio's social worker agrees: this referral becomes `forwarded`
    and a new one is sent to the new receiver, in the same `chain`, from the same sender."""
    require_login()
    return answer("referrals", "agree_forward", referral_id), 201


@blp.route("/referrals/<referral_id>/forward/refuse", methods=["POST"])
@blp.arguments(RefuseForwardSchema())
@answers(blp, 200, ReferralSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def refuse_forward(_data, referral_id):
    """The sender or the municipio's social worker refuses the forward, with a reason: the
    referral goes on with its receiver."""
    require_login()
    return answer("referrals", "refuse_forward", referral_id, request.get_json())


@blp.route("/referrals/<referral_id>/family-card", methods=["POST"])
@blp.arguments(FamilyCardCreateSchema())
@answers(blp, 201, FamilyCardSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def give_family_card(_data, referral_id):
    """The sender or the social worker gives the family a card (printed, or by SMS to the
    phone the family gave) with a code for `/f/{code}`, where the family says whether anyone
    called. The code is in this answer only; a new card replaces the last."""
    require_login()
    card = call("referrals", "give_family_card", referral_id, request.get_json())
    settings = current_app.config["QUBI_SETTINGS"]
    return {**card, "url": f"{settings.public_url}/f/{card['code']}"}, 201


@blp.route("/family-card/<code>", methods=["POST"])
@blp.arguments(FamilyAnswerSchema())
@answers(blp, 200, FamilyAnswerOutSchema)
@problems(blp, 404, 410, 422, 429)
@blp.doc(security=[])
def family_answer(_data, code):
    """The family's word, with no account: `met` (we met) or `not_contacted` (nobody called
    us). Reveals nothing about the family; an unknown code is a 404, an expired one a 410;
    tries are limited as logins are."""
    return answer("referrals", "family_answer", code, request.get_json())
