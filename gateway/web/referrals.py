"""Referrals (invii): inbox and outbox, sending with consent and a preview of what the
receiver will see, the receiver's answers, notes, and the municipio's view for the social
worker and the coordinator. What each person sees is the referrals service's decision."""
import re
from datetime import date, datetime, time, timedelta

from flask import g, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from gateway import abilities
from gateway.web import bp
from gateway.web.capacity import places_near
from gateway.web.common import (call, networks, organization, organization_name, page_args,
                                pages_of, render, require_ability, require_login, try_call)
from gateway.web.forms import Form, number, place_errors, text_or_none
from gateway.web.i18n import code, reasons_said, said
from gateway.web.i18n import gettext as _
from services.common.errors import Conflict, Forbidden, Invalid
from services.common.schemas import ROME, load
from services.common.vocabulary import DIMENSIONS
from services.referrals.contract import (DECLINE_REASONS, OUTCOMES, STATUSES, URGENCIES,
                                         CompleteSchema, ReferralCreateSchema)

ALIASES = {"consent": "consent_given", "family.children.*": "children_ages",
           "family": "family.reference", "needs.*": "needs"}
CONSENT_MONTHS = 12


@bp.route("/referrals")
def referrals():
    may = abilities.of(require_login())
    if "read_referrals" not in may:
        return render("referrals.html", referrals=[], city_only=True, box=None, chosen_status=None,
                      pages=None, statuses=STATUSES)
    box = request.args.get("box") if "choose_box" in may else None
    if "choose_box" in may and box not in ("inbox", "outbox"):
        box = "inbox"
    status = request.args.get("status") or None
    if status not in (*STATUSES, "overdue"):
        status = None
    query = {**page_args(25)}
    if box:
        query["box"] = box
    if status:
        query["status"] = status
    found = call("referrals", "list_referrals", query)
    return render("referrals.html", referrals=found["items"], box=box, chosen_status=status,
                  pages=pages_of(found), statuses=STATUSES, city_only=False,
                  total=found["total"], org_name=organization_name)


# --- sending ------------------------------------------------------------------------------------

def moment(day: str, end_of_day: bool = False):
    """A date from the form as a moment in Milan: its start, or its end."""
    day = (day or "").strip()
    if not day:
        return None
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return day  # the service names the field
    at = time(23, 59) if end_of_day else time(0, 0)
    return datetime.combine(parsed, at, ROME).isoformat()


def _ages(text: str) -> list:
    return [{"age": number(part)} for part in re.split(r"[\s,;]+", text or "") if part]


def referral_payload(values: MultiDict, consent_as_filled: bool = False) -> dict:
    """The service's request from the form; the consent only when its box is ticked, unless
    `consent_as_filled` (to check its fields while the box is not ticked yet)."""
    family = {
        "reference": text_or_none(values.get("family.reference")),
        "guardian_name": text_or_none(values.get("family.guardian_name")),
        "phone": text_or_none(values.get("family.phone")),
        "email": text_or_none(values.get("family.email")),
        "municipio": number(values.get("family.municipio")),
        "zone": text_or_none(values.get("family.zone")),
        "children": _ages(values.get("children_ages")),
    }
    payload = {
        "to_organization_id": text_or_none(values.get("to_organization_id")),
        "needs": values.getlist("needs"),
        "summary": text_or_none(values.get("summary")),
        "urgency": values.get("urgency") or "normal",
        "family": {key: value for key, value in family.items() if value is not None},
    }
    if values.get("consent_given") or consent_as_filled:
        consent = {"given_by": text_or_none(values.get("consent.given_by")),
                   "method": values.get("consent.method") or None,
                   "obtained_at": moment(values.get("consent.obtained_at")),
                   "expires_at": moment(values.get("consent.expires_at"), end_of_day=True)}
        payload["consent"] = {key: value for key, value in consent.items() if value is not None}
    return {key: value for key, value in payload.items() if value is not None}


