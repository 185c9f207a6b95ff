"""What bench/data_growth.py needs of each service: `bench/growth/<service>.py` seeds that
service's own database through its own models at a scale of the five-year figures (1.0 is five
years of Milan), and names the operations to time over HTTP.

A module has `SERVICE` (the service whose database it seeds), `seed(url, scale, demo) ->
context` (a dict of what its operations need: ids, numbers) and `operations(context) ->
[Operation]`."""
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select

from services.common.database import Store
from services.directory.models import Base as DirectoryBase
from services.directory.models import Membership, Organization, User

# five years of Milan's networks (issue figures): the seeders take their share of these
FIVE_YEARS = {"referrals": 100_000, "notifications_of_a_busy_person": 100_000,
              "notifications": 1_000_000, "services": 50_000, "events": 5_000,
              "registrations": 200_000, "fund_requests": 20_000}


def at(scale: float, figure: str) -> int:
    return max(1, round(FIVE_YEARS[figure] * scale))


@dataclass(frozen=True)
class Operation:
    name: str
    path: str  # from the gateway's root, with its query
    username: str | None = None  # a demo account (password qubi-demo); None: anonymous
    # run untimed before each timed GET: before(gateway_root, login), login(username) a session
    before: Callable[[str, Callable], None] | None = None


@dataclass
class Demo:
    """The demo data `qubi-admin seed` wrote: accounts by username, organisations by name."""
    users: dict = field(default_factory=dict)  # username -> {id, organization_id, municipi, roles}
    organizations: dict = field(default_factory=dict)  # name -> {id, municipio}

    @classmethod
    def read(cls, directory_url: str) -> "Demo":
        store = Store(directory_url, DirectoryBase.metadata)
        demo = cls()
        try:
            with store.sessions() as session:
                for user in session.execute(select(User)).scalars():
                    demo.users[user.username] = {
                        "id": user.id, "organization_id": user.organization_id,
                        "municipi": list(user.municipi or []), "roles": list(user.roles or [])}
                for organization, membership in session.execute(
                        select(Organization, Membership).join(Membership)):
                    demo.organizations[organization.name] = {
                        "id": organization.id, "municipio": membership.network.municipio}
        finally:
            store.dispose()
        return demo
