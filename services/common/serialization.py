"""JSON on the bus and in the API, written and read by orjson.

A search page or a report is tens of kilobytes; the standard encoder, and kombu's hook called
for every object it decodes, took longer over them than the search itself. Every process that
speaks on the bus imports `services.common`, which registers this codec under kombu's "json"
name, so all of them encode alike; the messages are plain JSON either way.
"""
import json
from decimal import Decimal

import orjson
from kombu.serialization import register


def dumps(data) -> bytes:
    try:
        return orjson.dumps(data, default=_plain, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # an integer past 64 bits, as only hostile input carries
        return json.dumps(data, default=_plain).encode()


def encoded(data) -> bytes:
    """`data` as JSON once, for answers that carry it again and again: wrapped in an
    `orjson.Fragment`, the codec writes these bytes as they are instead of encoding `data`
    anew. (An answer with fragments cannot also hold an integer past 64 bits: the standard
    encoder, which `dumps` falls back to for those, does not write fragments.)"""
    return orjson.dumps(data, default=_plain, option=orjson.OPT_NON_STR_KEYS)


def loads(data):
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # what the standard encoder wrote above
        return json.loads(data)


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


# The gateway's requests use a dialect of the same JSON under its own name. nameko answers a
# request in the request's content type, so only the answers to the gateway are read by
# `loads_keeping_result`: the gateway passes a result on to its client as the JSON it came in,
# without decoding it and encoding it again. The services accept both (see config.nameko_config).
GATEWAY_JSON = "gateway-json"
# nameko's answer to an RPC, {"result": ..., "error": ...}, as `dumps` writes it without an error
_RESULT, _NO_ERROR = b'{"result":', b',"error":null}'


class Encoded:
    """A result as the JSON it came in."""
    __slots__ = ("json",)

    def __init__(self, json: bytes):
        self.json = json


def loads_keeping_result(data):
    """An RPC answer without an error keeps its result `Encoded`; anything else is decoded."""
    if isinstance(data, bytes) and data.startswith(_RESULT) and data.endswith(_NO_ERROR):
        return {"result": Encoded(data[len(_RESULT):-len(_NO_ERROR)]), "error": None}
    return loads(data)


def use_on_the_bus():
    register("json", dumps, loads, content_type="application/json", content_encoding="utf-8")
    # "binary": py-amqp turns the body of a message in a text encoding into a str before anyone
    # reads it; the gateway passes the bytes on
    register(GATEWAY_JSON, dumps, loads_keeping_result,
             content_type="application/vnd.qubi.gateway+json", content_encoding="binary")
