"""Passwords people set themselves: reset through an emailed one-time link, and change with the
current one. Either ends the person's other sessions."""
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from services.common.context import Caller
from services.common.database import utcnow
from services.common.errors import Gone, Invalid
from services.directory import account_history, users
from services.directory.invitations import NO_PASSWORD, digest
from services.directory.models import PasswordReset, User
from services.directory.password_policy import require_acceptable
from services.directory.passwords import hash_password, verify_password

GONE = "This reset link was already used or has expired: ask for a new one."


def request_reset(tx, email: str, ttl_minutes: int, cipher, language: str = "it"):
    """Emails a reset link to the active account with this address, if there is one; the
    answer is the same either way, so that nobody learns who has an account."""
    address = email.strip().lower()
    user = tx.session.execute(select(User).where(func.lower(User.email) == address,
                                                 User.active.is_(True))).scalars().first()
    if user is None or user.password_hash == NO_PASSWORD:
        return
    token = secrets.token_urlsafe(32)
    now = utcnow()
    reset = PasswordReset(token_hash=digest(token), user_id=user.id, created_at=now,
                          expires_at=now + timedelta(minutes=ttl_minutes))
    tx.session.add(reset)
    tx.emit("password_reset_requested", {
        "user_id": user.id, "language": user.language or language,
        "expires_at": reset.expires_at.isoformat(),
        "sealed": cipher.seal_text({"email": user.email, "token": token,
                                    "display_name": user.display_name or user.username}),
    })


def confirm_reset(tx, token: str, password: str, policy) -> User:
    session = tx.session
    now = utcnow()
    reset = session.get(PasswordReset, digest(str(token)), with_for_update=True)
    if reset is None or reset.used_at or reset.expires_at <= now:
        raise Gone(GONE)
    user = session.get(User, reset.user_id)
    if not user.active:
        raise Gone(GONE)
    require_acceptable(password, user.username)
    reset.used_at = now
    _set(session, user, password, policy)
    user.failed_logins, user.locked_until = 0, None
    account_history.record(session, user.id, Caller(user_id=user.id), "password_reset")
    return user


def change(tx, caller: Caller, session_id: str | None, current: str, new: str, policy) -> User:
    caller.require_authenticated()
    user = tx.session.get(User, caller.user_id)
    if not verify_password(current, user.password_hash):
        raise Invalid({"current_password": ["This is not your current password."]})
    require_acceptable(new, user.username, field="new_password")
    _set(tx.session, user, new, policy, keep=session_id)
    account_history.record(tx.session, user.id, caller, "password_changed")
    return user


def _set(session, user: User, password: str, policy, keep: str | None = None):
    user.password_hash = hash_password(password)
    users.end_all_sessions(session, user.id, policy, keep=keep)
