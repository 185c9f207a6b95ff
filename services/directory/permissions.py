"""Who may change what in the directory: the city tier everything; a coordinator its
municipio's network; a partner its own organisation and its services. A service's capacity is
said by its own organisation alone. Answers carry the caller's `actions` from the same rule."""
from services.common.context import CITY, COORDINATOR, PARTNER, PARTNER_ADMIN, Caller
from services.common.errors import Forbidden, NotFound
from services.directory.contract.catalogue import WITHDRAWN
from services.directory.models import Organization, Service


def may_manage(caller: Caller, organization: Organization) -> bool:
    if not caller.authenticated:
        return False
    if caller.has_role(CITY):
        return True
    if caller.has_role(COORDINATOR) and set(organization.municipi) & set(caller.municipi):
        return True
    return caller.has_role(PARTNER) and caller.organization_id == organization.id


def organization_actions(caller: Caller, organization: Organization) -> list:
    """edit (its details), manage_services (add services and change its services)."""
    return ["edit", "manage_services"] if may_manage(caller, organization) else []


def may_state_capacity(caller: Caller, service: Service) -> bool:
    """Only the members of the service's organisation know its places first-hand: a coordinator
    or the city who restated them would make an old number look fresh."""
    return (caller.authenticated and caller.has_role(PARTNER, PARTNER_ADMIN)
            and caller.organization_id == service.organization_id)


def service_actions(caller: Caller, service: Service) -> list:
    """edit, withdraw: who manages the organisation that offers it; update_capacity: its own
    organisation; nothing once withdrawn."""
    if service.status == WITHDRAWN:
        return []
    actions = ["edit", "withdraw"] if may_manage(caller, service.organization) else []
    return actions + (["update_capacity"] if may_state_capacity(caller, service) else [])


def require_manage(caller: Caller, organization: Organization, what: str = "organisation"):
    """A partner does not learn that another organisation's records exist to be changed: 404."""
    caller.require_authenticated()
    if may_manage(caller, organization):
        return
    if caller.has_role(CITY, COORDINATOR):
        raise Forbidden(f"This {what} is outside your network.", "service_outside_network"
                        if what == "service" else "organization_outside_network")
    raise NotFound(f"No such {what} among yours.", "service_not_yours" if what == "service"
                   else "organization_not_yours")


def require_state_capacity(caller: Caller, service: Service):
    """The service's organisation; the tiers that manage it otherwise are told why not (403),
    anyone else does not learn of it among theirs (404)."""
    caller.require_authenticated()
    if may_state_capacity(caller, service):
        return
    if caller.has_role(CITY, COORDINATOR):
        raise Forbidden("Only the service's own organisation says its places.",
                        "capacity_of_own_organization")
    raise NotFound("No such service among yours.", "service_not_yours")
