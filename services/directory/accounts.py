"""People's accounts as those who manage them see them: list, change role or scope within
reach, deactivate (every session ends at once) and reactivate, reset a lost second factor.
Every change goes in the account's history (account_history.py)."""
from sqlalchemy import String, cast, select

from services.common import checks
from services.common.context import Caller
from services.common.errors import Conflict, Forbidden, Invalid
from services.directory import account_history, credentials, reach, two_factor, users
from services.directory.models import Membership, Network, Organization, User


def list_statement(caller: Caller, organization_id=None, municipio=None, role=None, active=None):
    reach.require_manager(caller)
    statement = reach.reach_filter(caller, select(User).order_by(User.username))
    if organization_id:
        statement = statement.where(User.organization_id == organization_id)
    if municipio:
        # municipi are 1-9, one digit each: the JSON list's text holds it or not
        of_organisations = (select(Membership.organization_id).join(Network)
                            .where(Network.municipio == municipio))
        statement = statement.where(User.organization_id.in_(of_organisations)
                                    | cast(User.municipi, String).like(f"%{int(municipio)}%"))
    if role:
        statement = statement.where(cast(User.roles, String).like(f'%"{role}"%'))
    if active is not None:
        statement = statement.where(User.active.is_(active))
    return statement


def present(caller: Caller, user: User) -> dict:
    """The account as its manager sees it, with what the caller may do to it."""
    actions = []
    if user.id != caller.user_id and reach.may_change(caller, user.roles):
        actions = ["change_access", "deactivate" if user.active else "reactivate"]
        if user.mfa_enabled or user.mfa_secret is not None:
            actions.append("reset_two_factor")
    return {**{column: getattr(user, column) for column in (
        "id", "username", "display_name", "email", "roles", "organization_id", "municipi",
        "active", "mfa_enabled", "created_at", "last_login_at")},
        "role": reach.role_of(user.roles), "actions": actions}


def grant_options(session, caller: Caller) -> dict:
    """What the caller may grant: the roles, and the organisations within reach for the roles
    of an organisation."""
    reach.require_manager(caller)
    organisations = reach.reach_filter(caller, select(Organization).order_by(Organization.name),
                                       column=Organization.id)
    return {"roles": [{"role": role, "scope": reach.scope_of_role(role)}
                      for role in reach.grantable(caller)],
            "organizations": [{"id": o.id, "name": o.name}
                              for o in session.execute(organisations).scalars()]}


def get(session, caller: Caller, user_id: str) -> User:
    user = session.get(User, user_id)
    reach.require_reach(session, caller, user)
    return user


def update(tx, caller: Caller, user_id: str, changes: dict, policy) -> User:
    """Role, scope and `active`, each within the caller's reach. A change of role or scope
    ends the person's sessions, so that their next login carries it; deactivation too."""
    session = tx.session
    user = _changeable(session, caller, user_id)
    role = changes.get("role") or (reach.role_of(changes["roles"]) if changes.get("roles")
                                   else None)
    if changes.get("roles") and sorted(changes["roles"]) != sorted(reach.roles_for(role)):
        raise Invalid({"roles": [checks.reason(
            "roles_one", "An account holds one role: give `role`, or the roles it amounts to "
                         "(partner_admin with partner).")]})
    if role or "organization_id" in changes or "municipi" in changes:
        role = role or reach.role_of(user.roles)
        organization_id, municipi = reach.scope_of_grant(
            session, caller, role, changes.get("organization_id", user.organization_id),
            changes.get("municipi", user.municipi))
        before = {"roles": list(user.roles), "organization_id": user.organization_id,
                  "municipi": list(user.municipi)}
        user.roles, user.organization_id, user.municipi = (reach.roles_for(role),
                                                           organization_id, municipi)
        after = {"roles": list(user.roles), "organization_id": user.organization_id,
                 "municipi": list(user.municipi)}
        if after != before:
            account_history.record(session, user.id, caller, "access_changed",
                                   before=before, after=after)
            users.end_all_sessions(session, user.id, policy)
    if "active" in changes and changes["active"] != user.active:
        user.active = changes["active"]
        if user.active:
            user.failed_logins, user.locked_until = 0, None
        else:
            users.end_all_sessions(session, user.id, policy)
            credentials.void_resets(session, user.id)
        account_history.record(session, user.id, caller,
                               "reactivated" if user.active else "deactivated")
    return user


def reset_two_factor(tx, caller: Caller, user_id: str, policy) -> User:
    """For a lost device: the person enrols again at their next login."""
    user = _changeable(tx.session, caller, user_id)
    if not user.mfa_enabled and user.mfa_secret is None:
        raise Conflict("This person has no second factor to reset.", "no_second_factor")
    two_factor.reset(tx.session, user)
    users.end_all_sessions(tx.session, user.id, policy)
    account_history.record(tx.session, user.id, caller, "two_factor_reset")
    return user


def _changeable(session, caller: Caller, user_id: str) -> User:
    """An account the caller may change: within reach, of a role it grants, not its own, and
    the caller passed a second factor."""
    user = get(session, caller, user_id)
    reach.require_second_factor(caller)
    if user.id == caller.user_id:
        raise Forbidden("Your own account is changed by whoever manages it, not by you.",
                        "own_account")
    if not reach.may_change(caller, user.roles):
        raise Forbidden(f"You may not change the access of a {reach.role_of(user.roles)}.",
                        "role_not_grantable", {"role": reach.role_of(user.roles)})
    return user


def history(session, caller: Caller, user_id: str) -> list:
    get(session, caller, user_id)
    return account_history.entries(session, user_id)
