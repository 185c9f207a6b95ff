"""What each kind of notification says, in Italian (default) and English.

Parameters are ids, codes and names of organisations; never personal data of families.
"""
from html import escape
TEMPLATES = {
    "referral_sent": {
        "it": ("Nuovo invio per la vostra organizzazione",
               "Un nuovo invio (codice {code}) da {sender}, urgenza {urgency}. Apritelo per "
               "accettarlo o declinarlo."),
        "en": ("New referral for your organisation",
               "A new referral (code {code}) from {sender}, urgency {urgency}. Open it to "
               "accept or decline it."),
    },
    "referral_accepted": {
        "it": ("Invio accettato", "{receiver} ha accettato l'invio {code}."),
        "en": ("Referral accepted", "{receiver} accepted referral {code}."),
    },
    "referral_declined": {
        "it": ("Invio declinato", "{receiver} ha declinato l'invio {code}."),
        "en": ("Referral declined", "{receiver} declined referral {code}."),
    },
    "referral_completed": {
        "it": ("Invio concluso", "L'invio {code} a {receiver} si è concluso."),
        "en": ("Referral completed", "Referral {code} to {receiver} reached its outcome."),
    },
    "referral_withdrawn": {
        "it": ("Invio ritirato", "L'invio {code} è stato ritirato da chi lo aveva fatto."),
        "en": ("Referral withdrawn", "Referral {code} was withdrawn by its sender."),
    },
    "referral_overdue": {
        "it": ("Invio in ritardo", "L'invio {code} a {receiver} non ha ancora risposta ed è "
               "scaduto il termine."),
        "en": ("Referral overdue", "Referral {code} to {receiver} has no answer past its "
               "deadline."),
    },
    "referral_escalated": {
        "it": ("Invio senza risposta", "L'invio {code} a {receiver} è senza risposta anche "
               "dopo il secondo termine."),
        "en": ("Referral still unanswered", "Referral {code} to {receiver} is unanswered past "
               "its second deadline."),
    },
    "event_published": {
        "it": ("Nuovo evento nella rete", "{title}, il {starts_at}, nel Municipio {municipio}."),
        "en": ("New event in the network", "{title}, on {starts_at}, in Municipio {municipio}."),
    },
    "event_updated": {
        "it": ("Un evento è cambiato", "L'evento {title} del {starts_at} è cambiato: "
               "guarda i dettagli."),
        "en": ("An event changed", "The event {title} on {starts_at} changed: see the details."),
    },
    "event_cancelled": {
        "it": ("Evento annullato", "L'evento {title} del {starts_at} è stato annullato."),
        "en": ("Event cancelled", "The event {title} on {starts_at} was cancelled."),
    },
    "registration_promoted": {
        "it": ("Posto confermato", "Si è liberato un posto: la vostra iscrizione a {title} "
               "del {starts_at} è confermata."),
        "en": ("Place confirmed", "A place came free: your registration for {title} on "
               "{starts_at} is confirmed."),
    },
    "drive_item_fulfilled": {
        "it": ("Raccolta: un articolo è completo", "Nella raccolta {title} l'articolo "
               "{item} ha raggiunto il necessario."),
        "en": ("Drive: an item is covered", "In the drive {title} the item {item} reached "
               "what was needed."),
    },
    "organization_registered": {
        "it": ("Nuova organizzazione nella rete",
               "{organization_name} è entrata nella rete QuBì del Municipio {municipi}."),
        "en": ("New organisation in the network",
               "{organization_name} joined the QuBì network of Municipio {municipi}."),
    },
    "fund_request_submitted": {
        "it": ("Nuova richiesta di fondi",
               "Richiesta {code} di {amount} € (ambito: {category}) sul fondo del Municipio "
               "{municipio}. Apritela per approvarla o respingerla."),
        "en": ("New fund request",
               "Request {code} for {amount} € (area: {category}) on the fund of Municipio "
               "{municipio}. Open it to approve or reject it."),
    },
    "fund_request_approved": {
        "it": ("Richiesta di fondi approvata",
               "La richiesta {code} di {amount} € (ambito: {category}, Municipio {municipio}) "
               "è stata approvata {stage}: {final}."),
        "en": ("Fund request approved",
               "Request {code} for {amount} € (area: {category}, Municipio {municipio}) was "
               "approved {stage}: {final}."),
    },
    "fund_request_rejected": {
        "it": ("Richiesta di fondi respinta",
               "La richiesta {code} di {amount} € (ambito: {category}) è stata respinta "
               "{stage}. Il motivo è nella richiesta."),
        "en": ("Fund request rejected",
               "Request {code} for {amount} € (area: {category}) was rejected {stage}. The "
               "reason is on the request."),
    },
    "fund_request_withdrawn": {
        "it": ("Richiesta di fondi ritirata",
               "La richiesta {code} di {amount} € (ambito: {category}, Municipio {municipio}) "
               "è stata ritirata da chi l'aveva fatta."),
        "en": ("Fund request withdrawn",
               "Request {code} for {amount} € (area: {category}, Municipio {municipio}) was "
               "withdrawn by its requester."),
    },
    "fund_request_cancelled": {
        "it": ("Richiesta di fondi annullata",
               "La richiesta {code} di {amount} € (ambito: {category}) è stata annullata: "
               "quanto non ancora pagato torna al fondo."),
        "en": ("Fund request cancelled",
               "Request {code} for {amount} € (area: {category}) was cancelled: what was not "
               "yet paid goes back to the fund."),
    },
    "payment_recorded": {
        "it": ("Pagamento registrato",
               "Per la richiesta {code} è stato registrato un pagamento di {payment} € in data "
               "{paid_on}: {fully_paid}."),
        "en": ("Payment recorded",
               "A payment of {payment} € dated {paid_on} was recorded for request {code}: "
               "{fully_paid}."),
    },
    "fund_topped_up": {
        "it": ("Fondo di comunità ricaricato",
               "Il fondo del Municipio {municipio} per il periodo {period} ha ricevuto "
               "{amount} € {source}."),
        "en": ("Community fund topped up",
               "The fund of Municipio {municipio} for {period} received {amount} € {source}."),
    },
}
LANGUAGES = ("it", "en")
# codes that travel in the events, said in each language
WORDS = {
    "urgency": {"it": {"low": "bassa", "normal": "normale", "high": "alta"},
                "en": {"low": "low", "normal": "normal", "high": "high"}},
    "category": {"it": {"educational": "educativo", "social": "sociale", "health": "salute",
                        "sport": "sport", "culture": "cultura",
                        "material_support": "sostegno materiale",
                        "orientation": "orientamento"},
                 "en": {"educational": "education", "social": "social", "health": "health",
                        "sport": "sport", "culture": "culture",
                        "material_support": "material support", "orientation": "guidance"}},
    "stage": {"it": {"municipal": "dal coordinamento municipale",
                     "city": "dalla cabina di regia cittadina"},
              "en": {"municipal": "by the municipal coordination",
                     "city": "by the city steering committee"}},
    "final": {"it": {True: "la spesa è autorizzata",
                     False: "ora attende la decisione della cabina di regia cittadina"},
              "en": {True: "the spending is authorised",
                     False: "it now awaits the decision of the city steering committee"}},
    "fully_paid": {"it": {True: "la richiesta è interamente pagata",
                          False: "una parte resta da pagare"},
                   "en": {True: "the request is now fully paid",
                          False: "part of it is still to be paid"}},
    "source": {"it": {"city": "dal Comune di Milano", "foundation": "da una fondazione",
                      "donation": "da donazioni", "other": "da altre fonti"},
               "en": {"city": "from the City of Milan", "foundation": "from a foundation",
                      "donation": "from donations", "other": "from other sources"}},
}


