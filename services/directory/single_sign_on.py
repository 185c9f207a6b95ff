"""Single sign-on: a person the city's identity provider vouched for logs in to their account.

The gateway checks the ID token (signature, issuer, audience, nonce) and hands over who the
provider says this is. An identity (issuer and subject) linked before logs in to its account.
The first time, it is linked by its email address, and only when the provider verified it: to
the active account with that address, or, when there is none, to a pending invitation to it,
which creates the account. A deactivated account logs in by single sign-on no more than with a
password.

Roles are the platform's, unless OIDC_ROLES_CLAIM names a claim of the provider: then its
values (the known roles among them) are the account's roles from each login on. Single sign-on
is for city staff: an organisation's people (and invitations) are never linked by it. A login
counts as passing the second factor only when the provider says it took several (amr `mfa`);
otherwise the session asks for the TOTP code before it may read families' data.
"""
import itertools
import re
from datetime import datetime

from sqlalchemy import func, select

from services.common.context import ROLES
from services.common.database import utcnow
from services.common.errors import NotAuthenticated
from services.directory import account_history, invitations, reach, users
from services.directory.models import SingleSignOnIdentity, User

REFUSAL = ("Single sign-on opens no account for this identity: it needs an active account, or a "
           "pending invitation, for an address the identity provider verified.")


def sign_in(tx, identity: dict, policy: users.LoginPolicy, roles_from_claim: bool,
            now: datetime | None = None) -> User:
    """The account of `identity`, linked to it now if it was not yet; NotAuthenticated when
    there is none it may open. Its last login is now."""
    now = now or utcnow()
    session = tx.session
    link = session.get(SingleSignOnIdentity, (identity["issuer"], identity["subject"]))
    user = session.get(User, link.user_id) if link else _account_to_link(tx, identity, now)
    if user is None or not user.active:
        raise NotAuthenticated(REFUSAL, "single_sign_on_no_account")
    if link is None:
        session.add(SingleSignOnIdentity(issuer=identity["issuer"], subject=identity["subject"],
                                         user_id=user.id, linked_at=now))
        account_history.record(session, user.id, None, "single_sign_on_linked",
                               issuer=identity["issuer"])
    if roles_from_claim:
        _take_roles(session, user, identity.get("roles") or (), identity["issuer"], policy, now)
    user.last_login_at = now
    return user


def _account_to_link(tx, identity: dict, now: datetime) -> User | None:
    email = (identity.get("email") or "").strip().lower()
    if not email or not identity.get("email_verified"):
        return None
    accounts = tx.session.execute(
        select(User).where(func.lower(User.email) == email)).scalars().all()
    if accounts:
        active = [account for account in accounts if account.active]
        if len(active) != 1 or set(active[0].roles) & set(reach.ORGANISATION_ROLES):
            return None  # two people on one address: neither; an organisation's: not city staff
        return active[0]
    invitation = invitations.pending_for_email(tx.session, email, now)
    if invitation is None or invitation.role in reach.ORGANISATION_ROLES:
        return None
    return invitations.accept_with_single_sign_on(tx, invitation, _free_username(tx.session, email))


def _free_username(session, email: str) -> str:
    """The address's local part as a username (`name-2`, `name-3`... when it is taken)."""
    base = re.sub(r"[^a-z0-9._-]", "", email.partition("@")[0])[:70].lstrip("._-")
    base = base if len(base) >= 3 else f"sso-{base}".rstrip("-")
    taken = set(session.execute(
        select(User.username).where(User.username.startswith(base, autoescape=True))).scalars())
    candidates = itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2)))
    return next(name for name in candidates if name not in taken)


def _take_roles(session, user: User, claimed, issuer: str, policy: users.LoginPolicy,
                now: datetime):
    granted = {role for value in claimed if value in ROLES for role in reach.roles_for(value)}
    roles = [role for role in ROLES if role in granted]
    if roles == list(user.roles):
        return
    account_history.record(session, user.id, None, "access_changed", issuer=issuer,
                           before={"roles": list(user.roles)}, after={"roles": roles})
    user.roles = roles
    # sessions opened with the former roles end, as when a manager changes them
    users.end_all_sessions(session, user.id, policy, now=now)
