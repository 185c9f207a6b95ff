"""Whose accounts a person manages, and what they may grant: nobody grants more than they hold.

The city reaches everyone and grants any role. A coordinator reaches the people of its
municipio's organisations and grants `partner_admin` of those organisations. A `partner_admin`
reaches its own organisation's people and grants `partner` and `partner_admin` there.
Someone outside one's reach is not found (404), as in the rest of the directory.
"""
from sqlalchemy import or_, select

from services.common import checks
from services.common.context import (CITY, COORDINATOR, PARTNER, PARTNER_ADMIN, SOCIAL_WORKER,
                                     Caller)
from services.common.errors import Forbidden, Invalid, NotFound
from services.directory.contract.people import PEOPLE_MANAGERS
from services.directory.models import Membership, Network, Organization, User

GRANTS = {
    CITY: (CITY, COORDINATOR, SOCIAL_WORKER, PARTNER_ADMIN, PARTNER),
    COORDINATOR: (PARTNER_ADMIN,),
    PARTNER_ADMIN: (PARTNER_ADMIN, PARTNER),
}
ORGANISATION_ROLES = (PARTNER, PARTNER_ADMIN)
MUNICIPAL_ROLES = (COORDINATOR, SOCIAL_WORKER)


def require_manager(caller: Caller):
    caller.require_role(*PEOPLE_MANAGERS)


def require_second_factor(caller: Caller):
    """Who grants access to families' data has passed a second factor themselves (when their
    role asks for one): a stolen password alone grants nothing."""
    if not caller.mfa:
        raise Forbidden("Managing people needs a login with the second factor: turn two-factor "
                        "on, or log in with its code.", "second_factor_needed")


def grantable(caller: Caller) -> tuple:
    return tuple(dict.fromkeys(role for held in caller.roles for role in GRANTS.get(held, ())))


def may_change(caller: Caller, roles) -> bool:
    """Whether the caller may change the access of someone holding `roles`: a role it grants,
    or a partner of an organisation whose administrators it appoints."""
    held = role_of(roles)
    allowed = grantable(caller)
    return held in allowed or (held == PARTNER and PARTNER_ADMIN in allowed)


def scope_of_role(role: str) -> str | None:
    """What an account of `role` is scoped by: its organisation, its municipi, or nothing."""
    return ("organization" if role in ORGANISATION_ROLES
            else "municipi" if role in MUNICIPAL_ROLES else None)


def roles_for(role: str) -> list:
    """An account's roles for the role granted: an administrator is a partner too."""
    return [PARTNER, PARTNER_ADMIN] if role == PARTNER_ADMIN else [role]


def role_of(roles) -> str | None:
    """The one role an account's roles amount to (the inverse of `roles_for`)."""
    return PARTNER_ADMIN if PARTNER_ADMIN in roles else next(iter(roles), None)


def reach_filter(caller: Caller, statement, column=None):
    """`statement` over users or invitations (or organisations, by `column`) limited to those
    the caller reaches."""
    column = column if column is not None else statement.column_descriptions[0][
        "entity"].organization_id
    if caller.has_role(CITY):
        return statement
    clauses = []
    if caller.has_role(COORDINATOR):
        clauses.append(column.in_(_organisations_of(caller.municipi)))
    if caller.has_role(PARTNER_ADMIN) and caller.organization_id:
        clauses.append(column == caller.organization_id)
    if not clauses:
        return statement.where(False)
    return statement.where(or_(*clauses))


def reaches(session, caller: Caller, organization_id: str | None) -> bool:
    """Whether the caller manages the people of `organization_id` (None: no organisation)."""
    if caller.has_role(CITY):
        return True
    if organization_id is None:
        return False
    if caller.has_role(PARTNER_ADMIN) and caller.organization_id == organization_id:
        return True
    if caller.has_role(COORDINATOR):
        organization = session.get(Organization, organization_id)
        return organization is not None and bool(set(organization.municipi) & set(caller.municipi))
    return False


def require_reach(session, caller: Caller, user: User | None, what: str = "person"):
    require_manager(caller)
    if user is None or not reaches(session, caller, user.organization_id):
        raise NotFound(f"No such {what} among those you manage.", "person_not_managed")


def scope_of_grant(session, caller: Caller, role: str, organization_id: str | None,
                   municipi) -> tuple[str | None, list]:
    """The organisation and municipi an account of `role` gets, checked against the caller's
    reach: a partner's are its organisation's, a municipal role's are given, the city's none."""
    require_manager(caller)
    if role not in grantable(caller):
        raise Forbidden(f"You may not grant the role {role}.", "role_not_grantable", {"role": role})
    if role in ORGANISATION_ROLES:
        if not organization_id:
            raise Invalid({"organization_id": [checks.reason(
                "role_needs_organization", "Needed for the role {role}.", role=role)]})
        organization = session.get(Organization, organization_id)
        if organization is None:
            raise Invalid({"organization_id": [checks.reason("organization_unknown",
                                                             "No such organisation.")]})
        if not reaches(session, caller, organization_id):
            raise Forbidden("This organisation is outside what you manage.",
                            "organization_not_managed")
        return organization_id, organization.municipi
    if role in MUNICIPAL_ROLES:
        if not municipi:
            raise Invalid({"municipi": [checks.reason(
                "role_needs_municipi", "Name the municipi of the role {role}.", role=role)]})
        return None, sorted(set(municipi))
    return None, []


def _organisations_of(municipi):
    return (select(Membership.organization_id).join(Network)
            .where(Network.municipio.in_(list(municipi))))
