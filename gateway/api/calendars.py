"""Calendars (RFC 5545) of the published public events, for phones and calendar programs to
subscribe to."""
from flask import Response

from gateway.api import Blueprint
from gateway.api.common import call
from gateway.problems import ProblemSchema

blp = Blueprint("calendars", __name__, url_prefix="/api/v1", description="Calendars (iCalendar)")
ICS = {200: {"description": "An iCalendar file (RFC 5545)",
             "content": {"text/calendar": {"schema": {"type": "string"}}}}}


def _ics(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/calendar", headers={
        "Content-Disposition": f"inline; filename={filename}"})


@blp.route("/calendars/municipio/<int:municipio>.ics")
@blp.doc(responses=ICS)
@blp.alt_response(404, schema=ProblemSchema)
def municipio_calendar(municipio):
    """The public events of a municipio's network; cancelled ones stay, marked as such."""
    return _ics(call("events", "municipio_calendar", municipio), f"municipio-{municipio}.ics")


@blp.route("/calendars/organizations/<organization_id>.ics")
@blp.doc(responses=ICS)
@blp.alt_response(404, schema=ProblemSchema)
def organization_calendar(organization_id):
    """The public events an organisation organises (with others too); 404 for an organisation
    the directory does not know."""
    call("directory", "get_organization", organization_id)
    return _ics(call("events", "organization_calendar", organization_id), "eventi.ics")


@blp.route("/events/<event_id>.ics")
@blp.doc(responses=ICS)
@blp.alt_response(404, schema=ProblemSchema)
def event_calendar(event_id):
    """One event, to add to a calendar."""
    return _ics(call("events", "event_calendar", event_id), "evento.ics")
