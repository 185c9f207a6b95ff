"""Every grant, change and deactivation of an account: who did what to whom, and when."""
from sqlalchemy import select

from services.common.context import Caller
from services.directory.models import AccountEvent, User


def record(session, user_id: str, actor: Caller | None, action: str, **details):
    session.add(AccountEvent(user_id=user_id, actor_id=actor.user_id if actor else None,
                             action=action, details=details))


def entries(session, user_id: str) -> list:
    """Newest first, each with the name of whoever did it."""
    rows = session.execute(select(AccountEvent).where(AccountEvent.user_id == user_id)
                           .order_by(AccountEvent.at.desc())).scalars().all()
    actors = {user.id: user for user in session.execute(select(User).where(
        User.id.in_({row.actor_id for row in rows if row.actor_id}))).scalars()}
    return [{"id": row.id, "action": row.action, "details": row.details, "at": row.at,
             "actor_id": row.actor_id,
             "actor_name": _name(actors.get(row.actor_id))} for row in rows]


def _name(user: User | None) -> str | None:
    return (user.display_name or user.username) if user else None
