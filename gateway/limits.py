"""Rate limits on logins and writes, per client (IP address) and per user: 429 with
`Retry-After` past them.

Token buckets in each gateway process: a bucket holds `per_minute` requests and refills
evenly. With several processes (gunicorn workers, replicas) a client may get up to that many
times the limit; these limits are against floods and password guessing, not quotas, so that
is enough without a shared store (the account lockout in the directory is global).
"""
import math
import threading
import time

from apispec import BasePlugin

from services.common.errors import DomainError

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEYS = 10_000  # past this, the buckets that have refilled are forgotten


class RateLimited(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, retry_after: float):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"Too many requests: try again in {self.retry_after} s.", "rate_limited",
                         {"seconds": self.retry_after})


class RateLimiter:
    def __init__(self, per_minute: int):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets = {}  # key -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, key: str):
        """Takes one request from the key's bucket, or raises RateLimited."""
        now = time.monotonic()
        with self._lock:
            tokens, when = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - when) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                raise RateLimited((1 - tokens) / self.rate)
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > MAX_KEYS:
                self._forget_refilled(now)

    def _forget_refilled(self, now):
        self._buckets = {key: (tokens, when) for key, (tokens, when) in self._buckets.items()
                         if tokens + (now - when) * self.rate < self.capacity}


class Limits:
    """The gateway's limits, from its settings: logins per client and per username,
    writes per client and per user."""

    def __init__(self, login_per_minute: int, write_per_minute: int):
        self.login = RateLimiter(login_per_minute)
        self.write = RateLimiter(write_per_minute)

    def check_login(self, client: str, username):
        self.login.take(f"client:{client}")
        if isinstance(username, str):
            self.login.take(f"username:{username.lower()}")

    def check_write(self, client: str, user_id: str | None):
        self.write.take(f"client:{client}")
        if user_id:
            self.write.take(f"user:{user_id}")


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
