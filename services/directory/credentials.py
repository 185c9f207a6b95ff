"""Passwords people set themselves: reset through an emailed one-time link, and change with the
current one. Either ends the person's other sessions."""
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from services.common import checks
from services.common.context import Caller
from services.common.database import utcnow
from services.common.errors import Conflict, Gone, Invalid
from services.directory import account_history, two_factor, users
from services.directory.invitations import NO_PASSWORD
from services.directory.models import PasswordReset, User
from services.directory.password_policy import require_acceptable
from services.directory.passwords import hash_password, token_digest, verify_password

COOLDOWN = timedelta(minutes=1)
GONE = "This reset link was already used or has expired: ask for a new one."
NOT_CURRENT = checks.reason("password_not_current", "This is not your current password.")


def request_reset(tx, email: str, ttl_minutes: int, cipher, language: str = "it"):
    """Emails a reset link to the active account with this address, if there is one; the
    answer is the same either way, so that nobody learns who has an account."""
    address = email.strip().lower()
    user = tx.session.execute(select(User).where(func.lower(User.email) == address,
                                                 User.active.is_(True))).scalars().first()
    if user is None or user.password_hash == NO_PASSWORD:
        return
    now = utcnow()
    if tx.session.execute(select(PasswordReset.token_hash).where(
            PasswordReset.user_id == user.id,
            PasswordReset.created_at > now - COOLDOWN)).first():
        return  # one email a minute at most, whoever keeps asking
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(token_hash=token_digest(token), user_id=user.id, created_at=now,
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
    reset = session.get(PasswordReset, token_digest(str(token)), with_for_update=True)
    if reset is None or reset.used_at or reset.expires_at <= now:
        raise Gone(GONE, "link_gone")
    user = session.get(User, reset.user_id)
    if not user.active:
        raise Gone(GONE, "link_gone")
    require_acceptable(password, user.username)
    reset.used_at = now
    _set(session, user, password, policy)
    account_history.record(session, user.id, Caller(user_id=user.id), "password_reset")
    return user


def change(tx, caller: Caller, session_id: str | None, current: str, new: str, policy) -> User:
    caller.require_authenticated()
    user = tx.session.get(User, caller.user_id)
    if not verify_password(current, user.password_hash):
        users.count_failure(tx.session, user, policy.max_failures, policy, utcnow())
        raise Invalid({"current_password": [NOT_CURRENT]})
    require_acceptable(new, user.username, field="new_password")
    _set(tx.session, user, new, policy, keep=session_id)
    account_history.record(tx.session, user.id, caller, "password_changed")
    return user


def turn_on_two_factor(tx, caller: Caller, session_id: str | None, code: str,
                       password: str | None, cipher, policy) -> dict:
    """A first code of the app, and the password (for an account that has one: a stolen
    session alone binds no device), turn two-factor on: the recovery codes, and the session's
    next grant with the second factor passed."""
    caller.require_authenticated()
    user = tx.session.get(User, caller.user_id)
    if user.password_hash != NO_PASSWORD and not verify_password(password or "",
                                                                 user.password_hash):
        users.count_failure(tx.session, user, policy.max_failures, policy, utcnow())
        raise Invalid({"password": [NOT_CURRENT]})
    codes = two_factor.confirm(tx.session, user, code, cipher)
    account_history.record(tx.session, user.id, caller, "two_factor_enrolled")
    return {"recovery_codes": codes, **users.upgrade_session(tx.session, user, session_id,
                                                             policy)}


def pass_second_factor(tx, caller: Caller, session_id: str | None, code: str, cipher,
                       policy) -> dict:
    """The session goes on with the second factor passed (after a single sign-on, or a login
    that did not give the code): the session's next grant. Wrong codes count as at login."""
    caller.require_authenticated()
    user = tx.session.get(User, caller.user_id)
    now = utcnow()
    if not user.mfa_enabled:
        raise Conflict("Two-factor authentication is not on: turn it on first.",
                       "second_factor_off")
    if user.locked_until and user.locked_until > now:
        raise Invalid({"code": [checks.Reason("login_refused", policy.refusal,
                                              policy.refusal_params)]})
    if not two_factor.verify(tx.session, user, code, cipher, now.timestamp()):
        users.count_failure(tx.session, user, policy.max_code_failures, policy, now)
        raise Invalid({"code": [two_factor.CODE_WRONG]})
    user.failed_logins = 0
    return users.upgrade_session(tx.session, user, session_id, policy)


def void_resets(session, user_id: str, now=None):
    """The person's reset links still unused stop working (a new password, a deactivation)."""
    session.execute(update(PasswordReset).where(PasswordReset.user_id == user_id,
                                                PasswordReset.used_at.is_(None))
                    .values(used_at=now or utcnow()))


def _set(session, user: User, password: str, policy, keep: str | None = None):
    user.password_hash = hash_password(password)
    users.end_all_sessions(session, user.id, policy, keep=keep)
    void_resets(session, user.id)
