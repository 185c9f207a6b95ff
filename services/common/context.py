"""Who is calling: the gateway puts the authenticated person in nameko `context_data`, signed
(services/common/signing.py); every service reads it through `CallerContext` and enforces its
own rules with it."""
from dataclasses import dataclass, field

from nameko.extensions import DependencyProvider

from services.common.errors import Forbidden, NotAuthenticated
from services.common.serialization import loads

CALLER_KEY = "caller"
REQUEST_ID_KEY = "request_id"
ORIGIN_KEY = "origin"
GATEWAY = "gateway"
CLAIMS = ("user_id", "username", "organization_id", "roles", "municipi", "language", "mfa")

PARTNER, SOCIAL_WORKER, COORDINATOR, CITY = "partner", "social_worker", "coordinator", "city"
PARTNER_ADMIN = "partner_admin"  # a partner who also manages its organisation's staff
ROLES = (PARTNER, PARTNER_ADMIN, SOCIAL_WORKER, COORDINATOR, CITY)
TIER_OF_ROLE = {CITY: "city", COORDINATOR: "municipal", SOCIAL_WORKER: "municipal",
                PARTNER: "organization", PARTNER_ADMIN: "organization"}
TIER_ORDER = ("city", "municipal", "organization", "public")
GOVERNANCE = (COORDINATOR, CITY)  # the tiers that read a network's overview
ABILITIES = {"read_overview": GOVERNANCE}


def abilities(table: dict, roles) -> set:
    """What `roles` may do by `table`, a contract's ABILITIES: what a person may do beyond any
    one record (each record's `actions` say the rest), as the name of the ability -> the roles
    any of which grants it, or a test of the roles held."""
    held = set(roles or ())
    return {name for name, grant in table.items()
            if (grant(held) if callable(grant) else held & set(grant))}


def tier_for(roles) -> str:
    """The widest tier among the roles; no role at all is the public."""
    tiers = {TIER_OF_ROLE[role] for role in roles if role in TIER_OF_ROLE}
    return next((tier for tier in TIER_ORDER if tier in tiers), "public")


@dataclass(frozen=True)
class Caller:
    user_id: str | None = None
    username: str | None = None
    organization_id: str | None = None
    roles: tuple = ()
    municipi: tuple = ()
    language: str = "it"
    # the login passed the second factor its person's role requires (or none is required)
    mfa: bool = False
    request_id: str | None = None
    origin: str | None = None
    tier: str = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "roles", tuple(self.roles))
        object.__setattr__(self, "municipi", tuple(int(m) for m in self.municipi))
        object.__setattr__(self, "tier", tier_for(self.roles))

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def has_role(self, *roles) -> bool:
        return any(role in self.roles for role in roles)

    def covers_municipio(self, municipio: int) -> bool:
        """City sees every municipio; municipal roles see their own."""
        return self.has_role(CITY) or int(municipio) in self.municipi

    def require_authenticated(self):
        if not self.authenticated:
            raise NotAuthenticated("Authentication is required.", "login_required")

    def require_role(self, *roles):
        self.require_authenticated()
        if not self.has_role(*roles):
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.", "role_required",
                            {"roles": list(roles)})

    def require_internal(self):
        """For RPCs that only other services may call, never a request through the gateway."""
        if self.origin == GATEWAY:
            raise Forbidden("This operation is internal to the platform.", "internal_operation")

    def require_municipi(self, municipi):
        outside = sorted(m for m in municipi if not self.covers_municipio(m))
        if outside:
            raise Forbidden(f"Not allowed for municipio {', '.join(map(str, outside))}.",
                            "municipio_not_allowed", {"municipi": outside})

    @classmethod
    def from_context_data(cls, data) -> "Caller":
        raw = data.get(CALLER_KEY)
        claims = loads(raw) if raw else {}
        return cls(request_id=data.get(REQUEST_ID_KEY), origin=data.get(ORIGIN_KEY), **claims)


ANONYMOUS = Caller()


def checked_context(worker_ctx) -> dict:
    """The context data of a worker whose entrypoint checked its signature (the services' RPC
    entrypoint does); nothing for any other work (events, timers), whatever its message held."""
    return worker_ctx.data if getattr(worker_ctx.entrypoint, "checks_context", False) else {}


class CallerContext(DependencyProvider):
    """Injects the `Caller` of the current worker."""

    def get_dependency(self, worker_ctx):
        return Caller.from_context_data(checked_context(worker_ctx))
