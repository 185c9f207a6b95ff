"""Every kind of notification in one table: the bus event that makes it, who is told, what it
says in Italian and English, how people hear of it until they choose, and its name on the
preferences page.

The service has one bus handler per row (`on_<event type>`), the preferences take their
defaults and mandatory kinds from it, and the texts are rendered from it (templates.py).
A new kind is one row here, and its audience and subject if they are new.
"""
from dataclasses import dataclass
from typing import Callable

from services.notifications import audiences, subjects


@dataclass(frozen=True)
class Kind:
    source: str  # the service whose event makes it
    event_type: str  # that event's type, which is also the kind's code
    audience: Callable  # who is told: (peers, payload) -> recipients (audiences.py)
    subject: Callable  # its texts' parameters and its link: (peers, payload) (subjects.py)
    label: dict  # language -> its name on the preferences page
    texts: dict  # language -> (title, body), formatted with the subject's parameters
    default: dict  # role, or "*" for any other -> channel, until a person chooses
    mandatory: bool = False  # cannot be turned off

    @property
    def handler(self) -> str:
        """The service method that handles it; its queue and its processed events go by it."""
        return f"on_{self.event_type}"

    def channel_for(self, roles) -> str:
        return next((self.default[role] for role in roles or () if role in self.default),
                    self.default["*"])


