"""Flask's JSON: answers written by the same orjson codec as the bus (see
services/common/serialization.py), so the gateway passes the services' answers on as they are;
clients' bodies read by orjson alone, once a request, for the views and for webargs alike.

orjson refuses a body nested deeper than 1,024 levels with a ValueError (a 400 that says so),
where the standard json module, webargs' own reader and the bus codec's fallback, would
exhaust Python's stack (a RecursionError: a 500 and a traceback)."""
import orjson
from flask import Request
from flask.json.provider import JSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest

from services.common import serialization


class OrjsonProvider(JSONProvider):
    def dumps(self, obj, **kwargs) -> str:
        return serialization.dumps(obj).decode()

    def loads(self, s, **kwargs):
        return orjson.loads(s)


class GatewayRequest(Request):
    def on_json_loading_failed(self, e):
        if e is None:  # not a JSON body at all: Flask's 415
            return super().on_json_loading_failed(e)
        raise BadRequest(f"The request body is not valid JSON: {e}.") from e


class BodyParser(FlaskParser):
    """webargs reading a JSON body with `request.get_json`, as the views do."""

    def _raw_load_json(self, req):
        if not is_json_request(req) or not req.get_data(cache=True):
            return core.missing  # as webargs does: no body, no fields
        return req.get_json()
