"""The second factor: TOTP (RFC 6238, 30-second steps, 6 digits) with one-time recovery codes.

A person enrols by scanning the secret into an authenticator app; the secret counts once a first
code confirms it, and then ten recovery codes are shown, once. A code is good once (the last
step used is kept). Wrong codes count towards the lockout as wrong passwords do (users.py).
"""
import secrets
import time
from datetime import datetime, timezone

import pyotp
from sqlalchemy import delete, or_, select, update

from services.common import checks
from services.common.errors import Conflict, Invalid
from services.directory.models import RecoveryCode, User
from services.directory.passwords import token_digest

ISSUER = "Rete QuBì"
RECOVERY_CODES = 10
CODE_WRONG = checks.reason("code_wrong", "The code is wrong or has expired: type the one the app "
                                         "shows now.")


def required(user: User, required_roles) -> bool:
    """Whether this person must pass a second factor to read families' personal data."""
    return not user.mfa_exempt and bool(set(user.roles) & set(required_roles))


def enrol(user: User, cipher) -> dict:
    """A new secret, pending until `confirm`: `{secret, otpauth_uri}` for the app."""
    if user.mfa_enabled:
        raise Conflict("Two-factor authentication is already on. If the device is lost, "
                       "ask whoever manages your account to reset it.", "second_factor_on")
    secret = pyotp.random_base32()
    user.mfa_secret = cipher.seal(secret)
    return {"secret": secret,
            "otpauth_uri": pyotp.TOTP(secret).provisioning_uri(name=user.username,
                                                                issuer_name=ISSUER)}


def confirm(session, user: User, code: str, cipher, now: float | None = None) -> list:
    """Turns the pending secret on with a first good code; answers the recovery codes."""
    if user.mfa_enabled:
        raise Conflict("Two-factor authentication is already on.", "second_factor_on")
    if user.mfa_secret is None:
        raise Conflict("Start the enrolment first (POST /api/v1/me/mfa).",
                       "second_factor_not_started")
    if not _totp_matches(session, user, code, cipher, now):
        raise Invalid({"code": [CODE_WRONG]})
    user.mfa_enabled = True
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(code_hash=token_digest(code), user_id=user.id) for code in codes)
    return codes


def verify(session, user: User, code: str, cipher, now: float | None = None) -> bool:
    """A code of the app, or an unused recovery code (used up by this)."""
    code = "".join(str(code or "").split())
    if code.isdigit():
        return _totp_matches(session, user, code, cipher, now)
    used = session.execute(
        update(RecoveryCode).where(RecoveryCode.code_hash == token_digest(code.lower()),
                                   RecoveryCode.user_id == user.id,
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=_utc(now)).returning(RecoveryCode.code_hash)).first()
    return used is not None


def reset(session, user: User):
    """For a lost device: off, no secret, no recovery codes; the person enrols again."""
    user.mfa_enabled, user.mfa_secret, user.mfa_last_step = False, None, None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def rotate_secrets(session, cipher) -> int:
    """Rewrites every sealed secret with the newest data key (qubi-admin rotate-keys)."""
    users = session.execute(select(User).where(User.mfa_secret.is_not(None))).scalars().all()
    for user in users:
        user.mfa_secret = cipher.rotate(user.mfa_secret)
    return len(users)


def _totp_matches(session, user: User, code: str, cipher, now: float | None) -> bool:
    if user.mfa_secret is None or not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(cipher.open(user.mfa_secret))
    now = time.time() if now is None else now
    step = int(now // totp.interval)
    for candidate in (step - 1, step, step + 1):  # a step either side, for clocks that drift
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            # claimed in the database: of two logins with one code at once, one gets it
            return session.execute(update(User).where(
                User.id == user.id, or_(User.mfa_last_step.is_(None),
                                        User.mfa_last_step < candidate))
                .values(mfa_last_step=candidate)).rowcount == 1
    return False


def _utc(now: float | None) -> datetime:
    return datetime.fromtimestamp(time.time() if now is None else now, timezone.utc)