KINDS = {kind.event_type: kind for kind in [
    Kind("directory", "organization_registered", audiences.coordinators, subjects.organization,
         label={"it": "Nuova organizzazione nella rete", "en": "New organisation in the network"},
         texts={"it": ("Nuova organizzazione nella rete",
                       "{organization_name} è entrata nella rete QuBì del Municipio {municipi}."),
                "en": ("New organisation in the network",
                       "{organization_name} joined the QuBì network of Municipio {municipi}.")},
         default={"*": "digest"}),
    Kind("referrals", "referral_sent", audiences.receiver_partners, subjects.referral,
         label={"it": "Nuovo invio ricevuto", "en": "New referral received"},
         texts={"it": ("Nuovo invio per la vostra organizzazione",
                       "Un nuovo invio (codice {code}) da {sender}, urgenza {urgency}. Apritelo "
                       "per accettarlo o declinarlo."),
                "en": ("New referral for your organisation",
                       "A new referral (code {code}) from {sender}, urgency {urgency}. Open it "
                       "to accept or decline it.")},
         default={"*": "email"}, mandatory=True),  # a family handed over is never missed
    Kind("referrals", "referral_accepted", audiences.sender_people, subjects.referral,
         label={"it": "Invio accettato", "en": "Referral accepted"},
         texts={"it": ("Invio accettato",
                       "{receiver} ha accettato l'invio {code}."),
                "en": ("Referral accepted",
                       "{receiver} accepted referral {code}.")},
         default={"*": "email"}),
    Kind("referrals", "referral_declined", audiences.sender_people, subjects.referral,
         label={"it": "Invio declinato", "en": "Referral declined"},
         texts={"it": ("Invio declinato",
                       "{receiver} ha declinato l'invio {code}."),
                "en": ("Referral declined",
                       "{receiver} declined referral {code}.")},
         default={"*": "email"}),
    Kind("referrals", "referral_completed", audiences.sender_people, subjects.referral,
         label={"it": "Invio concluso", "en": "Referral completed"},
         texts={"it": ("Invio concluso",
                       "L'invio {code} a {receiver} si è concluso."),
                "en": ("Referral completed",
                       "Referral {code} to {receiver} reached its outcome.")},
         default={"*": "in_app"}),
    Kind("referrals", "referral_withdrawn", audiences.receiver_partners, subjects.referral,
         label={"it": "Invio ritirato", "en": "Referral withdrawn"},
         texts={"it": ("Invio ritirato",
                       "L'invio {code} è stato ritirato da chi lo aveva fatto."),
                "en": ("Referral withdrawn",
                       "Referral {code} was withdrawn by its sender.")},
         default={"*": "email"}),
    Kind("referrals", "referral_overdue", audiences.social_workers, subjects.referral,
         label={"it": "Invio in ritardo", "en": "Referral overdue"},
         texts={"it": ("Invio in ritardo",
                       "L'invio {code} a {receiver} non ha ancora risposta ed è scaduto il "
                       "termine."),
                "en": ("Referral overdue",
                       "Referral {code} to {receiver} has no answer past its deadline.")},
         default={"social_worker": "email", "*": "in_app"}),
    Kind("referrals", "referral_escalated", audiences.coordinators, subjects.referral,
         label={"it": "Invio senza risposta", "en": "Referral still unanswered"},
         texts={"it": ("Invio senza risposta",
                       "L'invio {code} a {receiver} è senza risposta anche dopo il secondo "
                       "termine."),
                "en": ("Referral still unanswered",
                       "Referral {code} to {receiver} is unanswered past its second deadline.")},
         default={"coordinator": "email", "*": "in_app"}),
    Kind("events", "event_published", audiences.network_members, subjects.event,
         label={"it": "Nuovo evento nella rete", "en": "New event in the network"},
         texts={"it": ("Nuovo evento nella rete",
                       "{title}, il {starts_at}, nel Municipio {municipio}."),
                "en": ("New event in the network",
                       "{title}, on {starts_at}, in Municipio {municipio}.")},
         default={"*": "digest"}),
    Kind("events", "event_updated", audiences.registrants, subjects.event,
         label={"it": "Un evento è cambiato", "en": "An event changed"},
         texts={"it": ("Un evento è cambiato",
                       "L'evento {title} del {starts_at} è cambiato: guarda i dettagli."),
                "en": ("An event changed",
                       "The event {title} on {starts_at} changed: see the details.")},
         default={"*": "email"}),
    Kind("events", "event_cancelled", audiences.registrants, subjects.event,
         label={"it": "Evento annullato", "en": "Event cancelled"},
         texts={"it": ("Evento annullato",
                       "L'evento {title} del {starts_at} è stato annullato."),
                "en": ("Event cancelled",
                       "The event {title} on {starts_at} was cancelled.")},
         default={"*": "email"}),
    Kind("events", "registration_promoted", audiences.promoted_registrant, subjects.event,
         label={"it": "Posto confermato", "en": "Place confirmed"},
         texts={"it": ("Posto confermato",
                       "Si è liberato un posto: la vostra iscrizione a {title} del {starts_at} "
                       "è confermata."),
                "en": ("Place confirmed",
                       "A place came free: your registration for {title} on {starts_at} is "
                       "confirmed.")},
         default={"*": "email"}),
    Kind("events", "drive_item_fulfilled", audiences.organisers, subjects.drive_item,
         label={"it": "Raccolta: articolo completo", "en": "Drive: item covered"},
         texts={"it": ("Raccolta: un articolo è completo",
                       "Nella raccolta {title} l'articolo {item} ha raggiunto il necessario."),
                "en": ("Drive: an item is covered",
                       "In the drive {title} the item {item} reached what was needed.")},
         default={"*": "in_app"}),
    Kind("funds", "fund_request_submitted", audiences.coordinators, subjects.fund_request,
         label={"it": "Nuova richiesta di fondi", "en": "New fund request"},
         texts={"it": ("Nuova richiesta di fondi",
                       "Richiesta {code} di {amount} € (ambito: {category}) sul fondo del "
                       "Municipio {municipio}. Apritela per approvarla o respingerla."),
                "en": ("New fund request",
                       "Request {code} for {amount} € (area: {category}) on the fund of "
                       "Municipio {municipio}. Open it to approve or reject it.")},
         default={"coordinator": "email", "*": "in_app"}),
    Kind("funds", "fund_request_approved", audiences.after_approval, subjects.fund_request,
         label={"it": "Richiesta di fondi approvata", "en": "Fund request approved"},
         texts={"it": ("Richiesta di fondi approvata",
                       "La richiesta {code} di {amount} € (ambito: {category}, Municipio "
                       "{municipio}) è stata approvata {stage}: {final}."),
                "en": ("Fund request approved",
                       "Request {code} for {amount} € (area: {category}, Municipio "
                       "{municipio}) was approved {stage}: {final}.")},
         default={"*": "email"}),
    Kind("funds", "fund_request_rejected", audiences.requester, subjects.fund_request,
         label={"it": "Richiesta di fondi respinta", "en": "Fund request rejected"},
         texts={"it": ("Richiesta di fondi respinta",
                       "La richiesta {code} di {amount} € (ambito: {category}) è stata respinta "
                       "{stage}. Il motivo è nella richiesta."),
                "en": ("Fund request rejected",
                       "Request {code} for {amount} € (area: {category}) was rejected {stage}. "
                       "The reason is on the request.")},
         default={"*": "email"}),
    Kind("funds", "fund_request_withdrawn", audiences.coordinators, subjects.fund_request,
         label={"it": "Richiesta di fondi ritirata", "en": "Fund request withdrawn"},
         texts={"it": ("Richiesta di fondi ritirata",
                       "La richiesta {code} di {amount} € (ambito: {category}, Municipio "
                       "{municipio}) è stata ritirata da chi l'aveva fatta."),
                "en": ("Fund request withdrawn",
                       "Request {code} for {amount} € (area: {category}, Municipio "
                       "{municipio}) was withdrawn by its requester.")},
         default={"*": "email"}),
    Kind("funds", "fund_request_cancelled", audiences.requester, subjects.fund_request,
         label={"it": "Richiesta di fondi annullata", "en": "Fund request cancelled"},
         texts={"it": ("Richiesta di fondi annullata",
                       "La richiesta {code} di {amount} € (ambito: {category}) è stata "
                       "annullata: quanto non ancora pagato torna al fondo."),
                "en": ("Fund request cancelled",
                       "Request {code} for {amount} € (area: {category}) was cancelled: what "
                       "was not yet paid goes back to the fund.")},
         default={"*": "email"}),
    Kind("funds", "payment_recorded", audiences.requester, subjects.fund_request,
         label={"it": "Pagamento registrato", "en": "Payment recorded"},
         texts={"it": ("Pagamento registrato",
                       "Per la richiesta {code} è stato registrato un pagamento di {payment} € "
                       "in data {paid_on}: {fully_paid}."),
                "en": ("Payment recorded",
                       "A payment of {payment} € dated {paid_on} was recorded for request "
                       "{code}: {fully_paid}.")},
         default={"*": "in_app"}),
    Kind("funds", "fund_topped_up", audiences.coordinators, subjects.budget,
         label={"it": "Fondo di comunità ricaricato", "en": "Community fund topped up"},
         texts={"it": ("Fondo di comunità ricaricato",
                       "Il fondo del Municipio {municipio} per il periodo {period} ha ricevuto "
                       "{amount} € {source}."),
                "en": ("Community fund topped up",
                       "The fund of Municipio {municipio} for {period} received {amount} € "
                       "{source}.")},
         default={"*": "digest"}),
]}
MANDATORY = frozenset(name for name, kind in KINDS.items() if kind.mandatory)