def receivers() -> list:
    """(group label, [organisations]) for the receiver's select: the caller's municipi first."""
    caller = g.caller
    own = caller.organization_id
    groups, seen = [], {own}
    for municipio in caller.municipi:
        found = try_call("directory", "list_organizations",
                         {"municipio": municipio, "per_page": 200}, default={"items": []})
        items = [o for o in found["items"] if o["id"] not in seen]
        seen.update(o["id"] for o in items)
        if items:
            groups.append((_("Municipio {n}", n=municipio), items))
    found = try_call("directory", "list_organizations", {"per_page": 200}, default={"items": []})
    others = [o for o in found["items"] if o["id"] not in seen]
    if others:
        groups.append((_("Altri municipi"), others))
    return groups


def form_context(form):
    return {"form": form, "groups": receivers(), "places": places_near(g.caller.municipi),
            "dimensions": DIMENSIONS,
            "urgencies": URGENCIES, "networks": networks(),
            "zones": sorted({z for n in networks() for z in n["zones"]})}


def blank_referral_form() -> Form:
    today = datetime.now(ROME).date()
    municipio = g.caller.municipi[0] if g.caller.municipi else ""
    return Form({"urgency": "normal", "family.municipio": municipio,
                 "consent.method": "written", "consent.obtained_at": today.isoformat(),
                 "consent.expires_at": (today + timedelta(days=365)).isoformat()})


def form_values(values: MultiDict) -> dict:
    shown = values.to_dict()
    shown["needs"] = values.getlist("needs")
    return shown


def invalid_form(values: MultiDict, invalid: Invalid | None) -> Form:
    errors = place_errors(reasons_said(invalid), aliases=ALIASES) if invalid else {}
    if "consent_given" in errors or not values.get("consent_given"):
        # the whole consent is missing: say what that means here
        errors["consent_given"] = [_("Serve il consenso del genitore: senza, l'invio non si "
                                     "può fare.")]
    return Form(form_values(values), errors)


def checked_form(values: MultiDict) -> Form | None:
    """The form again with every reason the service's own schema gives (None when there is
    none): the consent's fields are checked even while its box is not ticked, so that one
    round of corrections is enough."""
    try:
        load(ReferralCreateSchema, referral_payload(values, consent_as_filled=True))
    except Invalid as invalid:
        return invalid_form(values, invalid)
    return None if values.get("consent_given") else invalid_form(values, None)


def preview(values: MultiDict, payload: dict, status: int = 200, duplicate=None):
    """What the receiver will see, with the form's values kept to send or edit; `duplicate`:
    the family's open referral to the same receiver that refused the sending."""
    hidden = [(key, value) for key, value in values.items(multi=True)
              if key not in ("csrf_token", "action")]
    return render("referral_preview.html", status, payload=payload, hidden=hidden,
                  receiver=organization(payload.get("to_organization_id")), duplicate=duplicate)


@bp.route("/referrals/new", methods=["GET", "POST"])
def new_referral():
    require_ability("send_referral")
    if request.method == "GET":
        return render("referral_new.html", **form_context(blank_referral_form()))
    values = request.form
    payload = referral_payload(values)
    action = values.get("action", "preview")
    if action == "edit":
        return render("referral_new.html", **form_context(Form(form_values(values))))
    if action == "preview":  # checked with the service's own schema before the preview
        invalid = checked_form(values)
        if invalid:
            return render("referral_new.html", 422, **form_context(invalid))
        return preview(values, payload)
    try:
        sent = call("referrals", "send_referral", payload)
    except Invalid as invalid:
        return render("referral_new.html", 422, **form_context(invalid_form(values, invalid)))
    except Conflict as refused:
        if refused.code != "referral_duplicate":
            raise
        return preview(values, payload, 409, duplicate=refused.params)
    return redirect(url_for("web.referral", referral_id=sent["id"], done="sent"), 303)


# --- one referral ------------------------------------------------------------------------------

