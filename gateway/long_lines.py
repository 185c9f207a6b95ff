"""Requests whose first line (method, address, query) is longer than the gateway reads.

gunicorn refuses them before Flask sees them, with an HTML page; the gateway's worker answers
them as every other refusal of the API is answered, a problem: 414 URI too long. The limit is
gunicorn's largest, well above the longest address the API's documented parameters make."""
import json
from functools import cache

from apispec import BasePlugin
from gunicorn import util
from gunicorn.http.errors import LimitRequestLine

LONGEST_REQUEST_LINE = 8190  # bytes
_DETAIL = f"The request's address is longer than {LONGEST_REQUEST_LINE} bytes"
TOO_LONG = {"description": _DETAIL, "content": {
    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


@cache
def _answer() -> bytes:
    # imported here, in a worker: gunicorn's master imports this module, and Flask's context
    # proxies there would trip the eventlet worker's monkey patching after the fork
    from gateway.problems import CONTENT_TYPE, problem_body

    body = json.dumps(problem_body(414, _DETAIL)).encode()
    return (b"HTTP/1.1 414 URI Too Long\r\nConnection: close\r\n"
            + f"Content-Type: {CONTENT_TYPE}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body)


class _LongLinesAsProblems:
    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, LimitRequestLine):
            return super().handle_error(req, client, addr, exc)
        self.log.warning("Request line too long from ip=%s", (addr or ("",))[0])
        try:
            util.write_nonblock(client, _answer())
        except OSError:
            self.log.debug("Failed to send the 414 answer")


def worker_class(name: str) -> type:
    """The gunicorn worker `name` names (eventlet, gthread...), answering long lines as problems."""
    worker = util.load_class(name)
    return type(worker.__name__, (_LongLinesAsProblems, worker), {})


class LongLinesInOpenApi(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            operation.setdefault("responses", {}).setdefault("414", TOO_LONG)
