"""The people who use the platform: credentials, login sessions, and who is told what.

A login opens a session: the gateway signs short-lived access tokens for it, and the directory
keeps its refresh tokens, each usable once. Ending a session (logout, or a used refresh token
presented again, which means it leaked) revokes its refresh tokens at once, and every gateway
stops accepting the session's access tokens within a second or so (see `ended_sessions`).
"""
import functools
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update

from services.common.context import ROLES, tier_for
from services.common.database import utcnow
from services.common.errors import MfaRequired, NotAuthenticated
from services.directory import two_factor
from services.directory.models import RefreshToken, User, new_id
from services.directory.passwords import hash_password, token_digest, verify_password


INVALID_REFRESH = "The refresh token is not valid or has expired: log in again."


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 20  # wrong passwords in a row that lock an account
    lockout_seconds: int = 900
    access_ttl_seconds: int = 900  # how long the gateway's access tokens live
    refresh_ttl_seconds: int = 14 * 24 * 3600
    # a used refresh token presented again this soon is two requests of one browser that
    # crossed (a double click after the access token expired), not a stolen token
    refresh_reuse_seconds: int = 10
    max_code_failures: int = 10  # wrong second-factor codes in a row that lock an account
    mfa_required_roles: tuple = ROLES

    @classmethod
    def from_config(cls, config) -> "LoginPolicy":
        """From the service's config (services/common/config.py `Settings.nameko_config`)."""
        return cls(max_failures=config.get("LOGIN_MAX_FAILURES", cls.max_failures),
                   lockout_seconds=config.get("LOGIN_LOCKOUT_SECONDS", cls.lockout_seconds),
                   access_ttl_seconds=config.get("TOKEN_TTL_SECONDS", cls.access_ttl_seconds),
                   refresh_ttl_seconds=config.get("REFRESH_TOKEN_TTL_SECONDS",
                                                  cls.refresh_ttl_seconds),
                   refresh_reuse_seconds=config.get("REFRESH_REUSE_SECONDS",
                                                    cls.refresh_reuse_seconds),
                   max_code_failures=config.get("LOGIN_MAX_CODE_FAILURES",
                                                cls.max_code_failures),
                   mfa_required_roles=tuple(config.get("MFA_REQUIRED_ROLES",
                                                       cls.mfa_required_roles)))

    @property
    def refusal(self) -> str:
        """One answer for every refused login (unknown user, wrong password, locked account),
        so that it tells nobody whether an account exists or is locked."""
        minutes = math.ceil(self.lockout_seconds / 60)
        return (f"Wrong username or password. After {self.max_failures} wrong passwords in a row "
                f"an account is locked for {minutes} minute{'s' if minutes != 1 else ''}.")

    @property
    def refusal_params(self) -> dict:
        """The numbers of `refusal`, for the pages that say it in their language."""
        return {"max_failures": self.max_failures,
                "minutes": math.ceil(self.lockout_seconds / 60)}


@functools.cache
def _unknown_user_hash() -> str:
    return hash_password("an-unknown-user-still-costs-one-derivation")


def authenticate(session, username: str, password: str, policy: LoginPolicy = LoginPolicy(),
                 now: datetime | None = None, otp: str | None = None,
                 cipher=None) -> tuple[User, bool]:
    """The user, when the password is right, the account open and, for an account with two-factor
    on, `otp` good too; and whether a second factor was passed. A wrong password or code counts
    towards the lockout and a full login resets the count; the caller commits either way."""
    now = now or utcnow()
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    stored = user.password_hash if user else _unknown_user_hash()
    right = verify_password(password, stored)  # the same cost whoever asks, locked or not
    if user is None or not user.active or (user.locked_until and user.locked_until > now):
        raise NotAuthenticated(policy.refusal, "login_refused", policy.refusal_params)
    if not right:
        count_failure(session, user, policy.max_failures, policy, now)
        raise NotAuthenticated(policy.refusal, "login_refused", policy.refusal_params)
    if user.mfa_enabled:
        if not otp:
            raise MfaRequired("Type the code of your authenticator app (or a recovery code).",
                              "second_factor_code_needed")
        if not two_factor.verify(session, user, otp, cipher, now.timestamp()):
            count_failure(session, user, policy.max_code_failures, policy, now)
            raise NotAuthenticated(
                f"Wrong code. After {policy.max_code_failures} wrong codes in a row the "
                "account is locked as for wrong passwords.", "second_factor_code_wrong",
                {"max_failures": policy.max_code_failures})
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    return user, user.mfa_enabled


def identity(user: User, mfa_passed: bool, policy: LoginPolicy) -> dict:
    """Who a user is, as tokens carry it; `mfa` says the session may read personal data as far
    as a second factor goes (passed, or not asked of this person)."""
    return {"user_id": user.id, "username": user.username, "display_name": user.display_name,
            "organization_id": user.organization_id, "roles": list(user.roles),
            "municipi": list(user.municipi), "tier": tier_for(user.roles),
            "language": user.language,
            "mfa": mfa_passed or not two_factor.required(user, policy.mfa_required_roles),
            "mfa_enabled": user.mfa_enabled,
            "mfa_enrolment_required": (not user.mfa_enabled
                                       and two_factor.required(user, policy.mfa_required_roles))}


def count_failure(session, user: User, limit: int, policy: LoginPolicy, now: datetime):
    """One more wrong password or code; `limit` of them in a row lock the account."""
    failures = session.execute(  # counted in the database: concurrent attempts all count
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)).scalar_one()
    if failures >= limit:  # and after the lockout, another full series
        session.execute(update(User).where(User.id == user.id).values(
            failed_logins=0, locked_until=now + timedelta(seconds=policy.lockout_seconds)))


