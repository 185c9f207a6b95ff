"""A service's places: its organisation says them on the service's page (in one tap when they
have not changed), and whoever sends a family sees them beside the receivers. Who may say them
is the directory's decision (the service's `actions`)."""
from flask import redirect, request, url_for

from gateway.web import bp
from gateway.web.common import call, require_login, try_call
from gateway.web.forms import Form, number, place_errors, text_or_none
from gateway.web.i18n import reasons_said
from gateway.web.public import service_page
from services.common.errors import Invalid

FIELDS = ("available", "waiting_list", "note")


@bp.route("/services/<service_id>/capacity", methods=["POST"])
def update_capacity(service_id):
    require_login()
    form = request.form
    body = {"available": number(form.get("available")),
            "waiting_list": number(form.get("waiting_list")),
            "note": text_or_none(form.get("note"))}
    try:
        call("directory", "update_capacity", service_id, body)
    except Invalid as invalid:
        values = {name: form.get(name) for name in FIELDS}
        return service_page(service_id, Form(values, place_errors(reasons_said(invalid))), 422)
    return redirect(url_for("web.service", service_id=service_id, done="saved"), 303)


def places_near(municipi) -> list:
    """The services of `municipi` with their places, in name order, for the referral form;
    none when the directory does not answer."""
    found = []
    for municipio in municipi:
        found += try_call("directory", "search_services", {"municipio": municipio,
                                                           "per_page": 200},
                          default={"items": []})["items"]
    unique = {service["id"]: service for service in found}
    return sorted(unique.values(), key=lambda service: service["name"].casefold())