AMOUNTS = ("amount", "payment")  # euros as the funds service says them: "1234.50"


def render(kind: str, params: dict, language: str = "it") -> dict:
    texts = TEMPLATES[kind]
    language = language if language in texts else "it"
    title, body = texts[language]
    words = {name: WORDS[name][language].get(value, value)
             for name, value in params.items() if name in WORDS}
    amounts = {name: euros(params[name], language) for name in AMOUNTS if name in params}
    params = {**params, **words, **amounts}
    return {"title": title.format(**params), "body": body.format(**params)}


def euros(amount: str, language: str) -> str:
    """"1234.50" as people read it: "1.234,50" in Italian, "1,234.50" in English."""
    whole, _, cents = str(amount).partition(".")
    grouped = f"{int(whole):,}"
    if language == "it":
        return f"{grouped.replace(',', '.')},{cents or '00'}"
    return f"{grouped}.{cents or '00'}"

FOOTER = {
    "it": ("Ricevi questo messaggio perché fai parte della rete QuBì. Scegli come e quando "
           "ricevere le notifiche: {url}/notifications/preferences"),
    "en": ("You receive this because you are part of the QuBì network. Choose how and when "
           "to hear from it: {url}/notifications/preferences"),
}
OPEN = {"it": "Apri", "en": "Open"}
DIGEST = {"it": ("Rete QuBì: il riepilogo del {day}", "Ecco le novità per te:"),
          "en": ("Rete QuBì: your digest of {day}", "Here is what happened for you:")}


def email(kind: str, params: dict, language: str, link: str | None, public_url: str) -> dict:
    """Subject, plain text and HTML of the email for one notification."""
    shown = render(kind, params, language)
    return compose(shown["title"], [(shown["title"], shown["body"], link)], None, language,
                  public_url)


def digest_email(items: list, language: str, day: str, public_url: str) -> dict:
    """One email gathering a day's items: `items` are (kind, params, link)."""
    language = language if language in DIGEST else "it"
    title, intro = DIGEST[language]
    entries = []
    for kind, params, link in items:
        shown = render(kind, params, language)
        entries.append((shown["title"], shown["body"], link))
    return compose(title.format(day=day), entries, intro, language, public_url)


def compose(subject, entries, intro, language, public_url, footers=FOOTER) -> dict:
    """Subject, text and HTML of an email of `entries` (title, body, link within the site)."""
    language = language if language in footers else "it"
    footer = footers[language].format(url=public_url)
    text_parts = [intro] if intro else []
    html_parts = [f"<p>{escape(intro)}</p>"] if intro else []
    for title, body, link in entries:
        url = f"{public_url}{link}" if link else None
        text_parts.append(f"{title}\n{body}" + (f"\n{OPEN[language]}: {url}" if url else ""))
        html_parts.append(f"<h2 style=\"font-size:1.1em\">{escape(title)}</h2><p>{escape(body)}</p>"
                          + (f"<p><a href=\"{escape(url)}\">{OPEN[language]}</a></p>" if url else ""))
    text = "\n\n".join(text_parts) + f"\n\n-- \n{footer}\n"
    html = (f"<!doctype html><html lang=\"{language}\"><body style=\"font-family:sans-serif\">"
            + "".join(html_parts) + f"<hr><p style=\"font-size:0.85em\">{escape(footer)}</p>"
            "</body></html>")
    return {"subject": f"[Rete QuBì] {subject}", "text": text, "html": html}
