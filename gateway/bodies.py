"""How big a request body may be: MAX_BODY_BYTES on every route, more on the routes that take a
file (LARGER_BODIES). Werkzeug refuses a body whose Content-Length is over the limit before
reading any of it, and stops reading one sent without a length once it passes the limit: a 413
(a problem for the API, a page for the pages).

The API document names the 413 on every write, and the 400 of a malformed JSON body on every
operation that takes one."""
from apispec import BasePlugin
from flask import request

from gateway.limits import WRITES
from services.governance.contract import MAX_DOCUMENT_BYTES

FORM_ENVELOPE_BYTES = 64 * 1024  # a multipart form's boundaries and headers around its file
DOCUMENT_BODY_BYTES = MAX_DOCUMENT_BYTES + FORM_ENVELOPE_BYTES  # a meeting's document in its form
# routes that take a file: their own limit, from the settings
LARGER_BODIES = {
    "organizations.import_organizations": lambda settings: settings.max_import_body_bytes,
    "meetings.attach_document": lambda _settings: DOCUMENT_BODY_BYTES,
    "web.governance_meeting_documents": lambda _settings: DOCUMENT_BODY_BYTES,
}
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
TOO_LARGE = {"description": "The request body is larger than this route takes",
             "content": PROBLEM}
MALFORMED = {"description": "The request body is not valid JSON (or is nested too deep)",
             "content": PROBLEM}


def init_app(app, settings):
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes

    @app.before_request
    def allow_larger_bodies():
        limit = LARGER_BODIES.get(request.endpoint)
        if limit:
            request.max_content_length = limit(settings)


class BodyLimitsInOpenApi(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            if method.upper() in WRITES:
                responses.setdefault("413", TOO_LARGE)
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                responses.setdefault("400", MALFORMED)
