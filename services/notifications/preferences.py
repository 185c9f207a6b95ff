"""Each person chooses, per kind of notification, how to hear of it:

- `in_app`: in the inbox only;
- `email`: in the inbox and by email at once (held during the person's quiet hours);
- `digest`: in the inbox and in one email a day gathering such items;
- `off`: not at all, except for the kinds that cannot be turned off.
"""
from sqlalchemy import delete, select

from services.common import checks
from services.common.context import Caller
from services.common.errors import Invalid
from services.notifications import words
from services.notifications.kinds import KINDS, MANDATORY
from services.notifications.models import Preference, Recipient


def channels_for(session, kind: str, recipients: list) -> dict:
    """user_id -> channel for `kind`, from their choices or their role's defaults."""
    chosen = dict(session.execute(select(Preference.user_id, Preference.channel).where(
        Preference.kind == kind,
        Preference.user_id.in_([r["user_id"] for r in recipients]))).all())
    return {r["user_id"]: chosen.get(r["user_id"]) or KINDS[kind].channel_for(r.get("roles"))
            for r in recipients}


def read(session, caller: Caller) -> dict:
    caller.require_authenticated()
    chosen = dict(session.execute(select(Preference.kind, Preference.channel).where(
        Preference.user_id == caller.user_id)).all())
    recipient = session.get(Recipient, caller.user_id)
    return {
        "preferences": {kind: chosen.get(kind, KINDS[kind].channel_for(caller.roles))
                        for kind in sorted(KINDS)},
        "mandatory": sorted(MANDATORY),
        "names": {kind: words.said(f"{kind}.label", caller.language) for kind in sorted(KINDS)},
        "quiet_hours": {"start": recipient.quiet_from if recipient else None,
                        "end": recipient.quiet_to if recipient else None},
    }


def write(tx, caller: Caller, data: dict) -> dict:
    caller.require_authenticated()
    choices = data.get("preferences", {})
    unknown = {kind for kind in choices if kind not in KINDS}
    unknown_kind = checks.reason("kind_unknown", "No such kind of notification.")
    mandatory = checks.reason("kind_mandatory", "This kind cannot be turned off.")
    errors = {f"preferences.{kind}": [unknown_kind] for kind in unknown}
    errors.update({f"preferences.{kind}": [mandatory]
                   for kind, channel in choices.items() if kind in MANDATORY and channel == "off"})
    if errors:
        raise Invalid(errors)
    session = tx.session
    session.execute(delete(Preference).where(Preference.user_id == caller.user_id,
                                             Preference.kind.in_(list(choices))))
    session.add_all(Preference(user_id=caller.user_id, kind=kind, channel=channel)
                    for kind, channel in choices.items())
    if "quiet_hours" in data:
        recipient = session.get(Recipient, caller.user_id) or Recipient(user_id=caller.user_id)
        recipient.quiet_from = data["quiet_hours"].get("start")
        recipient.quiet_to = data["quiet_hours"].get("end")
        session.add(recipient)
    session.flush()
    return read(session, caller)
