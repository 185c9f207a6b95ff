"""Emails about a person's own access: the invitation to join and the password reset link.

They go to an address, not to an inbox: the person may have no account yet. The address and
the link's token come sealed in the event (services/common/sealing.py) and are opened only here.
"""
from datetime import datetime

from services.common.schemas import local_time
from services.notifications.models import Delivery
from services.notifications.templates import compose

FOOTERS = {
    "it": "Rete QuBì, la piattaforma del programma QuBì del Comune di Milano: {url}",
    "en": "Rete QuBì, the platform of the City of Milan's QuBì programme: {url}",
}
ROLES = {
    "it": {"city": "cabina di regia cittadina", "coordinator": "coordinamento municipale",
           "social_worker": "assistente sociale di comunità", "partner": "operatore dell'ente",
           "partner_admin": "referente dell'ente"},
    "en": {"city": "city steering committee", "coordinator": "municipal coordination",
           "social_worker": "community social worker", "partner": "partner staff",
           "partner_admin": "partner administrator"},
}
TEXTS = {
    "invitation_sent": {
        "it": ("Sei invitato nella Rete QuBì",
               "{inviter} ti invita nella Rete QuBì come {role}{organization}. Scegli nome utente "
               "e password dal link qui sotto entro il {expires}; il link vale una volta sola.",
               "/invitations/accept?token={token}"),
        "en": ("You are invited to Rete QuBì",
               "{inviter} invites you to Rete QuBì as {role}{organization}. Choose a username and "
               "password from the link below by {expires}; the link works once.",
               "/invitations/accept?token={token}"),
    },
    "password_reset_requested": {
        "it": ("Nuova password per la Rete QuBì",
               "Qualcuno ha chiesto una nuova password per il tuo account. Se sei stato tu, "
               "sceglila dal link qui sotto entro le {expires}; altrimenti ignora questo "
               "messaggio: la password resta quella di prima.",
               "/password-reset/confirm?token={token}"),
        "en": ("A new password for Rete QuBì",
               "Somebody asked for a new password for your account. If it was you, choose it "
               "from the link below by {expires}; otherwise ignore this message: your password "
               "stays as it was.",
               "/password-reset/confirm?token={token}"),
    },
}


def owe(tx, event: dict, cipher, public_url: str):
    """One email owed for an invitation or a reset: a `Delivery`, sent by the mail loop."""
    payload = event["payload"]
    opened = cipher.open_text(payload["sealed"])
    language = payload.get("language") if payload.get("language") in ("it", "en") else "it"
    subject, body, link = TEXTS[event["event_type"]][language]
    expires = local_time(datetime.fromisoformat(payload["expires_at"]))
    organization = payload.get("organization_name")
    words = {
        "inviter": payload.get("inviter_name") or "Rete QuBì",
        "role": ROLES[language].get(payload.get("role"), payload.get("role")),
        "organization": (f" ({organization})" if organization else ""),
        "expires": expires.strftime("%d/%m/%Y" if event["event_type"] == "invitation_sent"
                                    else "%H:%M del %d/%m/%Y" if language == "it"
                                    else "%H:%M on %d/%m/%Y"),
    }
    mail = compose(subject, [(f"{subject}, {opened['display_name']}", body.format(**words),
                              link.format(token=opened["token"]))], None, language, public_url,
                   FOOTERS)
    tx.session.add(Delivery(user_id=payload.get("user_id") or payload["invitation_id"],
                            to_address=opened["email"], one_time_link=True, **mail))
