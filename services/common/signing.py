"""The caller context, signed: who calls cannot be made up by whoever can publish on the bus.

The gateway, and each service calling another, signs the context it sends (HMAC-SHA256 with
the first of CONTEXT_KEYS) over the caller's claims, the request id, the origin and an expiry
seconds ahead; a service checks it against every key of CONTEXT_KEYS before a method runs
(services/common/rpc.py). Keys rotate with an overlap: a new key first signs while the old one,
second, is still accepted.
"""
import hmac
import time

from services.common.context import CALLER_KEY, CLAIMS, ORIGIN_KEY, REQUEST_ID_KEY, Caller
from services.common.errors import NotAuthenticated
from services.common.serialization import dumps

EXPIRES_KEY = "expires"
SIGNATURE_KEY = "signature"
# as long as a call may wait for its service (RPC_TIMEOUT) and a little clock skew: a context
# read off the bus is worth little to whoever would replay it
TTL_SECONDS = 15
ANONYMOUS_CLAIMS = dumps({key: getattr(Caller(), key) for key in CLAIMS}).decode()


class ContextSigner:
    def __init__(self, keys, ttl_seconds: int = TTL_SECONDS, clock=time.time):
        if not keys:
            raise ValueError("no CONTEXT_KEYS: a caller context can be neither signed nor checked")
        self._keys = tuple(key.encode() for key in keys)
        self._ttl = ttl_seconds
        self._clock = clock

    def sign(self, caller: Caller, origin: str | None = None) -> dict:
        """The context data of an RPC made for `caller` (from `origin`, when given)."""
        claims = dumps({key: getattr(caller, key) for key in CLAIMS}).decode()
        return self._signed(claims, caller.request_id, origin or caller.origin)

    def sign_onward(self, checked: dict, origin: str) -> dict:
        """The context of a call that a service (`origin`) makes while it works for a context
        it checked (`checked`; empty for work no caller asked for: events, timers)."""
        return self._signed(checked.get(CALLER_KEY) or ANONYMOUS_CLAIMS,
                            checked.get(REQUEST_ID_KEY), origin)

    def check(self, data: dict):
        """Raises NotAuthenticated unless `data` is a context signed with one of the keys,
        unaltered and unexpired."""
        claims, signature = data.get(CALLER_KEY), data.get(SIGNATURE_KEY)
        request_id, origin = data.get(REQUEST_ID_KEY), data.get(ORIGIN_KEY)
        expires = data.get(EXPIRES_KEY)
        if not (isinstance(claims, str) and isinstance(signature, str)
                and type(expires) is int and _text_or_none(request_id)
                and _text_or_none(origin)):
            raise NotAuthenticated("The call carries no signed caller context.",
                                   "caller_context_missing")
        if expires < self._clock():
            raise NotAuthenticated("The caller context has expired.", "caller_context_expired")
        message = _message(claims, request_id, origin, expires)
        for key in self._keys:
            if hmac.compare_digest(_mac(key, message), signature):
                return
        raise NotAuthenticated("The caller context's signature is not valid.",
                               "caller_context_forged")

    def _signed(self, claims: str, request_id, origin) -> dict:
        request_id, origin = request_id or None, origin or None
        expires = int(self._clock()) + self._ttl
        data = {CALLER_KEY: claims, EXPIRES_KEY: expires,
                SIGNATURE_KEY: _mac(self._keys[0], _message(claims, request_id, origin, expires))}
        if request_id:
            data[REQUEST_ID_KEY] = request_id
        if origin:
            data[ORIGIN_KEY] = origin
        return data


def _message(claims: str, request_id, origin, expires: int) -> bytes:
    # a JSON array: no value can spill into its neighbour, whatever characters it holds
    return dumps([claims, request_id, origin, expires])


def _mac(key: bytes, message: bytes) -> str:
    return hmac.digest(key, message, "sha256").hex()


def _text_or_none(value) -> bool:
    return value is None or isinstance(value, str)
