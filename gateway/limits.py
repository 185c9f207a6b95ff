"""Rate limits on logins and writes, per client (IP address), per user, per name tried and per
target (an event, a drive): 429 with `Retry-After` past them.

Counted in moving windows of a minute by `limits` (the engine of Flask-Limiter, used directly:
Flask-Limiter's own before-request pass cost 0.7 ms on every request, reads included, for
limits it did not hold), in one store that every gateway process and replica shares: Redis at
REDIS_URL. Without it each process counts in its own memory
(development and tests), where a client may get that many times the limit; the gateway warns
of it at start outside development.
"""
import logging
import math
import time

from apispec import BasePlugin
from flask import request
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from services.common.errors import DomainError

log = logging.getLogger(__name__)
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_PREFIX = "qubi-limits"
# anonymous writes that try a secret: limited as logins are, per client and per name given
CREDENTIALS = {"auth.token": "username", "auth.request_password_reset": "email",
               "auth.confirm_password_reset": None, "people.accept_invitation": "username",
               "referrals.family_answer": None, "web.family_card": None}
# writes anyone may make to an event or a drive, limited per target when anonymous (people with
# an account, invited, have their own limit): the view argument naming the target
TARGETS = {"events.register": "event_id", "web.register": "event_id",
           "events.confirm_registration": "event_id", "web.confirm_registration": "event_id",
           "events.cancel_registration": "event_id", "web.cancel_registration": "event_id",
           "drives.pledge": "drive_id", "web.pledge": "drive_id"}
# logins one address may try a minute, in login rates: an address may be many people's (an
# office, a proxy whose X-Forwarded-For is not trusted)
PEOPLE_PER_ADDRESS = 10


class RateLimited(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, retry_after: float):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"Too many requests: try again in {self.retry_after} s.", "rate_limited",
                         {"seconds": self.retry_after})


class Limits:
    """The gateway's limits, from its settings: logins per client and name tried; writes
    per client and per user; anonymous writes to one target per client and from everyone."""

    def __init__(self, settings):
        self._windows = MovingWindowRateLimiter(
            storage_from_string(settings.redis_url or "memory://"))
        self.login = RateLimitItemPerMinute(settings.login_rate_per_minute)
        self.login_address = RateLimitItemPerMinute(
            settings.login_rate_per_minute * PEOPLE_PER_ADDRESS)
        self.write = RateLimitItemPerMinute(settings.write_rate_per_minute)
        self.client_target = RateLimitItemPerMinute(settings.client_target_rate_per_minute)
        self.target = RateLimitItemPerMinute(settings.target_rate_per_minute)
        if not settings.redis_url and not settings.development:
            log.warning("REDIS_URL is not set: each gateway process counts rate limits on its "
                        "own, so clients get that many times the limits")

    def check_request(self, caller):
        """The limits of this request's write, if it is one, for `caller` (who is logged in)."""
        if request.method not in WRITES:
            return
        if request.endpoint in CREDENTIALS:
            body = request.get_json(silent=True)
            key = CREDENTIALS[request.endpoint]
            self.check_login(request.remote_addr,
                             body.get(key) if key and isinstance(body, dict) else None)
        else:
            self.check_write(request.remote_addr, caller.user_id)
        if request.endpoint in TARGETS and not caller.authenticated:
            target = TARGETS[request.endpoint]
            self.check_target(request.remote_addr, f"{target}:{request.view_args[target]}")

    def check_login(self, client: str, username):
        """Per client and name tried together, per name from anywhere, and per client alone at
        PEOPLE_PER_ADDRESS times the rate (one address trying many names)."""
        if not isinstance(username, str):
            self._take(self.login, f"client:{client}")
            return
        name = username.lower()
        self._take(self.login_address, f"address:{client}")
        self._take(self.login, f"client:{client}", f"username:{name}")
        self._take(self.login, f"username:{name}")

    def check_write(self, client: str, user_id: str | None):
        self._take(self.write, f"client:{client}")
        if user_id:
            self._take(self.write, f"user:{user_id}")

    def check_target(self, client: str, target: str):
        """A write to one event or drive: per client, and from all clients together."""
        self._take(self.client_target, f"client:{client}", target)
        self._take(self.target, target)

    def _take(self, item, *key):
        """Counts one request under the key, or raises RateLimited. A store that does not
        answer lets the request through: the services' own checks still hold."""
        try:
            if self._windows.hit(item, KEY_PREFIX, *key):
                return
            reset_at = self._windows.get_window_stats(item, KEY_PREFIX, *key).reset_time
        except Exception:  # whatever the store's client raises
            log.exception("the rate limits' store did not answer")
            return
        raise RateLimited(reset_at - time.time())


RATE_LIMITED = {
    "description": "Too many requests from this client or user",
    "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


class RateLimitsInOpenApi(BasePlugin):
    """Documents the 429 answer on every write of the API."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method.upper() in WRITES:
                operation.setdefault("responses", {}).setdefault("429", RATE_LIMITED)
