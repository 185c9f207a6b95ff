"""Emails about a person's own access: the invitation to join and the password reset link.

They go to an address, not to an inbox: the person may have no account yet. The address and
the link's token come sealed in the event (services/common/sealing.py) and are opened only here.
"""
from datetime import datetime

from services.common.schemas import local_time
from services.notifications import words
from services.notifications.models import Delivery
from services.notifications.templates import compose

# the words (`<event type>.subject`, `<event type>.body`, `role.<role>`, `account.footer`) are
# in the catalogues (words.py); the link of each email, within the site:
LINKS = {"invitation_sent": "/invitations/accept?token={token}",
         "password_reset_requested": "/password-reset/confirm?token={token}"}


def owe(tx, event: dict, cipher, public_url: str):
    """One email owed for an invitation or a reset: a `Delivery`, sent by the mail loop."""
    payload = event["payload"]
    opened = cipher.open_text(payload["sealed"])
    language = words.language_of(payload.get("language"))
    kind = event["event_type"]
    subject, body = (words.said(f"{kind}.{part}", language) for part in ("subject", "body"))
    expires = local_time(datetime.fromisoformat(payload["expires_at"]))
    organization = payload.get("organization_name")
    said = {
        "inviter": payload.get("inviter_name") or "Rete QuBì",
        "role": words.said(f"role.{payload.get('role')}", language, payload.get("role") or ""),
        "organization": (f" ({organization})" if organization else ""),
        "expires": (words.day(expires, language) if kind == "invitation_sent"
                    else words.said(f"{kind}.expires", language).format(
                        time=words.time_of_day(expires, language),
                        day=words.day(expires, language))),
    }
    mail = compose(subject, [(f"{subject}, {opened['display_name']}", body.format(**said),
                              LINKS[kind].format(token=opened["token"]))], None, language,
                   public_url, "account.footer")
    tx.session.add(Delivery(user_id=payload.get("user_id") or payload["invitation_id"],
                            to_address=opened["email"], one_time_link=True, **mail))