def referral_context(referral_id, **forms):
    """The referral with the forms of the `actions` the referrals service gives the caller."""
    referral = call("referrals", "get_referral", referral_id)
    audit = None
    if "audit" in referral["actions"]:
        audit = try_call("referrals", "audit_trail", referral_id, default={"items": []})["items"]
    context = {"referral": referral, "audit": audit, "box": request.args.get("box"),
               "from_name": organization_name(referral.get("from_organization_id"))
               or _("Servizio sociale"),
               "to_name": organization_name(referral.get("to_organization_id")),
               "decline_reasons": DECLINE_REASONS, "outcomes": OUTCOMES,
               "done": request.args.get("done"), "problem": None, "org_name": organization_name}
    for name in ("decline", "complete", "withdraw", "note", "hold", "refuse", "family_card"):
        context[f"{name}_form"] = forms.get(name) or Form()
    context["problem"] = forms.get("problem")
    return context


def refusal(error) -> str:
    """A refusal of the referrals service in the page's language, the statuses and the role
    in words."""
    def status(value):
        return code("status", value).lower()

    return said(error, status=status, to=status, role=lambda role: code("role", role).lower())


@bp.route("/referrals/<referral_id>")
def referral(referral_id):
    require_login()
    return render("referral.html", **referral_context(referral_id))


def act(referral_id, method, body, form_name, done):
    try:
        if body is None:
            call("referrals", method, referral_id)
        else:
            call("referrals", method, referral_id, body)
    except Invalid as invalid:
        form = Form(request.form.to_dict(), reasons_said(invalid))
        return render("referral.html", 422, **referral_context(referral_id, **{form_name: form}))
    except (Conflict, Forbidden) as refused:
        return render("referral.html", refused.status,
                      **referral_context(referral_id, problem=refusal(refused)))
    return redirect(url_for("web.referral", referral_id=referral_id, done=done) + "#status", 303)


@bp.route("/referrals/<referral_id>/accept", methods=["POST"])
def accept_referral(referral_id):
    require_login()
    return act(referral_id, "accept_referral", None, "decline", "accepted")


@bp.route("/referrals/<referral_id>/decline", methods=["POST"])
def decline_referral(referral_id):
    require_login()
    body = {"reason": request.form.get("reason", "")}
    if text_or_none(request.form.get("note")):
        body["note"] = request.form["note"].strip()
    return act(referral_id, "decline_referral", body, "decline", "declined")


@bp.route("/referrals/<referral_id>/complete", methods=["GET", "POST"])
def complete_referral(referral_id):
    """GET: what completing means, with the outcome chosen, to confirm (it cannot be undone);
    POST: completes."""
    require_login()
    outcome = request.values.get("outcome", "")
    body = {"outcome": outcome} if outcome else {}  # none chosen: a required field
    if request.method == "POST":
        return act(referral_id, "complete_referral", body, "complete", "completed")
    try:
        load(CompleteSchema, body)
    except Invalid as invalid:
        form = Form({"outcome": outcome}, reasons_said(invalid))
        return render("referral.html", 422, **referral_context(referral_id, complete=form))
    referral = call("referrals", "get_referral", referral_id)
    if "complete" not in referral["actions"]:  # completed meanwhile, or never the caller's
        return redirect(url_for("web.referral", referral_id=referral_id) + "#status", 303)
    return render("referral_complete.html", referral=referral, outcome=outcome)


@bp.route("/referrals/<referral_id>/withdraw", methods=["POST"])
def withdraw_referral(referral_id):
    require_login()
    return act(referral_id, "withdraw_referral",
                {"reason": request.form.get("reason", "").strip()}, "withdraw", "withdrawn")


@bp.route("/referrals/<referral_id>/consent/withdraw", methods=["POST"])
def withdraw_consent(referral_id):
    require_login()
    return act(referral_id, "withdraw_consent", None, "withdraw", "consent_withdrawn")


@bp.route("/referrals/<referral_id>/notes", methods=["POST"])
def add_note(referral_id):
    require_login()
    try:
        call("referrals", "add_note", referral_id, {"body": request.form.get("body", "").strip()})
    except Invalid as invalid:
        form = Form(request.form.to_dict(), reasons_said(invalid))
        return render("referral.html", 422, **referral_context(referral_id, note=form))
    except Forbidden as refused:
        return render("referral.html", 403, **referral_context(referral_id,
                                                                problem=refusal(refused)))
    return redirect(url_for("web.referral", referral_id=referral_id) + "#notes", 303)
