"""Who people are, for the services that show them: each user's name and organisation (the
referrals' audit names who read or changed a hand-over). Deactivated people are named too: what
they did stays theirs."""
from sqlalchemy import select

from services.directory.models import Organization, User


def describe(session, user_ids) -> list:
    """One entry per known id of `user_ids`; ids the directory does not know are left out."""
    ids = sorted({user_id for user_id in user_ids or () if user_id})
    if not ids:
        return []
    rows = session.execute(
        select(User.id, User.display_name, User.username, User.organization_id, Organization.name)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .where(User.id.in_(ids)).order_by(User.id))
    return [{"user_id": user_id, "display_name": display_name, "username": username,
             "organization_id": organization_id, "organization_name": organization_name}
            for user_id, display_name, username, organization_id, organization_name in rows]
