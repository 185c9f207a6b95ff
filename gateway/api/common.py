"""What every API module uses: the RPC call with the caller's context, and access checks."""
from concurrent.futures import ThreadPoolExecutor

from flask import current_app, g
from marshmallow import Schema, fields

from gateway import abilities
from gateway.problems import ProblemSchema
from services.common.errors import NotAuthenticated

BEARER = [{"bearerAuth": []}]
# anyone, and a login sees more (its networks' records, the `actions` it may take)
OPTIONAL_LOGIN = [{}, {"bearerAuth": []}]


def signed_context(caller=None) -> dict:
    """The context data of an RPC: `caller` (by default the request's), signed."""
    return current_app.extensions["context_signer"].sign(caller or g.caller)


def call(service: str, method: str, *args, **kwargs):
    """The gateway validates to answer early and document; the service loads the raw input
    again with the same schema, so it is passed on as the client sent it."""
    rpc = current_app.extensions["rpc"]
    return rpc.call(service, method, *args, context_data=signed_context(), **kwargs)


def call_each(*calls) -> list:
    """The results of (service, method, *args) calls asked all at once: the wait is the
    longest of them, not their sum."""
    rpc, context = current_app.extensions["rpc"], signed_context()
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(rpc.call, service, method, *args, context_data=context)
                   for service, method, *args in calls]
        return [future.result() for future in futures]


def answer(service: str, method: str, *args):
    """The service's answer, passed on to the client as the JSON it came in (200, unless the
    route returns it with another status)."""
    rpc = current_app.extensions["rpc"]
    body = rpc.call(service, method, *args, context_data=signed_context(), as_json=True)
    return current_app.response_class(body, mimetype="application/json")


def answers(blp, status: int, schema=None, description: str | None = None):
    """Documents a success answer without dumping it again: the services answer with bodies
    already dumped by the same schemas, and the gateway passes them on as they are."""
    return blp.alt_response(status, schema=schema, description=description, success=True)


def problems(blp, *statuses):
    """Documents the problem+json answers an endpoint may give."""
    def decorate(function):
        for status in statuses:
            function = blp.alt_response(status, schema=ProblemSchema)(function)
        return function

    return decorate


def require_login():
    if not g.caller.authenticated:
        raise NotAuthenticated("Log in first: POST /api/v1/auth/token.", "login_required")
    return g.caller


def require_ability(ability: str):
    """The caller, when its roles grant `ability` (gateway/abilities.py); else 403."""
    caller = require_login()
    if ability not in abilities.of(caller):
        raise abilities.refusal(ability)
    return caller


def page_schema(item_schema, name: str):
    """The paged list envelope of API.md for one kind of item."""
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "page": fields.Integer(), "per_page": fields.Integer(), "total": fields.Integer(),
    })
