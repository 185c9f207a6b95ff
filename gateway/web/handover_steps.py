"""The steps of a hand-over after the receiver's answer: the receiver's waiting list and first
contact, a forward to another organisation (proposed by the receiver with the guardian's
consent, agreed or refused by the sender or the municipio's social worker), and the family's
card, printed or sent by SMS. The referral's page offers each only when the referrals service
lists it in the referral's `actions`."""
from flask import current_app, g, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from gateway.web import bp
from gateway.web.capacity import places_near
from gateway.web.common import call, render, require_login
from gateway.web.forms import Form, place_errors, text_or_none
from gateway.web.i18n import gettext as _
from gateway.web.i18n import reasons_said
from gateway.web.qr import qr_image
from gateway.web.referrals import (act, blank_referral_form, moment, receivers,
                                   referral_context, refusal)
from services.common.errors import Conflict, Forbidden, Invalid
from services.referrals.contract import FORWARD_REASONS

CONSENT_TICK = "consent_names_receiver"  # the guardian agreed to the organisation chosen
FORWARD_ALIASES = {"consent.organization_id": CONSENT_TICK, "consent": CONSENT_TICK}
CODE_GROUP = 5  # the card's code is read out and typed in groups of this many letters


def _filled(**fields) -> dict:
    """The form's fields as the service's body: the empty ones left out, for the service to say
    which are required."""
    return {name: value for name, value in fields.items() if value is not None}


@bp.route("/referrals/<referral_id>/hold", methods=["POST"])
def hold_referral(referral_id):
    require_login()
    body = _filled(until=text_or_none(request.form.get("until")),
                   reason=text_or_none(request.form.get("reason")))
    return act(referral_id, "hold_referral", body, "hold", "held")


@bp.route("/referrals/<referral_id>/start", methods=["POST"])
def start_referral(referral_id):
    require_login()
    return act(referral_id, "start_referral", None, "hold", "started")


# --- forward ------------------------------------------------------------------------------------

def forward_payload(values: MultiDict) -> dict:
    """The forward's request from its form; the consent names the organisation chosen only when
    the box saying the guardian agreed to it is ticked."""
    receiver = text_or_none(values.get("to_organization_id"))
    consent = _filled(given_by=text_or_none(values.get("consent.given_by")),
                      method=values.get("consent.method") or None,
                      obtained_at=moment(values.get("consent.obtained_at")),
                      expires_at=moment(values.get("consent.expires_at"), end_of_day=True),
                      organization_id=receiver if values.get(CONSENT_TICK) else None)
    return _filled(to_organization_id=receiver, reason=values.get("reason") or None,
                   note=text_or_none(values.get("note")), consent=consent)


def forward_page(referral, form, status=200, problem=None):
    return render("referral_forward.html", status, referral=referral, form=form,
                  groups=receivers(), places=places_near(g.caller.municipi),
                  forward_reasons=FORWARD_REASONS, problem=problem)


@bp.route("/referrals/<referral_id>/forward", methods=["GET", "POST"])
def forward_referral(referral_id):
    """GET: the receiver's form to pass the family on; POST: proposes the forward, which the
    sender or the social worker then agrees to or refuses."""
    require_login()
    referral = call("referrals", "get_referral", referral_id)
    if "forward" not in referral["actions"]:  # answered meanwhile, or never the caller's
        return redirect(url_for("web.referral", referral_id=referral_id) + "#status", 303)
    if request.method == "GET":
        return forward_page(referral, blank_referral_form())
    values = request.form
    try:
        call("referrals", "forward_referral", referral_id, forward_payload(values))
    except Invalid as invalid:
        errors = place_errors(reasons_said(invalid), aliases=FORWARD_ALIASES)
        if not values.get(CONSENT_TICK):
            errors[CONSENT_TICK] = [_("Serve il consenso del genitore a far conoscere la "
                                      "famiglia all'ente scelto.")]
        return forward_page(referral, Form(values.to_dict(), errors), 422)
    except (Conflict, Forbidden) as refused:
        return forward_page(referral, Form(values.to_dict()), refused.status,
                            problem=_duplicate_or(refused))
    return redirect(url_for("web.referral", referral_id=referral_id,
                            done="forward_proposed") + "#status", 303)


def _duplicate_or(refused) -> dict:
    """The refusal in words; with the family's open referral to link to, when that is why."""
    if refused.code == "referral_duplicate":
        return {"duplicate": refused.params}
    return {"words": refusal(refused)}


@bp.route("/referrals/<referral_id>/forward/agree", methods=["POST"])
def agree_forward(referral_id):
    require_login()
    try:
        new = call("referrals", "agree_forward", referral_id)
    except (Conflict, Forbidden) as refused:
        return render("referral.html", refused.status,
                      **referral_context(referral_id, problem=refusal(refused)))
    return redirect(url_for("web.referral", referral_id=new["id"], done="forward_agreed"), 303)


@bp.route("/referrals/<referral_id>/forward/refuse", methods=["POST"])
def refuse_forward(referral_id):
    require_login()
    body = _filled(reason=text_or_none(request.form.get("reason")))
    return act(referral_id, "refuse_forward", body, "refuse", "forward_refused")


# --- the family's card --------------------------------------------------------------------------

def family_address(code: str) -> str:
    """Where the family answers with its card: the public page of its code."""
    return current_app.config["QUBI_SETTINGS"].public_url + url_for("web.family_card", code=code)


def grouped(code: str) -> list:
    return [code[start:start + CODE_GROUP] for start in range(0, len(code), CODE_GROUP)]


@bp.route("/referrals/<referral_id>/family-card", methods=["POST"])
def give_family_card(referral_id):
    """Issues the card. Printed, its page is this answer: the code shows only once, so it is
    never in an address nor kept (the page is not stored: see close_page)."""
    require_login()
    channel = request.form.get("channel") or "print"
    try:
        card = call("referrals", "give_family_card", referral_id, {"channel": channel})
    except Invalid as invalid:
        form = Form(request.form.to_dict(), reasons_said(invalid))
        return render("referral.html", 422, **referral_context(referral_id, family_card=form))
    except (Conflict, Forbidden) as refused:
        return render("referral.html", refused.status,
                      **referral_context(referral_id, problem=refusal(refused)))
    if card["channel"] == "sms":
        return redirect(url_for("web.referral", referral_id=referral_id,
                                done="card_sent") + "#family-word", 303)
    address = family_address(card["code"])
    return render("family_card_print.html", referral_id=referral_id, card=card,
                  groups=grouped(card["code"]), address=address, qr=qr_image(address, scale=6))
