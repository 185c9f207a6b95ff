"""What the caller may do beyond any one record, as the services' contracts say it (their
ABILITIES; each record's own `actions` say the rest): the pages draw their menu and their
buttons to create from it, and the API and the pages turn away early what the service would
refuse anyway. The gateway names no role here."""
from services.common import context
from services.common.errors import Forbidden
from services.directory.contract import catalogue, people
from services.events import contract as events
from services.funds import contract as funds
from services.governance import contract as governance
from services.notifications import contract as notifications
from services.referrals import contract as referrals

TABLES = (context.ABILITIES, catalogue.ABILITIES, people.ABILITIES, events.ABILITIES,
          funds.ABILITIES, governance.ABILITIES, referrals.ABILITIES, notifications.ABILITIES)
GRANTS = {name: grant for table in TABLES for name, grant in table.items()}


def of(caller) -> frozenset:
    if not caller.authenticated:
        return frozenset()
    return frozenset().union(*(context.abilities(table, caller.roles) for table in TABLES))


def refusal(ability: str) -> Forbidden:
    """The service's own refusal of one without `ability`: it names the roles that grant it
    (none when a test of the roles held grants it)."""
    grant = GRANTS[ability]
    roles = [] if callable(grant) else list(grant)
    return Forbidden(f"This needs one of the roles: {', '.join(roles)}.", "role_required",
                     {"roles": roles})
