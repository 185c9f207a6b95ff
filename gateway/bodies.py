"""How big a request body may be: MAX_BODY_BYTES on every route, more on the routes that take a
file (LARGER_BODIES). Werkzeug refuses a body whose Content-Length is over the limit before
reading any of it, and stops reading one sent without a length once it passes the limit: a 413
(a problem for the API, a page for the pages).

The API document names the 413 on every write, and the 400 of a malformed JSON body on every
operation that takes one."""
from apispec import BasePlugin
from flask import request

from gateway.limits import WRITES

# routes that take a file: the setting of their own limit
LARGER_BODIES = {"organizations.import_organizations": "max_import_body_bytes"}
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
TOO_LARGE = {"description": "The request body is larger than this route takes",
             "content": PROBLEM}
MALFORMED = {"description": "The request body is not valid JSON (or is nested too deep)",
             "content": PROBLEM}


def init_app(app, settings):
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes

    @app.before_request
    def allow_larger_bodies():
        setting = LARGER_BODIES.get(request.endpoint)
        if setting:
            request.max_content_length = getattr(settings, setting)


class BodyLimitsInOpenApi(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            if method.upper() in WRITES:
                responses.setdefault("413", TOO_LARGE)
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                responses.setdefault("400", MALFORMED)
