"""RFC 9457 problem details for every error the gateway answers."""
from apispec import BasePlugin
from flask import jsonify
from marshmallow import Schema, fields

from services.common.errors import flatten_messages
from services.common.schemas import SOMETIMES_ABSENT

PROBLEM_TYPE = "https://qubi.comune.milano.it/problems/"
CONTENT_TYPE = "application/problem+json"
TITLES = {400: "Malformed request", 401: "Not authenticated", 403: "Forbidden",
          404: "Not found", 405: "Method not allowed", 409: "Conflict", 410: "Gone",
          413: "Content too large", 414: "URI too long", 415: "Unsupported media type",
          422: "Invalid input",
          429: "Too many requests", 500: "Internal error", 503: "Service unavailable"}
SLUGS = {400: "malformed", 401: "unauthenticated", 403: "forbidden", 404: "not-found",
         405: "method-not-allowed", 409: "conflict", 410: "gone", 413: "too-large",
         414: "uri-too-long",
         415: "unsupported-media-type", 422: "invalid", 429: "rate-limited", 500: "internal",
         503: "unavailable"}


class ReasonCodeSchema(Schema):
    code = fields.String(allow_none=True, metadata={
        "description": "A stable name of the reason: required, too_long, hour_form..."})
    params = fields.Dict(metadata={"description": "The values the reason's words name"})


def _sometimes(description: str) -> dict:
    return {"description": description, SOMETIMES_ABSENT: True}


class ProblemSchema(Schema):
    """An RFC 9457 problem, as every error answer of the gateway is."""
    type = fields.String(metadata={"description": "A URI naming the kind of problem",
                                   "format": "uri"})
    title = fields.String()
    status = fields.Integer(metadata={"description": "The answer's HTTP status"})
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata=_sometimes("For invalid input: each bad field and why"))
    codes = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(ReasonCodeSchema)),
                        metadata=_sometimes("For invalid input: the reasons of `errors`, in the "
                                            "same order, by code and parameters"))
    request_id = fields.String(metadata=_sometimes(
        "The request's X-Request-ID (absent only when the request never reached the gateway's "
        "application: a request line too long)"))
    code = fields.String(metadata=_sometimes(
        "A stable name of the problem (its words may change): invalid, link_gone, email_taken..."))
    params = fields.Dict(metadata=_sometimes("The values the problem's words name (with `code`)"))
    mfa_required = fields.Boolean(metadata=_sometimes(
        "On a 401 of POST /auth/token: the account needs its `otp` too"))


def problem_body(status: int, detail: str | None = None) -> dict:
    return {"type": PROBLEM_TYPE + SLUGS.get(status, "error"),
            "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail or TITLES.get(status, "Error")}


def problem(status: int, detail: str | None = None, errors: dict | None = None, headers=None,
            request_id: str | None = None, extra: dict | None = None):
    body = {**problem_body(status, detail), **(extra or {})}
    if errors:
        body["errors"] = errors
    if request_id:
        body["request_id"] = request_id
    response = jsonify(body)
    response.status_code = status
    response.content_type = CONTENT_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def webargs_errors(messages, each=str) -> dict:
    """webargs nests by location ({"json": {...}, "query": {...}}); callers care about fields.
    Each reason as `each` gives it: its English, or its [code, params] (checks.coded)."""
    errors = {}
    for location_messages in (messages or {}).values():
        errors.update(flatten_messages(location_messages, each))
    return errors


def field_codes(codes: dict) -> dict:
    """Invalid.codes as the problem answers them: each field's reasons as {code, params}."""
    return {field: [{"code": code or None, "params": params} for code, params in reasons]
            for field, reasons in codes.items()}


class ProblemsInOpenApi(BasePlugin):
    """Documents every error answer with the media type it has, application/problem+json."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            for status, response in operation.get("responses", {}).items():
                if str(status)[0] in "45" and isinstance(response, dict):  # not a component's name
                    as_problem(response)


def as_problem(response: dict) -> dict:
    content = response.get("content", {})
    if "application/json" in content:
        content[CONTENT_TYPE] = content.pop("application/json")
    return response
