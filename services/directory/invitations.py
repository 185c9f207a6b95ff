"""Invitations: a person joins through an emailed one-time link that names their role and scope.

Only a digest of the link's token is kept. The token crosses the bus once, sealed with the data
keys together with the address, to the notifications service that writes the email. A link is
good once, until it expires (INVITATION_TTL_DAYS) or is revoked; a used, revoked or expired
one is gone (410) and creates nothing.
"""
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from services.common import checks
from services.common.context import Caller
from services.common.database import utcnow
from services.common.errors import Conflict, Gone, Invalid, NotFound
from services.directory import account_history, reach
from services.directory.models import Invitation, Organization, User
from services.directory.password_policy import require_acceptable
from services.directory.passwords import hash_password, token_digest

GONE = "This invitation link was already used, revoked or has expired: ask for a new one."
NO_PASSWORD = "!"  # an account that signs in only through single sign-on


def invite(tx, caller: Caller, data: dict, ttl_days: int, cipher) -> tuple[Invitation, str]:
    """The invitation, and the token its link carries (emailed; never kept)."""
    email = data["email"].strip().lower()
    organization_id, municipi = reach.scope_of_grant(
        tx.session, caller, data["role"], data.get("organization_id"), data.get("municipi"))
    reach.require_second_factor(caller)
    if _has_account(tx.session, email):
        raise Conflict("Somebody already has an account with this address.", "email_taken")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    _end_pending(tx.session, email, now)  # a new invitation replaces the one sent before
    invitation = Invitation(email=email, display_name=data["display_name"], role=data["role"],
                            organization_id=organization_id, municipi=municipi,
                            token_hash=token_digest(token), invited_by=caller.user_id,
                            created_at=now, expires_at=now + timedelta(days=ttl_days))
    tx.session.add(invitation)
    tx.session.flush()
    organization = tx.session.get(Organization, organization_id) if organization_id else None
    inviter = tx.session.get(User, caller.user_id)
    tx.emit("invitation_sent", {
        "invitation_id": invitation.id, "role": invitation.role,
        "organization_name": organization.name if organization else None,
        "inviter_name": (inviter.display_name or inviter.username) if inviter else None,
        "language": caller.language, "expires_at": invitation.expires_at.isoformat(),
        "sealed": cipher.seal_text({"email": email, "token": token,
                                    "display_name": invitation.display_name}),
    })
    return invitation, token


def pending_statement(caller: Caller):
    reach.require_manager(caller)
    return reach.reach_filter(caller, select(Invitation).where(
        Invitation.status == "pending", Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at.desc()))


def revoke(tx, caller: Caller, invitation_id: str) -> Invitation:
    reach.require_manager(caller)
    reach.require_second_factor(caller)
    invitation = tx.session.get(Invitation, invitation_id)
    if invitation is None or not reach.reaches(tx.session, caller, invitation.organization_id):
        raise NotFound("No such invitation among yours.", "invitation_not_managed")
    if invitation.status != "pending":
        raise Conflict(f"This invitation is {invitation.status} already.", "invitation_ended",
                       {"status": invitation.status})
    invitation.status, invitation.ended_at = "revoked", utcnow()
    return invitation


def usable(session, token: str, now: datetime | None = None) -> Invitation:
    """The pending invitation of `token`, locked; Gone when used, revoked or expired."""
    now = now or utcnow()
    invitation = session.execute(select(Invitation).where(
        Invitation.token_hash == token_digest(str(token))).with_for_update()).scalar_one_or_none()
    if invitation is None or invitation.status != "pending" or invitation.expires_at <= now:
        raise Gone(GONE, "link_gone")
    return invitation


def describe(session, token: str) -> dict:
    """What the person who got the link is invited to, for the page that accepts it."""
    invitation = usable(session, token)
    organization = (session.get(Organization, invitation.organization_id)
                    if invitation.organization_id else None)
    return {"email": invitation.email, "display_name": invitation.display_name,
            "role": invitation.role, "municipi": invitation.municipi,
            "organization_name": organization.name if organization else None,
            "expires_at": invitation.expires_at}


def accept(tx, token: str, username: str, password: str) -> User:
    invitation = usable(tx.session, token)
    require_acceptable(password, username)
    return _create_account(tx, invitation, username, hash_password(password))


def pending_for_email(session, email: str, now: datetime | None = None) -> Invitation | None:
    now = now or utcnow()
    return session.execute(select(Invitation).where(
        func.lower(Invitation.email) == email.strip().lower(), Invitation.status == "pending",
        Invitation.expires_at > now).order_by(Invitation.created_at.desc())).scalars().first()


def accept_with_single_sign_on(tx, invitation: Invitation, username: str) -> User:
    """The account of an invitation whose address an identity provider vouched for."""
    return _create_account(tx, invitation, username, NO_PASSWORD)


def _create_account(tx, invitation: Invitation, username: str, password_hash: str) -> User:
    if _has_account(tx.session, invitation.email):  # one address, one account, ever
        raise Gone(GONE, "link_gone")
    if tx.session.execute(select(User.id).where(User.username == username)).first():
        raise Invalid({"username": [checks.reason("username_taken",
                                                  "This username is taken: choose another.")]})
    user = User(username=username, password_hash=password_hash, email=invitation.email,
                display_name=invitation.display_name, roles=reach.roles_for(invitation.role),
                municipi=invitation.municipi, organization_id=invitation.organization_id)
    tx.session.add(user)
    tx.session.flush()
    invitation.status, invitation.ended_at, invitation.user_id = "accepted", utcnow(), user.id
    tx.session.flush()
    _end_pending(tx.session, invitation.email, invitation.ended_at)
    inviter = Caller(user_id=invitation.invited_by)
    account_history.record(tx.session, user.id, inviter, "invited", role=invitation.role,
                           organization_id=invitation.organization_id,
                           municipi=invitation.municipi,
                           invited_at=invitation.created_at.isoformat())
    account_history.record(tx.session, user.id, Caller(user_id=user.id), "joined",
                           username=username)
    return user


def _has_account(session, email: str) -> bool:
    found = session.execute(select(User.id).where(func.lower(User.email) == email)).first()
    return found is not None


def _end_pending(session, email: str, now: datetime):
    session.execute(update(Invitation).where(func.lower(Invitation.email) == email,
                                             Invitation.status == "pending")
                    .values(status="revoked", ended_at=now))