def open_session(session, user: User, policy: LoginPolicy, now: datetime | None = None,
                 mfa: bool = False) -> dict:
    """A new login session with its first refresh token: the identity and the grant. Expired
    tokens are cleared here."""
    now = now or utcnow()
    session.execute(delete(RefreshToken).where(RefreshToken.expires_at < now))
    return {**identity(user, mfa, policy), **_grant(session, user.id, new_id(), policy, now, mfa)}


def upgrade_session(session, user: User, session_id: str, policy: LoginPolicy,
                    now: datetime | None = None) -> dict:
    """The session goes on with a second factor passed (right after enrolment): a new grant
    of it marked so; the earlier refresh tokens of the session are used up."""
    now = now or utcnow()
    session.execute(update(RefreshToken).where(
        RefreshToken.session_id == session_id, RefreshToken.user_id == user.id,
        RefreshToken.used_at.is_(None)).values(used_at=now))
    return {**identity(user, True, policy), **_grant(session, user.id, session_id, policy, now,
                                                     True)}


def refresh_session(session, refresh_token, policy: LoginPolicy,
                    now: datetime | None = None) -> dict:
    """Uses up a refresh token and grants the next one of the same session. A token used
    before ends its whole session (whoever holds its successor is refused too), unless it comes
    back within `refresh_reuse_seconds` of its use: then it grants another successor. The
    caller commits even when this refuses."""
    now = now or utcnow()
    # locked: of two refreshes with one token, the second sees the first's use
    row = session.get(RefreshToken, token_digest(str(refresh_token)), with_for_update=True)
    if row is None or row.revoked_at or row.expires_at <= now:
        raise NotAuthenticated(INVALID_REFRESH, "refresh_token_invalid")
    if row.used_at and now - row.used_at > timedelta(seconds=policy.refresh_reuse_seconds):
        end_session(session, row.session_id, row.user_id, policy, now)
        raise NotAuthenticated("The refresh token was already used: log in again.",
                               "refresh_token_reused")
    user = session.get(User, row.user_id)
    if not user.active:
        raise NotAuthenticated(INVALID_REFRESH, "refresh_token_invalid")
    row.used_at = row.used_at or now
    return {**identity(user, row.mfa, policy),
            **_grant(session, user.id, row.session_id, policy, now, row.mfa)}


def end_session(session, session_id: str, user_id: str, policy: LoginPolicy,
                now: datetime | None = None) -> dict:
    """Revokes the session's refresh tokens (only a session of `user_id`). Its access tokens
    are refused until `until`, when the last of them has expired anyway."""
    now = now or utcnow()
    session.execute(update(RefreshToken).where(
        RefreshToken.session_id == session_id, RefreshToken.user_id == user_id,
        RefreshToken.revoked_at.is_(None)).values(revoked_at=now))
    return {"session_id": session_id,
            "until": (now + timedelta(seconds=policy.access_ttl_seconds)).timestamp()}


def end_all_sessions(session, user_id: str, policy: LoginPolicy, keep: str | None = None,
                     now: datetime | None = None):
    """Every session of the person ends (all but `keep`, the caller's own, when given): their
    refresh tokens at once, their access tokens on every gateway within seconds."""
    now = now or utcnow()
    statement = update(RefreshToken).where(RefreshToken.user_id == user_id,
                                           RefreshToken.revoked_at.is_(None),
                                           RefreshToken.expires_at > now)
    if keep:
        statement = statement.where(RefreshToken.session_id != keep)
    session.execute(statement.values(revoked_at=now))


def ended_sessions(session, since: float | None, policy: LoginPolicy,
                   now: datetime | None = None) -> dict:
    """Sessions ended since `since` (seconds since the epoch, as `as_of` of an earlier answer)
    whose access tokens may still be unexpired, each with the moment they all will be."""
    now = now or utcnow()
    ttl = timedelta(seconds=policy.access_ttl_seconds)
    start = now - ttl
    if since is not None:
        start = max(start, datetime.fromtimestamp(since, timezone.utc))
    rows = session.execute(
        select(RefreshToken.session_id, func.max(RefreshToken.revoked_at))
        .where(RefreshToken.revoked_at >= start).group_by(RefreshToken.session_id))
    return {"as_of": now.timestamp(),
            "items": [{"session_id": session_id, "until": (revoked_at + ttl).timestamp()}
                      for session_id, revoked_at in rows]}


def _grant(session, user_id: str, session_id: str, policy: LoginPolicy, now: datetime,
           mfa: bool) -> dict:
    token = secrets.token_urlsafe(32)
    session.add(RefreshToken(token_hash=token_digest(token), session_id=session_id, user_id=user_id,
                             issued_at=now, mfa=mfa,
                             expires_at=now + timedelta(seconds=policy.refresh_ttl_seconds)))
    session.flush()
    return {"session_id": session_id, "refresh_token": token,
            "refresh_expires_in": policy.refresh_ttl_seconds,
            "access_expires_in": policy.access_ttl_seconds}


def recipients(session, roles, municipi=None, organization_ids=None, user_ids=None) -> list:
    """Active users with one of `roles`, in any of `municipi` or of `organization_ids`, and
    among `user_ids` when it names people."""
    statement = select(User).where(User.active.is_(True))
    if user_ids:
        statement = statement.where(User.id.in_(list(user_ids)))
    users = session.execute(statement).scalars()
    wanted_municipi = set(municipi or ())
    wanted_organizations = set(organization_ids or ())
    return [
        user for user in users
        if set(user.roles) & set(roles)
        and (not wanted_municipi or set(user.municipi) & wanted_municipi)
        and (not wanted_organizations or user.organization_id in wanted_organizations)
    ]
