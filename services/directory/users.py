"""The people who use the platform: credentials, identity and who is told what."""
import functools

from sqlalchemy import select

from services.common.errors import NotAuthenticated
from services.directory.models import User
from services.directory.passwords import hash_password, verify_password


@functools.cache
def _unknown_user_hash() -> str:
    return hash_password("an-unknown-user-still-costs-one-derivation")


def authenticate(session, username: str, password: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    stored = user.password_hash if user else _unknown_user_hash()  # same cost either way
    if not verify_password(password, stored) or user is None or not user.active:
        raise NotAuthenticated("Wrong username or password.")
    return user


def recipients(session, roles, municipi=None, organization_ids=None) -> list:
    """Active users with one of `roles`, in any of `municipi` or of `organization_ids`."""
    users = session.execute(select(User).where(User.active.is_(True))).scalars()
    wanted_municipi = set(municipi or ())
    wanted_organizations = set(organization_ids or ())
    return [
        user for user in users
        if set(user.roles) & set(roles)
        and (not wanted_municipi or set(user.municipi) & wanted_municipi)
        and (not wanted_organizations or user.organization_id in wanted_organizations)
    ]
